"""Bear Blog's inline Markdown, on top of Python-Markdown: what its mistune renderer does.

Bear renders posts with mistune 3.0.1 and a renderer of its own (docs/markdown.md). Most
of its syntax has a Python-Markdown extension (``^sup^``, ``~sub~``, ``==mark==``: pymdownx,
configured in ``blog.core.markdown``); this module adds the rest, as Bear writes it:

* typographic replacements, Bear's table exactly (``TYPOGRAPHIC_REPLACEMENTS``), in text
  only: never in code, in an attribute (a link's address) or in an address shown as a link;
* ``[x](tab:https://...)``: the link opens in a new tab (the sanitiser adds ``noopener``);
* a backslash at the end of a line is a line break, as in CommonMark
  (``BackslashBreakPreprocessor``: an inline pattern costs a copy of the paragraph per
  break, so 250,000 breaks took minutes);
* heading ids are Django's ``slugify`` of the heading's text after the replacements, as on
  Bear, so links into a moved post (``/post/#my-heading``) still land;
* footnotes are marked up as Bear marks them up (``sup.footnote-ref``,
  ``section.footnotes``, ``a.footnote``, ids ``fn-1``/``fnref-1``), so a Bear stylesheet
  styles them.
"""

import re
import xml.etree.ElementTree as etree

from django.utils.text import slugify
from markdown.extensions import Extension
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from blog.core.markdown_lists import FENCE, html_block_end

# Bear's own table, in its order. Bear also turns a typed ``\n`` into a line break; that
# one is left out on purpose: it breaks every Windows path (``C:\new``) in a post.
TYPOGRAPHIC_REPLACEMENTS = (
    ("(c)", "©"),
    ("(C)", "©"),
    ("(r)", "®"),
    ("(R)", "®"),
    ("(tm)", "™"),
    ("(TM)", "™"),
    ("(p)", "℗"),
    ("(P)", "℗"),
    ("+-", "±"),
)
# Text inside these is shown as written (Bear replaces in text tokens only: never in code).
VERBATIM_TAGS = {"code", "pre", "kbd", "samp", "script", "style"}
NEW_TAB_PREFIX = "tab:"
# A backslash ending a line, until the tree shows whether a line of the same paragraph
# follows it (a break) or not (the backslash itself). No word character, so a heading's
# id never holds it; Python-Markdown removes these two characters from what is typed.
LINE_BREAK_MARK = "\x02\x03"
LINE_BREAK_SPLIT = LINE_BREAK_MARK + "\n"
DISPLAY_MATH_FENCE = re.compile(r"[ \t]*\$\$[ \t]*")
FOOTNOTE_REF_ID = re.compile(r"fnref\d*:(.*)")


def replace_typography(text):
    for typed, symbol in TYPOGRAPHIC_REPLACEMENTS:
        text = text.replace(typed, symbol)
    return text


def heading_id(text, separator):
    """Bear's heading id: Django's ``slugify`` of the text. A heading with no ASCII letter
    (``## 日本語``) has an empty id on Bear, which nothing can link to: here it keeps its
    letters instead. Python-Markdown's toc extension makes repeated ids unique (``_1``)."""
    return slugify(text) or slugify(text, allow_unicode=True)


class BearTreeprocessor(Treeprocessor):
    """Typography, ``tab:`` links and Bear's footnote markup, once the inline patterns ran
    (links and emphasis exist) and before the toc extension reads the headings' text."""

    def run(self, root):
        self.replace_in(root)
        for image in root.iter("img"):  # Bear's alt text is text, replaced too
            if image.get("alt"):
                image.set("alt", replace_typography(image.get("alt")))
        for link in root.iter("a"):
            href = link.get("href", "")
            if href.startswith(NEW_TAB_PREFIX):
                link.set("href", href.removeprefix(NEW_TAB_PREFIX))
                link.set("target", "_blank")
        reshape_footnotes(root)

    def replace_in(self, element):
        if element.tag in VERBATIM_TAGS:
            return
        shown_address = element.tag == "a" and (element.text or "") in {
            element.get("href"),
            f"mailto:{element.text}",
        }
        if element.text and not shown_address:
            element.text = replace_typography(element.text)
        for child in element:
            self.replace_in(child)
            if child.tail:
                child.tail = replace_typography(child.tail)


