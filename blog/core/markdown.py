"""The one Markdown pipeline: Python-Markdown with a fixed set of extensions, then nh3.

Everything a blogger writes (posts, pages, the home content, the nav) goes through
``render_markdown``. Pages store the result when they are saved (one render per
published revision), so readers never pay for Markdown on a request.

The syntax is Bear Blog's (docs/markdown.md): what Python-Markdown and pymdownx do not
read as Bear does is in ``markdown_bear`` (typography, ``tab:`` links, footnotes, heading
ids), ``markdown_rst`` (``.. note::``, ``.. toc::``) and ``markdown_lists`` (CommonMark's
list indentation, no indented code). Math is MathML (``markdown_math``); quotes stay as
typed (no smart quotes).

Raw HTML is allowed in Markdown, as Bear allows it, but only what survives the nh3
allow-list below: no scripts, no event handlers, no ``javascript:`` URLs; ``style``
through ``blog.core.css_sanitiser``; links' ``rel`` and ``target`` narrowed, and always
``noopener``; media with http(s) addresses, never playing sound by themselves; iframes
only from the embed hosts in ``EMBED_HOSTS``, sandboxed.

Two things are added for screen readers and keyboards, since readers get no JavaScript:
a task's checkbox is named by the task (a ``<label>`` around both), and a code block,
which scrolls sideways when its lines are long, can take the keyboard's focus.
"""

import re
import threading
import xml.etree.ElementTree as etree
from html import escape
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from blog.core.css_sanitiser import sanitise_style
from blog.core.markdown_bear import heading_id

MAX_MARKDOWN_LENGTH = 500_000  # characters; a long book chapter is ~100,000

EXTENSIONS = [
    # Python-Markdown's "extra", with superfences for its fenced_code: fences in list items.
    "markdown.extensions.abbr",
    "markdown.extensions.attr_list",
    "markdown.extensions.def_list",
    "markdown.extensions.footnotes",
    "markdown.extensions.md_in_html",
    "markdown.extensions.tables",
    "pymdownx.superfences",
    "markdown.extensions.codehilite",
    "markdown.extensions.toc",
    "markdown.extensions.sane_lists",
    "pymdownx.tilde",  # ~~del~~ and ~sub~
    "pymdownx.caret",  # ^sup^
    "pymdownx.mark",  # ==mark==
    "pymdownx.tasklist",
    "blog.core.markdown:TaskLabelExtension",
    "pymdownx.magiclink",
    "blog.core.markdown_bear:BearExtension",
    "blog.core.markdown_rst:RstDirectiveExtension",
    "blog.core.markdown_lists:IndentedCodeOff",  # last: superfences adds an indented code
    "blog.core.markdown_math:MathExtension",
]
EXTENSION_CONFIGS = {
    "markdown.extensions.codehilite": {"guess_lang": False, "css_class": "highlight"},
    # Bear's heading ids, and no "[TOC]" marker: Bear writes ``.. toc::`` (markdown_rst).
    "markdown.extensions.toc": {"permalink": False, "marker": "", "slugify": heading_id},
    "pymdownx.tilde": {"subscript": True},
    "pymdownx.caret": {"insert": False},
    "pymdownx.mark": {"smart_mark": True},
    "pymdownx.tasklist": {"custom_checkbox": False},
}

