"""Bear's reStructuredText-style directives: admonitions and a table of contents.

Bear enables mistune's ``RSTDirective`` with ``Admonition`` and ``TableOfContents``; this
reads the same syntax and writes the same markup::

    .. note:: An optional title
       :class: an-extra-class
       The body, Markdown, indented under the directive (blank lines may part it).

    .. toc:: An optional title
       :min-level: 2
       :max-level: 3
       :collapse:

An admonition (one of ``ADMONITIONS``) is ``<section class="admonition note"><p
class="admonition-title">Note</p>...</section>``; the table of contents is ``<details
class="toc" open><summary>Table of Contents</summary><ul>...</ul></details>`` listing the
post's top-level headings from ``min-level`` to ``max-level`` (1 to 3, Bear's limits).

Only the first table of contents of a post is filled (at most ``MAX_TOC_ENTRIES``
headings); a later ``.. toc::`` is shown as an error, as Bear shows a bad option: a
table per heading per ``.. toc::`` would grow as their product. ``[TOC]`` on a line of
its own (Python-Markdown's marker, which posts written here before used) is read as
``.. toc::``.

One deliberate difference: Bear's table of contents links to ``#toc_1``, ``#toc_2``...,
which no heading carries (its headings' ids are slugs of their text), so its links go
nowhere. Here they link to the headings' real ids. An unknown directive or a bad option is
shown as Bear shows it: ``<div class="error"><pre>`` with the text or the complaint.
"""

import html
import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import remove_fnrefs, render_inner_html, strip_tags
from markdown.treeprocessors import Treeprocessor

ADMONITIONS = {
    "attention", "caution", "danger", "error", "hint", "important", "note", "tip", "warning",
}  # fmt: skip
DIRECTIVE = re.compile(r"\.\.( +)([a-zA-Z0-9_-]+)::[ ]*(.*)")
OPTION = re.compile(r":([a-zA-Z0-9_-]+):[ ]*(.*)")
TOC_LEVELS = (1, 3)  # mistune's defaults, and the range Bear accepts
TOC_TITLE = "Table of Contents"
TOC_MARKER = "[TOC]"  # Python-Markdown's, which posts written here before used
MAX_TOC_ENTRIES = 1_000  # headings listed; a long book has a few hundred
ONE_TOC = "only the first table of contents of a post is shown"
HEADING = re.compile(r"h([1-6])")


class DirectiveError(ValueError):
    pass


class DirectiveProcessor(BlockProcessor):
    """A directive line and the lines indented under it (mistune's ``RSTDirective``)."""

    def test(self, parent, block):
        return first_line_directive(block) is not None or toc_marker_end(block) is not None

    def run(self, parent, blocks):
        block = blocks.pop(0)
        marker_end = toc_marker_end(block)
        if marker_end is not None:  # ``[TOC]``: a ``.. toc::`` with no title nor option
            if block[marker_end + 1 :].strip():
                blocks.insert(0, block[marker_end + 1 :])
            try:
                self.toc(parent, "", {})
            except DirectiveError as error:
                box = etree.SubElement(parent, "div", {"class": "error"})
                etree.SubElement(box, "pre").text = f"{TOC_MARKER}\n{error}"
            return
        match = first_line_directive(block)
        first = match[0]
        indent = " " * (len(match[1]) + 2)  # the body starts under the directive's name
        body, remainder = take_indented(block, match.end() + 1, indent)
        # Blank lines part Python-Markdown's blocks: an indented block after them goes on.
        while remainder is None and blocks and blocks[0].startswith(indent):
            more, remainder = take_indented(blocks.pop(0), 0, indent)
            body += ["", *more]
        if remainder:
            blocks.insert(0, remainder)
        name, title = match[2], match[3].strip()
        options, content = split_options(body)
        try:
            if name in ADMONITIONS:
                self.admonition(parent, name, title, dict(options), content)
            elif name == "toc":
                self.toc(parent, title, dict(options))
            else:
                raise DirectiveError("\n".join([first, *(indent + line for line in body)]))
        except DirectiveError as error:
            if name == "toc" and str(error) == ONE_TOC:
                error = "\n".join([first, *(indent + line for line in body), ONE_TOC])
            box = etree.SubElement(parent, "div", {"class": "error"})
            etree.SubElement(box, "pre").text = str(error)

    def admonition(self, parent, name, title, options, content):
        classes = f"admonition {name} {options.get('class', '')}".strip()
        section = etree.SubElement(parent, "section", {"class": classes})
        etree.SubElement(section, "p", {"class": "admonition-title"}).text = (
            title or name.capitalize()
        )
        self.parser.parseChunk(section, "\n".join(content))

    def toc(self, parent, title, options):
        if self.parser.md.bear_tocs:
            raise DirectiveError(ONE_TOC)
        low, high = TOC_LEVELS
        if options:
            low, high = toc_level(options, "min-level", low), toc_level(options, "max-level", high)
            if low < TOC_LEVELS[0]:
                raise DirectiveError(f'"min-level" option MUST be >= {TOC_LEVELS[0]}')
            if high > TOC_LEVELS[1]:
                raise DirectiveError(f'"max-level" option MUST be <= {TOC_LEVELS[1]}')
            if low > high:
                raise DirectiveError('"min-level" option MUST be less than "max-level" option')
        details = etree.SubElement(parent, "details", {"class": "toc"})
        if "collapse" not in options:
            details.set("open", "open")
        etree.SubElement(details, "summary").text = title or TOC_TITLE
        self.parser.md.bear_tocs.append((details, low, high))


