"""Math in Markdown: ``$...$`` inline and ``$$...$$`` display, rendered to MathML.

Rendered on the server (latex2mathml), so readers need no JavaScript: browsers draw
MathML natively. A dollar sign followed by a space or a digit after the closing one
(``$5 and $10``) is not math. TeX that does not parse stays as it was written, marked
with the class ``math-error``.
"""

import xml.etree.ElementTree as etree

from latex2mathml.converter import convert
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

DISPLAY_MATH = r"\$\$(?P<display>.+?)\$\$"
INLINE_MATH = r"(?<![\\$\w])\$(?P<inline>[^\s$](?:[^$\n]*?[^\s$\\])?)\$(?!\d)"
MAX_TEX_LENGTH = 5_000


class MathProcessor(InlineProcessor):
    def handleMatch(self, match, data):
        display = match.group("display") is not None
        tex = (match.group("display") if display else match.group("inline")).strip()
        try:
            if len(tex) > MAX_TEX_LENGTH:
                raise ValueError("too long")
            mathml = convert(tex, display="block" if display else "inline")
        except Exception:  # latex2mathml raises many kinds of errors on bad TeX
            error = etree.Element("code", {"class": "math-error"})
            error.text = match.group(0)
            return error, match.start(0), match.end(0)
        return self.md.htmlStash.store(mathml), match.start(0), match.end(0)


class MathExtension(Extension):
    def extendMarkdown(self, md):
        # Before escapes (180) and emphasis, after code spans (190): `$x$` in code stays.
        pattern = f"(?s:{DISPLAY_MATH})|{INLINE_MATH}"
        md.inlinePatterns.register(MathProcessor(pattern, md), "math", 185)


def makeExtension(**kwargs):
    return MathExtension(**kwargs)
