"""Math in Markdown: ``$...$`` inline and ``$$...$$`` display, rendered to MathML.

As on Bear: display math is ``$$`` on a line of its own, the TeX on the lines between, and
``$$`` again; ``$$...$$`` within one line is inline math (Bear rewrites it to ``$...$``).

Rendered on the server (latex2mathml), so readers need no JavaScript: browsers draw
MathML natively. A dollar sign followed by a space or a digit after the closing one
(``$5 and $10``) is not math. TeX that does not parse stays as it was written, marked
with the class ``math-error``.

MathML is kept aside while Markdown runs (a placeholder stands in its place) and put back
by ``MathPostprocessor``: display math standing alone takes the place of its paragraph, as
Bear's block math does, and inline math stays in its paragraph, even alone in it.
"""

import re
import xml.etree.ElementTree as etree

from latex2mathml.converter import convert
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor

DISPLAY_MATH = r"\$\$(?P<display>[ \t]*\n.+?\n[ \t]*)\$\$"
INLINE_DOUBLE_MATH = r"\$\$(?P<double>[^\s$][^\n]*?)\$\$"
INLINE_MATH = r"(?<![\\$\w])\$(?P<inline>[^\s$](?:[^$\n]*?[^\s$\\])?)\$(?!\d)"
MAX_TEX_LENGTH = 5_000
PLACEHOLDER = "\x02bearmath{}\x03"
PLACED = re.compile(r"(<p>)?\x02bearmath(\d+)\x03(</p>)?")


class MathProcessor(InlineProcessor):
    def handleMatch(self, match, data):
        display = match.group("display") is not None
        groups = ("display", "double", "inline")
        tex = next(match.group(name) for name in groups if match.group(name)).strip()
        try:
            if len(tex) > MAX_TEX_LENGTH:
                raise ValueError("too long")
            mathml = convert(tex, display="block" if display else "inline")
        except Exception:  # latex2mathml raises many kinds of errors on bad TeX
            error = etree.Element("code", {"class": "math-error"})
            error.text = match.group(0)
            return error, match.start(0), match.end(0)
        self.md.math_blocks.append((mathml, display))
        placeholder = PLACEHOLDER.format(len(self.md.math_blocks) - 1)
        return placeholder, match.start(0), match.end(0)


class MathPostprocessor(Postprocessor):
    def run(self, text):
        def put_back(match):
            mathml, display = self.md.math_blocks[int(match[2])]
            if display and match[1] and match[3]:
                return mathml
            return f"{match[1] or ''}{mathml}{match[3] or ''}"

        return PLACED.sub(put_back, text) if self.md.math_blocks else text


class MathExtension(Extension):
    def extendMarkdown(self, md):
        # Before escapes (180) and emphasis, after code spans (190): `$x$` in code stays.
        pattern = f"(?s:{DISPLAY_MATH})|{INLINE_DOUBLE_MATH}|{INLINE_MATH}"
        md.math_blocks = []  # (MathML, display?) of one render
        md.inlinePatterns.register(MathProcessor(pattern, md), "math", 185)
        # Before the raw HTML goes back (30): nothing else reads the placeholders.
        md.postprocessors.register(MathPostprocessor(md), "math", 31)


def makeExtension(**kwargs):
    return MathExtension(**kwargs)
