"""Math in Markdown: ``$...$`` inline and ``$$...$$`` display, rendered to MathML.

As on Bear: display math is ``$$`` on a line of its own, the TeX on the lines between, and
``$$`` again on a line of its own (the next such line closes it); ``$$...$$`` within one
line is inline math (Bear rewrites it to ``$...$``).

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

# A line that is only ``$$`` opens display math; ``MathProcessor`` looks for the line
# that closes it, line by line (a regex scanning ahead from every ``$$`` is quadratic).
DISPLAY_MATH_OPENS = r"(?m:^[ \t]*(?P<display>\$\$)[ \t]*\n)"
INLINE_DOUBLE_MATH = r"\$\$(?P<double>[^\s$][^\n]*?)\$\$"
INLINE_MATH = r"(?<![\\$\w])\$(?P<inline>[^\s$](?:[^$\n]*?[^\s$\\])?)\$(?!\d)"
MAX_TEX_LENGTH = 5_000
PLACEHOLDER = "\x02bearmath{}\x03"
PLACED = re.compile(r"(<p>)?\x02bearmath(\d+)\x03(</p>)?")


def display_math_end(data, start):
    """The TeX of display math whose lines start at ``start`` in ``data``, and where the
    line that is only ``$$`` after it ends; (None, None) if no line closes it."""
    while True:
        end = data.find("\n", start)
        line = data[start:] if end < 0 else data[start:end]
        if line.strip() == "$$":
            return start, start + len(line)
        if end < 0:
            return None, None
        start = end + 1


class MathProcessor(InlineProcessor):
    def handleMatch(self, match, data):
        display = match.group("display") is not None
        if display:
            closing, end = display_math_end(data, match.end())
            if closing is None or not data[match.end() : closing].strip():
                return None, None, None  # no closing line (or nothing between): text
            tex, source = data[match.end() : closing].strip(), data[match.start() : end]
        else:
            tex = (match.group("double") or match.group("inline")).strip()
            source, end = match.group(0), match.end(0)
        try:
            if len(tex) > MAX_TEX_LENGTH:
                raise ValueError("too long")
            mathml = convert(tex, display="block" if display else "inline")
        except Exception:  # latex2mathml raises many kinds of errors on bad TeX
            error = etree.Element("code", {"class": "math-error"})
            error.text = source
            return error, match.start(0), end
        self.md.math_blocks.append((mathml, display))
        placeholder = PLACEHOLDER.format(len(self.md.math_blocks) - 1)
        return placeholder, match.start(0), end


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
        pattern = f"{DISPLAY_MATH_OPENS}|{INLINE_DOUBLE_MATH}|{INLINE_MATH}"
        self.md = md
        md.math_blocks = []  # (MathML, display?) of one render
        md.registerExtension(self)  # reset() between texts
        md.inlinePatterns.register(MathProcessor(pattern, md), "math", 185)
        # Before the raw HTML goes back (30): nothing else reads the placeholders.
        md.postprocessors.register(MathPostprocessor(md), "math", 31)

    def reset(self):
        self.md.math_blocks = []


def makeExtension(**kwargs):
    return MathExtension(**kwargs)
