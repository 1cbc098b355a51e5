"""Bear Blog's inline Markdown, on top of Python-Markdown: what its mistune renderer does.

Bear renders posts with mistune 3.0.1 and a renderer of its own (docs/markdown.md). Most
of its syntax has a Python-Markdown extension (``^sup^``, ``~sub~``, ``==mark==``: pymdownx,
configured in ``blog.core.markdown``); this module adds the rest, as Bear writes it:

* typographic replacements, Bear's table exactly (``TYPOGRAPHIC_REPLACEMENTS``), in text
  only: never in code, in an attribute (a link's address) or in an address shown as a link;
* ``[x](tab:https://...)``: the link opens in a new tab (the sanitiser adds ``noopener``);
* a backslash at the end of a line is a line break, as in CommonMark;
* heading ids are Django's ``slugify`` of the heading's text after the replacements, as on
  Bear, so links into a moved post (``/post/#my-heading``) still land;
* footnotes are marked up as Bear marks them up (``sup.footnote-ref``,
  ``section.footnotes``, ``a.footnote``, ids ``fn-1``/``fnref-1``), so a Bear stylesheet
  styles them.
"""

import re

from django.utils.text import slugify
from markdown.extensions import Extension
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.inlinepatterns import SubstituteTagInlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

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
BACKSLASH_LINE_BREAK = r"\\\n"
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
        # Next to Python-Markdown's own line break (two spaces, 100).
        md.inlinePatterns.register(
            SubstituteTagInlineProcessor(BACKSLASH_LINE_BREAK, "br"), "bear_line_break", 101
        )


def makeExtension(**kwargs):
    return BearExtension(**kwargs)
