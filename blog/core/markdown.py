"""The one Markdown pipeline: Python-Markdown with a fixed set of extensions, then nh3.

Everything a blogger writes (posts, pages, the home content, the nav) goes through
``render_markdown``. Pages store the result when they are saved (one render per
published revision), so readers never pay for Markdown on a request.

Raw HTML is allowed in Markdown, as Bear allows it, but only what survives the nh3
allow-list below: no scripts, no event handlers, no ``style`` attributes, no
``javascript:`` URLs, and iframes only from the embed hosts in ``EMBED_HOSTS``. Math is
MathML (``blog.core.markdown_math``); quotes stay as typed (no smart quotes).

Two things are added for screen readers and keyboards, since readers get no JavaScript:
a task's checkbox is named by the task (a ``<label>`` around both), and a code block,
which scrolls sideways when its lines are long, can take the keyboard's focus.
"""

import re
import xml.etree.ElementTree as etree
from html import escape
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from blog.core.markdown_math import MathExtension

MAX_MARKDOWN_LENGTH = 500_000  # characters; a long book chapter is ~100,000

EXTENSIONS = [
    "markdown.extensions.extra",  # tables, footnotes, fenced code, attr_list, def lists
    "markdown.extensions.codehilite",
    "markdown.extensions.toc",
    "markdown.extensions.sane_lists",
    "pymdownx.tilde",
    "pymdownx.tasklist",
    "blog.core.markdown:TaskLabelExtension",
    "pymdownx.magiclink",
    MathExtension(),
]
EXTENSION_CONFIGS = {
    "markdown.extensions.codehilite": {"guess_lang": False, "css_class": "highlight"},
    "markdown.extensions.toc": {"permalink": False},
    "pymdownx.tilde": {"subscript": False},
    "pymdownx.tasklist": {"custom_checkbox": False},
}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "label", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
}  # fmt: skip
MATHML_TAGS = {
    "math", "menclose", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo", "mover",
    "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle",
    "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover",
    "none", "semantics", "annotation",
}  # fmt: skip
MATHML_ATTRIBUTES = {
    "accent", "accentunder", "columnalign", "columnlines", "columnspacing", "depth",
    "display", "displaystyle", "fence", "form", "height", "largeop", "linethickness",
    "lspace", "mathvariant", "maxsize", "minsize", "movablelimits", "notation", "rowalign",
    "rowlines", "rowspacing", "rspace", "scriptlevel", "separator", "stretchy", "symmetric",
    "width", "xmlns", "encoding",
}  # fmt: skip
# Embeds readers expect in a blog post; any other iframe is removed with its source.
EMBED_HOSTS = {
    "www.youtube.com", "www.youtube-nocookie.com", "youtube.com", "player.vimeo.com",
    "open.spotify.com", "w.soundcloud.com", "bandcamp.com", "codepen.io",
    "www.openstreetmap.org",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "details": {"open"},
    "abbr": {"title"},
    "iframe": {"src", "width", "height", "title", "allow", "allowfullscreen", "loading"},
    **{tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS},
}
# Task-list checkboxes are the only inputs, and they are always inert. A ``<label>`` has
# no ``for``: it names only the checkbox inside it, never a control of the page's forms.
# ``tabindex`` is for a code block's ``<code>`` alone (``clean_html`` moves it there), and
# only "0": a place in the page's order, never ahead of the page's own links.
TAG_ATTRIBUTE_VALUES = {
    "input": {"type": {"checkbox"}, "checked": {"", "checked"}},
    "code": {"tabindex": {"0"}},
}
SET_TAG_ATTRIBUTE_VALUES = {
    "input": {"disabled": "disabled"},
    # An embed runs in its own origin and may never navigate the reader's page.
    "iframe": {"sandbox": "allow-scripts allow-same-origin allow-presentation allow-popups"},
}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_CLEANING_PASSES = 5  # deeply nested links settle in three
IFRAME_WITHOUT_SOURCE = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>\s*</iframe>")
# nh3 escapes ``<`` and ``>`` in attribute values, so ``<iframe[^>]*>`` is the whole tag.
IFRAME_CONTENT = re.compile(r"(<iframe\b[^>]*>).*?(</iframe>)", re.DOTALL)
# Every ``<code>`` tag, and the ``<pre>`` it opens if it is a code block's (codehilite
# puts an empty ``<span>`` between them). nh3 escapes quotes in attribute values, so
# `` tabindex="0"`` in a tag is the attribute.
CODE_TAG = re.compile(r"(<pre\b[^>]*>(?:<span></span>)?)?<code\b([^>]*)>")
FOCUSABLE = ' tabindex="0"'


