"""A blogger's ``style`` attributes, cut down to what styles text and boxes in place.

Bear keeps ``style="..."`` in posts, and Bear posts use it (a coloured word, a centred
image, a table cell's alignment). Here each declaration is parsed with tinycss2 (a real
CSS tokenizer: escapes, comments and strings are read as a browser reads them) and kept
only if its property is in ``ALLOWED_PROPERTIES`` and every part of its value is plain:
keywords, numbers, lengths, colours, quoted names and a few pure functions (``rgb()``,
``calc()``, gradients). So:

* nothing is fetched: ``url()`` (quoted or not), ``image-set()``, ``@import`` and every
  other function outside ``ALLOWED_FUNCTIONS`` drop their declaration, so a post cannot
  make readers' browsers call another host (the custom CSS rule, ``blog/reader/themes.py``);
* nothing runs: ``expression()``, ``behavior``, ``-moz-binding`` and ``javascript:`` are
  a function, a property and a scheme outside the lists;
* nothing leaves its place: ``position``, ``transform``, ``inset``, ``z-index`` and
  negative margins (or computed ones: no function in a margin) are refused, so a post
  shown inside the dashboard (a preview, staff's review queue) cannot lay itself over the
  buttons around it.

What is kept is written out again from the tokens (``sanitise_style`` of its own output
gives the same text), so the HTML sanitiser settles at once.
"""

import re

import tinycss2

MAX_STYLE_LENGTH = 2_000  # characters of one attribute; a long inline style is ~200

ALLOWED_PROPERTIES = frozenset(
    {
        # Text.
        "color", "font", "font-family", "font-size", "font-style", "font-variant",
        "font-weight", "font-stretch", "line-height", "letter-spacing", "word-spacing",
        "text-align", "text-align-last", "text-decoration", "text-decoration-color",
        "text-decoration-line", "text-decoration-style", "text-decoration-thickness",
        "text-underline-offset", "text-transform", "text-indent", "text-shadow",
        "text-wrap", "white-space", "word-break", "overflow-wrap", "word-wrap", "hyphens",
        "vertical-align",
        # Boxes, in the flow of the page.
        "background", "background-color", "margin", "margin-top", "margin-right",
        "margin-bottom", "margin-left", "margin-block", "margin-inline", "padding",
        "padding-top", "padding-right", "padding-bottom", "padding-left", "padding-block",
        "padding-inline", "border", "border-top", "border-right", "border-bottom",
        "border-left", "border-color", "border-style", "border-width", "border-radius",
        "border-top-color", "border-right-color", "border-bottom-color",
        "border-left-color", "border-top-style", "border-right-style",
        "border-bottom-style", "border-left-style", "border-top-width",
        "border-right-width", "border-bottom-width", "border-left-width",
        "border-top-left-radius", "border-top-right-radius", "border-bottom-left-radius",
        "border-bottom-right-radius", "width", "height", "min-width", "min-height",
        "max-width", "max-height", "box-sizing", "display", "float", "clear", "overflow",
        "overflow-x", "overflow-y", "opacity", "box-shadow", "outline", "aspect-ratio",
        "object-fit", "object-position",
        # Flex, grid and columns.
        "flex", "flex-direction", "flex-wrap", "flex-flow", "flex-grow", "flex-shrink",
        "flex-basis", "justify-content", "justify-items", "align-items", "align-content",
        "align-self", "place-items", "place-content", "order", "gap", "row-gap",
        "column-gap", "grid-template-columns", "grid-template-rows", "grid-column",
        "grid-row", "columns", "column-count", "column-width", "column-rule",
        # Lists and tables.
        "list-style", "list-style-type", "list-style-position", "border-collapse",
        "border-spacing", "caption-side", "table-layout", "empty-cells",
    }
)  # fmt: skip
# Functions that compute a value from their arguments and fetch nothing.
ALLOWED_FUNCTIONS = frozenset(
    {
        "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "calc", "min",
        "max", "clamp", "var", "linear-gradient", "radial-gradient", "conic-gradient",
        "repeating-linear-gradient", "repeating-radial-gradient", "repeat", "minmax",
        "fit-content",
    }
)  # fmt: skip
# Signs and separators of values: ``1px / 2``, ``a, b``, ``calc(1em + 2px)``.
ALLOWED_LITERALS = frozenset({",", "/", "+", "-", "*"})
# A quoted font name, nothing a parser could read as markup or a scheme.
SAFE_STRING = re.compile(r"[\w .'-]*")
NO_NEGATIVE_VALUES = re.compile(r"margin(?:-\w+)?")


def sanitise_style(css):
    """The safe declarations of ``css`` (a ``style`` attribute's value), "" if none."""
    if not css or len(css) > MAX_STYLE_LENGTH:
        return ""
    kept = []
    for declaration in tinycss2.parse_declaration_list(
        css, skip_comments=True, skip_whitespace=True
    ):
        if declaration.type != "declaration":
            continue  # an at-rule, a nested rule or a parse error
        name = declaration.lower_name
        if name not in ALLOWED_PROPERTIES:
            continue
        allow_negative = not NO_NEGATIVE_VALUES.fullmatch(name)
        if not _plain_value(declaration.value, allow_negative):
            continue
        value = " ".join(tinycss2.serialize(declaration.value).split())
        if not value:
            continue
        kept.append(f"{name}: {value}{' !important' if declaration.important else ''}")
    return "; ".join(kept)


def _plain_value(tokens, allow_negative, in_function=False):
    for token in tokens:
        kind = token.type
        if kind in ("whitespace", "comment", "ident", "hash"):
            continue
        if kind in ("number", "percentage", "dimension"):
            if token.value < 0 and not allow_negative:
                return False
            continue
        if kind == "literal" and token.value in ALLOWED_LITERALS:
            continue
        if kind == "string" and not in_function and SAFE_STRING.fullmatch(token.value):
            continue
        if kind == "function" and token.lower_name in ALLOWED_FUNCTIONS and allow_negative:
            inner = token.arguments
        elif kind == "() block" and in_function:  # calc((1em + 2px) * 2)
            inner = token.content
        else:
            inner = None
        if inner is not None and _plain_value(inner, allow_negative, in_function=True):
            continue
        # url(), other functions, (), [], {}, unicode ranges, bad tokens: not plain.
        return False
    return True