ALLOWED_TAGS = {
    "a", "abbr", "audio", "b", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd",
    "label", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "source",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "track", "u", "ul", "var", "video",
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
# The one list of hosts an iframe may come from (https only, the exact host): Bear's own
# (its free-blog sanitiser's HOST_WHITELIST, 30 hosts, two of them single blogs Bear let
# in) and ours. Any other iframe is removed with its source. The reader pages'
# Content-Security-Policy allows frames from exactly these (bearcms/settings.py), and
# docs/security.md lists them: change the three together.
EMBED_HOSTS = frozenset(
    {
        # Bear Blog's list.
        "www.youtube.com", "www.youtube-nocookie.com", "www.slideshare.net",
        "player.vimeo.com", "w.soundcloud.com", "www.google.com", "codepen.io",
        "stackblitz.com", "onedrive.live.com", "docs.google.com", "bandcamp.com",
        "embed.music.apple.com", "drive.google.com", "share.transistor.fm",
        "share.descript.com", "mrkennedy.ca", "open.spotify.com", "umap.openstreetmap.fr",
        "music.163.com", "sheevcharan.substack.com", "guestbooks.meadow.cafe",
        "supercut.video", "listenbrainz.org", "api.listenbrainz.org", "archive.org",
        "panel.radiocast.net", "embed.ente.io", "app.hearthis.at", "datawrapper.de",
        "datawrapper.dwcdn.net",
        # Ours before issue 17, kept.
        "youtube.com", "www.openstreetmap.org",
    }
)  # fmt: skip
MEDIA_TAGS = {"video", "audio", "source", "track"}
VIDEO_ATTRIBUTES = {
    "src", "poster", "width", "height", "controls", "loop", "muted", "playsinline", "autoplay",
}  # fmt: skip
IFRAME_ATTRIBUTES = {
    "src", "width", "height", "title", "allow", "allowfullscreen", "loading", "frameborder",
    "referrerpolicy",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    # ``style`` goes through blog.core.css_sanitiser (``filter_attribute``).
    "*": {"class", "id", "title", "lang", "dir", "style"},
    # ``rel`` and ``target`` are filtered (``filter_attribute``), and every link gets
    # ``noopener`` (``with_noopener``).
    "a": {"href", "hreflang", "rel", "target"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "details": {"open"},
    "abbr": {"title"},
    # Media play only when the reader asks: ``autoplay`` is kept on a muted video alone
    # (a clip in place of a GIF), never with sound (``without_loud_autoplay``).
    "video": VIDEO_ATTRIBUTES,
    "audio": {"src", "controls", "loop", "muted"},
    "source": {"src", "type", "media"},
    "track": {"src", "srclang", "label", "default"},
    "iframe": IFRAME_ATTRIBUTES,
    **{tag: MATHML_ATTRIBUTES for tag in MATHML_TAGS},
}
# Task-list checkboxes are the only inputs, and they are always inert. A ``<label>`` has
# no ``for``: it names only the checkbox inside it, never a control of the page's forms.
# ``tabindex`` is for a code block's ``<code>`` alone (``clean_html`` moves it there), and
# only "0": a place in the page's order, never ahead of the page's own links.
TAG_ATTRIBUTE_VALUES = {
    "input": {"type": {"checkbox"}, "checked": {"", "checked"}},
    "code": {"tabindex": {"0"}},
    "video": {"preload": {"none", "metadata", "auto", ""}},
    "audio": {"preload": {"none", "metadata", "auto", ""}},
    "track": {"kind": {"subtitles", "captions", "descriptions", "chapters", "metadata"}},
}
SET_TAG_ATTRIBUTE_VALUES = {
    # Bear's (mistune's) class for a task's checkbox, so that Bear stylesheets find it.
    "input": {"disabled": "disabled", "class": "task-list-item-checkbox"},
    # An embed runs in its own origin and may never navigate the reader's page.
    "iframe": {"sandbox": "allow-scripts allow-same-origin allow-presentation allow-popups"},
}
URL_SCHEMES = {"http", "https", "mailto"}
MEDIA_URL_SCHEMES = {"http", "https"}  # a video's, a poster's, a subtitle file's address
# What a link may say about itself. Not ``opener`` (it would undo ``noopener``).
LINK_RELS = {
    "me", "author", "bookmark", "external", "help", "license", "next", "prev", "nofollow",
    "noopener", "noreferrer", "sponsored", "tag", "ugc",
}  # fmt: skip
LINK_TARGETS = {"_blank", "_self"}  # a new tab, or this one: never a frame or a named window
MAX_CLEANING_PASSES = 5  # deeply nested links settle in three
IFRAME_WITHOUT_SOURCE = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>\s*</iframe>")
# nh3 escapes ``<`` and ``>`` in attribute values, so ``<iframe[^>]*>`` is the whole tag.
IFRAME_CONTENT = re.compile(r"(<iframe\b[^>]*>).*?(</iframe>)", re.DOTALL)
# Every ``<code>`` tag, and the ``<pre>`` it opens if it is a code block's (codehilite
# puts an empty ``<span>`` between them). nh3 escapes quotes in attribute values, so
# `` tabindex="0"`` in a tag is the attribute.
CODE_TAG = re.compile(r"(<pre\b[^>]*>(?:<span></span>)?)?<code\b([^>]*)>")
FOCUSABLE = ' tabindex="0"'
# The same holds for links' and videos' tags (and ``<abbr`` is not ``<a\b``).
LINK_TAG = re.compile(r"<a\b([^>]*)>")
REL_ATTRIBUTE = re.compile(r' rel="([^"]*)"')
VIDEO_TAG = re.compile(r"<video\b([^>]*)>")
AUTOPLAY_ATTRIBUTE = re.compile(r' autoplay="[^"]*"')


_thread = threading.local()


def renderer():
    """This thread's Markdown instance, reset for a new text.

    Building one registers some twenty extensions, which costs more than rendering most
    posts (3 ms against 2 for a page of text). Python-Markdown is made to be reset and
    used again: each extension that keeps something of a text clears it in ``reset()``
    (``markdown_math``'s formulas and ``markdown_rst``'s tables of contents too).
    """
    md = getattr(_thread, "markdown", None)
    if md is None:
        md = _thread.markdown = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
        )
    return md.reset()


def render_markdown(text):
    """Return sanitised HTML for a blogger's Markdown ``text``."""
    try:
        html = renderer().convert(text or "")
    except BaseException as error:
        # Stopped half way through a text, the parser may hold anything of it (reset()
        # does not empty its stack of open blocks): the next text gets a new instance.
        _thread.markdown = None
        if not isinstance(error, RecursionError):
            raise
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


def filter_attribute(tag, attribute, value):
    """nh3's attribute filter: the value to keep, or None to drop the attribute."""
    if attribute == "style":
        return sanitise_style(value) or None
    if tag == "iframe" and attribute == "src":
        return value if is_embed_address(value) else None
    elif tag in MEDIA_TAGS and attribute in {"src", "poster"}:
        url = urlsplit(value)
        if url.scheme not in MEDIA_URL_SCHEMES or not url.hostname:
            return None
    elif tag == "a" and attribute == "rel":
        kept = dict.fromkeys(word for word in value.lower().split() if word in LINK_RELS)
        return " ".join(kept) or None
    elif tag == "a" and attribute == "target":
        target = value.strip().lower()
        return target if target in LINK_TARGETS else None
    return value


def is_embed_address(value):
    """An iframe's ``src`` must be https on an embed host, the exact name and nothing
    else in the authority: no ``www.youtube.com.evil.example``, no
    ``evil.example/www.youtube.com``, no userinfo (``www.youtube.com@evil.example``), no
    port. A backslash, whitespace or a control character anywhere refuses it: browsers
    read ``\\`` as ``/`` (``https://evil.example\\@www.youtube.com/`` goes to
    evil.example, where ``urlsplit`` sees youtube) and drop tabs and newlines, so such an
    address does not mean to a browser what it means here."""
    if any(char == "\\" or char.isspace() or not char.isprintable() for char in value):
        return False
    url = urlsplit(value)
    return url.scheme == "https" and url.netloc.lower() in EMBED_HOSTS


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
        attribute_filter=filter_attribute,
        link_rel=None,  # links keep their own ``rel`` (``rel="me"``); with_noopener below
    )
    # What stands inside an iframe is kept as raw text (``<script>`` included): browsers
    # never show it, but feed readers and mail clients may read it as markup. Empty it.
    html = IFRAME_CONTENT.sub(r"\1\2", html)
    # An iframe whose source was refused is an empty frame: drop it altogether.
    html = IFRAME_WITHOUT_SOURCE.sub("", html)
    html = LINK_TAG.sub(with_noopener, html)
    html = VIDEO_TAG.sub(without_loud_autoplay, html)
    return CODE_TAG.sub(focus_on_block_code, html)


def with_noopener(match):
    """Every link carries ``noopener`` beside its own ``rel`` words: a page it opens in a
    new tab (``target="_blank"``, ``tab:``) never gets a handle on the reader's page."""
    attributes = match[1]
    rel = REL_ATTRIBUTE.search(attributes)
    if rel is None:
        return f'<a{attributes} rel="noopener">'
    words = rel[1].split()
    if "noopener" in words:
        return match[0]
    before, after = attributes[: rel.start()], attributes[rel.end() :]
    return f'<a{before} rel="{" ".join([*words, "noopener"])}"{after}>'


def without_loud_autoplay(match):
    """A video plays by itself only when muted; audio never does (not allowed at all)."""
    attributes = match[1]
    if ' muted="' in attributes:
        return match[0]
    return f"<video{AUTOPLAY_ATTRIBUTE.sub('', attributes)}>"


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
