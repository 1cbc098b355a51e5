"""One checker for every XSS test: does a rendered page hold anything a browser would run?

``executable_contexts(html)`` parses ``html`` with the standard library's ``html.parser``
and lists every executable context it finds (an empty list means the page is inert):

* a ``<script>`` element; an ``on*`` event-handler attribute;
* a URL attribute (``href``, ``src``, ``action``, ``formaction``, ``xlink:href``,
  ``poster``, ``data``, ``srcdoc``...; SVG animation values too) holding a
  ``javascript:``, ``vbscript:`` or ``data:`` URL (``data:`` images in ``src`` excepted),
  read as a browser reads it: entities decoded, control characters and whitespace gone;
* ``<base>``, ``<meta http-equiv=refresh>``, ``<object>``, ``<embed>``, ``<applet>``,
  ``<frame>``/``<frameset>``, and an ``<iframe>`` that is not an https embed from
  ``blog.core.markdown.EMBED_HOSTS`` with a ``sandbox`` that keeps it off the reader's page;
* CSS, in ``<style>`` or a ``style`` attribute, that runs script (``expression()``,
  ``url(javascript:...)`` and friends, read with CSS escapes and comments removed), an
  ``@import``, or a ``</style`` that would end the element.

``html.parser`` is simpler than a browser's parser in a few places an attacker aims at:
it ends ``<style>`` only at ``</style>`` exactly (any ``</style`` inside counts as a
breakout, above), ends comments only at ``-->``, reads ``<xmp>``, ``<noscript>``,
``<textarea>``... as markup where browsers read text up to the end tag, and never parses
``<style>`` inside SVG/MathML as markup, as browsers do. So those elements are read as
browsers read them, and the text of each of them, of every comment, declaration and
processing instruction is parsed again as HTML and checked by the same rules: a page can
only fail more often this way, never less.

With ``admin=True`` (the dashboard, which runs Wagtail's own scripts) only findings that
carry a corpus marker (``MARKER``) count: the blogger's text must not be what runs.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from blog.core.markdown import EMBED_HOSTS

MARKER = re.compile(r"mk\d{3}x")
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "poster", "data", "codebase",
    "background", "dynsrc", "lowsrc", "cite", "longdesc", "usemap", "ping", "manifest",
    "icon", "profile", "archive", "classid", "code", "srcdoc",
    # SVG animation sets another attribute (an href) to these values.
    "values", "to", "from", "by",
}  # fmt: skip
DANGEROUS_SCHEME = re.compile(r"^(?:javascript|vbscript|livescript|mocha|data):")
SAFE_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp|avif)[;,]")
FORBIDDEN_ELEMENTS = {"base", "object", "embed", "applet", "frame", "frameset", "isindex"}
EMBED_SANDBOX = {"allow-scripts", "allow-same-origin", "allow-presentation", "allow-popups"}
JSON_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# Elements whose content browsers read as text up to their end tag (noscript: with
# scripting on), which html.parser would read as markup; their text is parsed again.
RAW_TEXT = {"xmp", "noembed", "noframes", "noscript", "iframe", "textarea", "title"}
CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(.))", re.DOTALL)
CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
# Read with escapes and comments removed, whitespace gone and lowercased. A URL is only
# fetched in a function (url(), image-set()...), so that is where a scheme is looked for.
CSS_RUNS_SCRIPT = re.compile(
    r"expression\(|[\w-]\(['\"]?(?:(?:javascript|vbscript|livescript):|data:text/html)|@import"
)
STYLE_END = re.compile(r"</style", re.IGNORECASE)


def browser_url(value):
    """A URL attribute as the browser resolves its scheme: no controls or whitespace."""
    return re.sub(r"[\x00-\x20\x7f]+", "", value or "").lower()


def decoded_css(css):
    def char(match):
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match.group(2)

    css = CSS_COMMENT.sub("", CSS_ESCAPE.sub(char, css))
    return re.sub(r"\s+", "", css).lower()


def _css_findings(css, where):
    findings = []
    if CSS_RUNS_SCRIPT.search(decoded_css(css)):
        findings.append(f"CSS that runs or loads code in {where}: {css[:200]!r}")
    if STYLE_END.search(css):
        findings.append(f"</style breakout in {where}: {css[:200]!r}")
    return findings


def _embed_is_allowed(attrs):
    src = attrs.get("src") or ""
    url = urlsplit(src.strip())
    sandbox = attrs.get("sandbox")
    return (
        url.scheme == "https"
        # The authority a browser reads: a backslash is a slash to it, "user@" goes.
        and url.netloc.lower() in EMBED_HOSTS
        and "\\" not in src
        and not any(character.isspace() or not character.isprintable() for character in src)
        and sandbox is not None
        and set(sandbox.split()) <= EMBED_SANDBOX
        and "srcdoc" not in attrs
    )


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings = []
        self.nested = []  # text another parser must read again (see the module docstring)
        self.raw = None  # (tag, attrs, [text]) while inside <script> or <style>
        self.foreign = 0  # open <svg> and <math> elements

    def handle_starttag(self, tag, attr_list):
        attrs = {name: (value or "") for name, value in attr_list}
        shown = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs.items())}>"
        for name, value in attrs.items():
            if name.startswith("on"):
                self.findings.append(f"event handler {name}= in {shown}")
            elif name in URL_ATTRIBUTES or name.endswith(":href"):
                url = browser_url(value)
                if name == "srcdoc" or (
                    DANGEROUS_SCHEME.match(url) and not SAFE_DATA_IMAGE.match(url)
                ):
                    self.findings.append(f"executable URL in {name}= of {shown}")
            elif name == "style":
                self.findings.extend(_css_findings(value, f"the style of {shown}"))
        if attrs.get("attributename", "").strip().lower().startswith("on"):
            self.findings.append(f"animation of an event handler in {shown}")
        if tag in FORBIDDEN_ELEMENTS:
            self.findings.append(f"forbidden element {shown}")
        elif tag == "meta" and attrs.get("http-equiv", "").strip().lower() == "refresh":
            self.findings.append(f"meta refresh {shown}")
        elif tag == "iframe" and not _embed_is_allowed(attrs):
            self.findings.append(f"iframe not from an allowed, sandboxed embed host: {shown}")
        if tag in ("svg", "math"):
            self.foreign += 1
        if tag in ("script", "style") or tag in RAW_TEXT:
            self.raw = (tag, attrs, [])
            self.set_cdata_mode(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("svg", "math"):
            self.foreign -= 1

    def handle_endtag(self, tag):
        if tag in ("svg", "math") and self.foreign:
            self.foreign -= 1
        if self.raw is None or tag != self.raw[0]:
            return
        kind, attrs, parts = self.raw
        self.raw = None
        text = "".join(parts)
        if kind in RAW_TEXT:
            self.nested.append(text)
        elif kind == "style":
            self.findings.extend(_css_findings(text, "<style>"))
            if self.foreign:
                self.nested.append(text)
        elif attrs.get("type", "").strip().lower() not in JSON_SCRIPT_TYPES:
            self.findings.append(f"script element (src={attrs.get('src')!r}): {text[:200]!r}")
        elif re.search(r"</script", text, re.IGNORECASE):
            self.findings.append(f"</script breakout in a JSON script: {text[:200]!r}")

    def handle_data(self, data):
        if self.raw is not None:
            self.raw[2].append(data)

    def handle_comment(self, data):
        self.nested.append(data)

    def handle_decl(self, decl):
        if not decl.lower().startswith("doctype"):
            self.nested.append(decl)

    def handle_pi(self, data):
        self.nested.append(data)

    def unknown_decl(self, data):
        self.nested.append(data)

    def close(self):
        super().close()
        if self.raw is not None:  # an unclosed <script>, <style>... at the end
            self.raw[2].append(self.rawdata)
            self.handle_endtag(self.raw[0])


def executable_contexts(html, admin=False):
    """Every executable context in ``html`` (see the module docstring); [] if none."""
    findings, pending = [], [html]
    for _depth in range(5):  # nested text holding nested text: a few levels suffice
        if not pending:
            break
        texts, pending = pending, []
        for text in texts:
            inspector = _Inspector()
            inspector.feed(text)
            inspector.close()
            findings.extend(inspector.findings)
            pending.extend(nested for nested in inspector.nested if "<" in nested)
    if admin:
        findings = [finding for finding in findings if MARKER.search(finding)]
    return findings
