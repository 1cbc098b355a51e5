"""The one Markdown pipeline: Python-Markdown with a fixed set of extensions, then nh3.

Everything a blogger writes (posts, pages, the home content, the nav) goes through
``render_markdown``. Pages store the result when they are saved (one render per
published revision), so readers never pay for Markdown on a request.

Raw HTML is allowed in Markdown, as Bear allows it, but only what survives the nh3
allow-list below: no scripts, no event handlers, no ``style`` attributes, no
``javascript:`` URLs.
"""

import markdown
import nh3

MAX_MARKDOWN_LENGTH = 500_000  # characters; a long book chapter is ~100,000

EXTENSIONS = [
    "markdown.extensions.extra",  # tables, footnotes, fenced code, attr_list, def lists
    "markdown.extensions.codehilite",
    "markdown.extensions.toc",
    "markdown.extensions.sane_lists",
    "pymdownx.tilde",
    "pymdownx.tasklist",
    "pymdownx.magiclink",
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
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
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
}
# Task-list checkboxes are the only inputs, and they are always inert.
TAG_ATTRIBUTE_VALUES = {"input": {"type": {"checkbox"}, "checked": {"", "checked"}}}
SET_TAG_ATTRIBUTE_VALUES = {"input": {"disabled": "disabled"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    """Return sanitised HTML for a blogger's Markdown ``text``."""
    html = markdown.markdown(
        text or "",
        extensions=EXTENSIONS,
        extension_configs=EXTENSION_CONFIGS,
        output_format="html",
    )
    return sanitise_html(html)


def sanitise_html(html):
    """Strip everything from ``html`` that could run code or escape its container."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=TAG_ATTRIBUTE_VALUES,
        set_tag_attribute_values=SET_TAG_ATTRIBUTE_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
    )