def render_markdown(text):
    """Return sanitised HTML for a blogger's Markdown ``text``."""
    try:
        html = markdown.markdown(
            text or "",
            extensions=EXTENSIONS,
            extension_configs=EXTENSION_CONFIGS,
            output_format="html",
        )
    except RecursionError:
        # A thousand nested markers (``****...``, ``- - - ...``) make a tree deeper than
        # Python-Markdown's recursive walks can go. No post means that: show it as typed.
        html = f"<pre>{escape(text)}</pre>"
    return sanitise_html(html)


class TaskLabelTreeprocessor(Treeprocessor):
    """Put each task's checkbox and the line after it in one ``<label>``.

    A checkbox needs a name, and the task is the one that reads best: "Weigh the bears,
    check box, not checked". Runs after ``pymdownx.tasklist`` has put the checkbox at the
    start of the item's text, and before the inline patterns, so links and emphasis in the
    line end up inside the label. A nested list or a second paragraph stays outside: part
    of the task, not its name.
    """

    def run(self, root):
        items = list(root.iter("li"))  # listed first: the loop adds to the tree
        for item in items:
            if "task-list-item" not in item.get("class", "").split():
                continue
            # pymdownx.tasklist's own test: a tight item holds its text, a loose one holds
            # it in its first paragraph.
            line = item if item.text else item[0]
            label = etree.Element("label")
            label.text, line.text = line.text, None
            line.insert(0, label)


class TaskLabelExtension(Extension):
    def extendMarkdown(self, md):
        # After pymdownx.tasklist (25), before the inline patterns (20).
        md.treeprocessors.register(TaskLabelTreeprocessor(md), "task_label", 22)


def embeds_from_allowed_hosts(tag, attribute, value):
    """nh3 attribute filter: an iframe's ``src`` must be https on an embed host."""
    if tag == "iframe" and attribute == "src":
        url = urlsplit(value)
        if url.scheme != "https" or url.hostname not in EMBED_HOSTS:
            return None
    return value


def sanitise_html(html):
    """Strip everything from ``html`` that could run code or escape its container.

    Until nothing changes: nh3 writes out the tree it built, and a browser reading that
    text can build another (nested ``<p>`` or ``<a>``, which a browser splits). Cleaning
    the text again cleans what a browser will see. Markup that never settles (none a
    person writes) is shown as text.
    """
    for _attempt in range(MAX_CLEANING_PASSES):
        cleaned = clean_html(html)
        if cleaned == html:
            return cleaned
        html = cleaned
    return clean_html(f"<pre>{escape(html)}</pre>")  # text only: settled at once


def clean_html(html):
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS | MATHML_TAGS | {"iframe"},
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=TAG_ATTRIBUTE_VALUES,
        set_tag_attribute_values=SET_TAG_ATTRIBUTE_VALUES,
        url_schemes=URL_SCHEMES,
        attribute_filter=embeds_from_allowed_hosts,
        link_rel="noopener",
    )
    # What stands inside an iframe is kept as raw text (``<script>`` included): browsers
    # never show it, but feed readers and mail clients may read it as markup. Empty it.
    html = IFRAME_CONTENT.sub(r"\1\2", html)
    # An iframe whose source was refused is an empty frame: drop it altogether.
    html = IFRAME_WITHOUT_SOURCE.sub("", html)
    return CODE_TAG.sub(focus_on_block_code, html)


def focus_on_block_code(match):
    """A code block's ``<code>`` takes the keyboard's focus; no other ``<code>`` does.

    The themes make a block's ``<code>`` the box that scrolls sideways (``pre code`` in
    base.css), and a keyboard scrolls only the box it is in: without a place in the tab
    order, the end of a long line is out of its reach.
    """
    pre, attributes = match.groups()
    attributes = attributes.replace(FOCUSABLE, "")
    if pre is None:
        return f"<code{attributes}>"
    return f"{pre}<code{FOCUSABLE}{attributes}>"