def first_line_directive(block):
    match = DIRECTIVE.match(block)  # ``.*`` stops at the end of the first line
    if match and (match.end() == len(block) or block[match.end()] == "\n"):
        return match
    return None


def toc_marker_end(block):
    """Where the first line of ``block`` ends if it is ``[TOC]`` alone, else None."""
    end = block.find("\n")
    end = len(block) if end < 0 else end
    return end if block[:end].strip() == TOC_MARKER else None


def take_indented(block, start, indent):
    """The lines of ``block`` from ``start`` that start with ``indent`` (blank ones too),
    without it; and the rest of the block from the first line that does not (None if
    none). Read line by line, never split whole: a block may hold thousands of lines."""
    taken = []
    while start < len(block):
        end = block.find("\n", start)
        end = len(block) if end < 0 else end
        line = block[start:end]
        if line.startswith(indent):
            taken.append(line[len(indent) :])
        elif not line.strip():
            taken.append("")
        else:
            return taken, block[start:]
        start = end + 1
    return taken, None


def split_options(body):
    """``:name: value`` lines at the top of a directive's body, and the body after them."""
    options = []
    for number, line in enumerate(body):
        option = OPTION.fullmatch(line.strip()) if line[:1] == ":" else None
        if option:
            options.append((option[1], option[2].strip()))
        elif line.strip():
            return options, body[number:]
    return options, []


def toc_level(options, name, default):
    level = options.get(name)
    if not level:
        return default
    try:
        return int(level)
    except ValueError:
        raise DirectiveError(f'"{name}" option MUST be integer') from None


class TocTreeprocessor(Treeprocessor):
    """Fill the ``.. toc::`` with the top-level headings (the first ``MAX_TOC_ENTRIES``),
    nested by level as mistune nests them, once the toc extension has given every
    heading its id."""

    def run(self, root):
        if not self.md.bear_tocs:
            return
        headings = []
        for element in root:
            level = HEADING.fullmatch(element.tag) if isinstance(element.tag, str) else None
            if len(headings) == MAX_TOC_ENTRIES:
                break
            if level and element.get("id"):
                name = strip_tags(render_inner_html(remove_fnrefs(element), self.md))
                headings.append((int(level[1]), element.get("id"), html.unescape(name)))
        for details, low, high in self.md.bear_tocs:
            listed = [heading for heading in headings if low <= heading[0] <= high]
            if listed:
                details.append(nested_list(listed))


def nested_list(headings):
    """``<ul>`` of links to ``headings`` (level, id, text): a deeper heading opens a list
    inside the item before it; a heading between two open levels joins the deeper list."""
    root = etree.Element("ul")
    open_lists = []  # [level, <ul>, its last <li>], outermost first
    for level, anchor, text in headings:
        item = etree.Element("li")
        link = etree.SubElement(item, "a", {"href": f"#{anchor}"})
        link.text = text
        while len(open_lists) > 1 and level < open_lists[-1][0]:
            if level > open_lists[-2][0]:
                open_lists[-1][0] = level
                break
            open_lists.pop()
        if not open_lists:
            root.append(item)
            open_lists.append([level, root, item])
        elif level > open_lists[-1][0]:
            inner = etree.SubElement(open_lists[-1][2], "ul")
            inner.append(item)
            open_lists.append([level, inner, item])
        else:
            open_lists[-1][1].append(item)
            open_lists[-1][2] = item
    return root


class RstDirectiveExtension(Extension):
    def extendMarkdown(self, md):
        self.md = md
        md.bear_tocs = []  # of one text
        md.registerExtension(self)  # reset() between texts
        # Before tables (75), headings (70) and lists (30, 40): a directive's first line is
        # its own, and the tables' test reads a whole block (slow on a long one).
        md.parser.blockprocessors.register(DirectiveProcessor(md.parser), "rst_directive", 76)
        # After the toc extension (5), which gives headings their ids.
        md.treeprocessors.register(TocTreeprocessor(md), "bear_toc", 4)

    def reset(self):
        self.md.bear_tocs = []


def makeExtension(**kwargs):
    return RstDirectiveExtension(**kwargs)