def reshape_footnotes(root):
    """Python-Markdown's footnotes, marked up as Bear's (mistune's): numbered ids, the
    class on the ``<sup>``, a ``<section class="footnotes">`` without a rule, one way back."""
    numbers = {}
    for sup in root.iter("sup"):
        found = FOOTNOTE_REF_ID.fullmatch(sup.get("id", ""))
        if not found or len(sup) != 1 or sup[0].tag != "a":
            continue
        link = sup[0]
        number = numbers.setdefault(found[1], link.text)
        sup.attrib = {"class": "footnote-ref", "id": f"fnref-{number}"}
        link.attrib = {"href": f"#fn-{number}"}
    for container in root.iter("div"):
        if container.get("class") != "footnote":
            continue
        container.tag = "section"
        container.attrib = {"class": "footnotes"}
        for rule in container.findall("hr"):
            container.remove(rule)
        for item in container.iter("li"):
            number = numbers.get(item.get("id", "").removeprefix("fn:"))
            if number is None:
                continue
            item.set("id", f"fn-{number}")
            for paragraph in item.iter("p"):
                backlinks = [a for a in paragraph if a.get("class") == "footnote-backref"]
                for extra in backlinks[1:]:  # Bear links back to the first reference only
                    paragraph.remove(extra)
                for backlink in backlinks[:1]:
                    backlink.attrib = {"href": f"#fnref-{number}", "class": "footnote"}


class BackslashBreakPreprocessor(Preprocessor):
    """Mark a backslash that ends a line (an odd number of them: ``\\\\`` is one typed
    backslash), outside fenced code, raw HTML blocks and display math.
    ``BackslashBreakTreeprocessor`` makes a ``<br>`` of each mark a paragraph goes on
    after, and ``BackslashPostprocessor`` the rest backslashes again."""

    def run(self, lines):
        out = []
        fence = None
        in_math = False
        index = 0
        while index < len(lines):
            line = lines[index]
            if fence is not None:
                closing = FENCE.fullmatch(line.rstrip())
                if closing and closing["fence"][0] == fence[0]:
                    fence = None if len(closing["fence"]) >= len(fence) else fence
                out.append(line)
                index += 1
                continue
            if not in_math:
                html_end = html_block_end(lines, index)
                if html_end is not None:
                    out.extend(lines[index:html_end])
                    index = html_end
                    continue
                opened = FENCE.match(line)
                if opened:
                    fence = opened["fence"]
                    out.append(line)
                    index += 1
                    continue
            if DISPLAY_MATH_FENCE.fullmatch(line):
                in_math = not in_math
            elif not in_math and line.endswith("\\") and (len(line) - len(line.rstrip("\\"))) % 2:
                line = line[:-1] + LINE_BREAK_MARK
            out.append(line)
            index += 1
        return out


class BackslashBreakTreeprocessor(Treeprocessor):
    """A mark followed by a line of the same text is a ``<br>``; one that ends its
    paragraph, or stands in code, stays for ``BackslashPostprocessor``."""

    def run(self, root):
        self.break_in(root)

    def break_in(self, element):
        if element.tag in VERBATIM_TAGS:
            return
        children = []  # rebuilt when a text or a tail holds a break: one pass, no insert()
        if element.text and LINE_BREAK_SPLIT in element.text:
            element.text, *rest = element.text.split(LINE_BREAK_SPLIT)
            children += map(line_break, rest)
        for child in element:
            self.break_in(child)
            children.append(child)
            if child.tail and LINE_BREAK_SPLIT in child.tail:
                child.tail, *rest = child.tail.split(LINE_BREAK_SPLIT)
                children += map(line_break, rest)
        if len(children) != len(element):
            element[:] = children


def line_break(tail):
    br = etree.Element("br")
    br.tail = tail  # Python-Markdown's prettifier puts the newline back before it
    return br


class BackslashPostprocessor(Postprocessor):
    """A mark that made no line break is the backslash it stood for."""

    def run(self, text):
        return text.replace(LINE_BREAK_MARK, "\\")


class FootnoteSpacePostprocessor(Postprocessor):
    """Bear puts the way back right after a footnote's text, with no space before it."""

    def run(self, text):
        return text.replace(NBSP_PLACEHOLDER, "")


class BearExtension(Extension):
    def extendMarkdown(self, md):
        # Bear (CommonMark) reads a video or an audio player as inline HTML: in a paragraph.
        md.block_level_elements = [
            tag for tag in md.block_level_elements if tag not in {"video", "audio"}
        ]
        # After the inline patterns (20) and footnotes' own passes (19, 15); before abbr (7)
        # and the toc extension (5), which takes the heading ids from the replaced text.
        md.treeprocessors.register(BearTreeprocessor(md), "bear", 12)
        # Before the footnote postprocessor (25), which turns the placeholder into a space.
        md.postprocessors.register(FootnoteSpacePostprocessor(md), "bear_footnote_space", 26)
        # After the lists (29), before fences (25) and raw HTML (20) are stashed.
        md.preprocessors.register(BackslashBreakPreprocessor(md), "bear_line_break", 28)
        # After the inline patterns (20) and footnotes' passes; before Python-Markdown's
        # prettifier (10), which puts a newline after each <br>.
        md.treeprocessors.register(BackslashBreakTreeprocessor(md), "bear_line_break", 13)
        md.postprocessors.register(BackslashPostprocessor(md), "bear_line_break", 27)


def makeExtension(**kwargs):
    return BearExtension(**kwargs)
