"""A blog's look: its built-in theme plus the blogger's own CSS, inlined in ``<style>``.

Themes are small CSS files in ``templates/blog/themes/``: ``base.css`` (layout) and
``highlight.css`` (Pygments' code colours), written against CSS variables, followed by
``<theme>.css``, which sets the variables, light and dark. Inlining them costs no extra
request and no third-party load; the default theme is 1.5 KB (2 KB with code colours).
Every text colour, code colours included, keeps WCAG's 4.5:1 contrast with the background
it is shown on, light and dark (tests/system/test_accessibility.py runs axe on each theme).

Bear Blog's "overwrite default styles" is ``BlogPage.overwrite_theme``: the theme is left
out, code colours too (``highlight.css`` is written against the theme's variables), and the
custom CSS alone is inlined, so a whole stylesheet copied from a Bear blog applies as it
did there. The reader markup carries what such stylesheets target (docs/themes.md).

Custom CSS is the blogger's, but it is shown to every reader inside ``<style>``, so
``safe_custom_css`` makes sure it can neither end that element nor load anything from
another host:

* ``<`` followed by ``/`` or ``!`` becomes the CSS escape ``\\3c `` (inside a CSS string
  it still means ``<``; outside one, ``</`` was never valid CSS). An HTML parser ends a
  ``<style>`` only at ``</style``, so nothing can break out. A bare ``<`` stays, for
  media queries like ``(width < 600px)``.
* The CSS is cut into pieces at ``;``, ``{`` and ``}``. A piece is dropped when,
  read with CSS escapes decoded, it holds ``@import``, a function that loads or runs
  something other than ``url()`` (``image-set()``, ``image()``, ``src()``,
  ``cross-fade()``, ``element()``, ``expression()``, ``paint()``), or a ``url()`` that is
  not a plain path on the blog's own host: no scheme (so no ``https:``, ``javascript:``
  or ``data:``), no ``//`` or backslash host. A piece with anything else that looks
  like an absolute URL (``scheme:/`` or ``//``) goes too, wherever it is: a string cut
  at a ``;`` must not leave half a URL behind. The delimiters stay, so the rest parses
  as before. ``data:`` URLs are therefore not supported in custom CSS.
"""

import functools
import re
from pathlib import Path

from django.conf import settings

from blog.models import THEMES

THEME_NAMES = frozenset(name for name, _label in THEMES)
DEFAULT_THEME = "default"
THEMES_DIR = Path(settings.BASE_DIR) / "templates" / "blog" / "themes"

_PIECES = re.compile(r"([;{}])")
_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(.))", re.DOTALL)
_FUNCTION = re.compile(r"([-\w]*)\(")
_BLOCKED_FUNCTIONS = re.compile(r"image-set|image|src|cross-fade|element|expression|paint")
_ABSOLUTE_URL = re.compile(r"[a-z][a-z0-9+.-]*:\s*[/\\]|//")
_TAG_OPENER = re.compile(r"<(?=[/!])")


def theme_name(theme):
    """The theme to use for a blog's setting: unknown names fall back to the default."""
    return theme if theme in THEME_NAMES else DEFAULT_THEME


@functools.cache
def theme_css(theme, code=True):
    """The CSS of a built-in theme, read once per process.

    ``code=False`` leaves out the colours of highlighted code: a post without code
    blocks does not need them, and they are a quarter of the theme's weight.
    """
    files = ("base.css", "highlight.css" if code else None, f"{theme_name(theme)}.css")
    return "\n".join((THEMES_DIR / name).read_text().strip() for name in files if name)


def _decode_escapes(css):
    """CSS text with its backslash escapes replaced by the characters they stand for."""

    def char(match):
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match.group(2)

    return _ESCAPE.sub(char, css)


def _is_local_path(argument):
    """Whether a ``url()`` argument is a path on this host (no scheme, no other host)."""
    target = re.sub(r"\s+", "", argument).strip("\"'")
    return ":" not in target and "\\" not in target and not target.startswith("//")


def _is_safe_piece(piece):
    text = _decode_escapes(piece).lower()
    if "@import" in text or _ABSOLUTE_URL.search(text):
        return False
    for match in _FUNCTION.finditer(text):
        name = match.group(1)
        if name.endswith("url"):
            argument, closed, _rest = text[match.end() :].partition(")")
            if not closed or not _is_local_path(argument):
                return False
        elif _BLOCKED_FUNCTIONS.search(name):
            return False
    return True


@functools.lru_cache(maxsize=128)
def safe_custom_css(css):
    """The blogger's CSS, made unable to leave ``<style>`` or load third-party resources.

    Cached: the same blog's CSS is served on every page view.
    """
    css = (css or "").replace("\x00", "")
    pieces = _PIECES.split(css)
    kept = [piece if piece in ";{}" or _is_safe_piece(piece) else "" for piece in pieces]
    return _TAG_OPENER.sub(r"\\3c ", "".join(kept))


def blog_css(blog, code=True):
    """Everything inside a blog page's ``<style>``: the theme, then the custom CSS; or,
    when the blogger chose to overwrite the theme, the custom CSS alone."""
    custom = safe_custom_css(blog.custom_css)
    if blog.overwrite_theme:
        return custom
    css = theme_css(blog.theme, code)
    return f"{css}\n{custom}" if custom.strip() else css
