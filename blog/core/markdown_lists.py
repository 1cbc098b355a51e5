"""Lists and indentation as Bear (mistune, CommonMark) reads them, for Python-Markdown.

Python-Markdown nests a list only under four spaces, and takes any text indented by four
spaces as a code block. Bear's renderer follows CommonMark for lists, where an item's
content starts where its text starts (two spaces under ``- ``, three under ``1. ``), and
it turns indented code blocks off: text indented by four or eight spaces is a paragraph.
Posts written for Bear (or copied from GitHub, Obsidian...) nest with two spaces.

So ``ListIndentPreprocessor`` rewrites the source before Python-Markdown reads it: each
list item is re-indented to four spaces a level, the lines that belong to it (by
CommonMark's rule: indented at least to its content) follow it there, a fenced code block
keeps its own indentation inside, ``1)`` becomes ``1.``, and blank lines go where
Python-Markdown needs one to see what CommonMark sees (a list right after a paragraph, an
item right after a fence or after an item's second paragraph). Block quotes and
``.. note::`` bodies are read the same way inside. Code fences at the top level and
CommonMark's HTML blocks are left as they are, byte for byte (``html_block_end``):
``<pre>``, ``<script>``, ``<style>``, ``<textarea>`` and comments up to their closing tag,
a line starting with another block-level tag up to the next blank line.
``IndentedCodeOff`` removes the indented code block itself.
"""

import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from blog.core.markdown_rst import DIRECTIVE

LEVEL = " " * 4  # Python-Markdown's indent for one level of list
# Python-Markdown takes cubic time in the depth of nested lists (400 levels: 5 s), so
# deeper items are written at this depth: no post nests this deep but on purpose.
MAX_DEPTH = 24
LIST_ITEM = re.compile(r"(?P<indent> *)(?P<marker>[*+-]|(?P<number>\d{1,9})[.)])(?P<gap> +|$)")
THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?: *\1){2,} *")
FENCE = re.compile(r" *(?P<fence>`{3,}|~{3,})")
QUOTE = re.compile(r" {0,3}> ?")
INTERRUPTS = re.compile(r" *(?:#{1,6}(?: |$)|>|`{3,}|~{3,})")
# CommonMark's HTML blocks (types 1, 2 and 6): the line that opens one, and what ends it.
HTML_RAW_BLOCK = re.compile(r" {0,3}<(?:pre|script|style|textarea)(?:[ \t>]|$)", re.I)
HTML_RAW_BLOCK_END = re.compile(r"</(?:pre|script|style|textarea)>", re.I)
HTML_COMMENT = re.compile(r" {0,3}<!--")
HTML_BLOCK_TAG = re.compile(
    r" {0,3}</?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col"
    r"|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form"
    r"|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem"
    r"|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td"
    r"|tfoot|th|thead|title|tr|track|ul)(?:[ \t>]|/>|$)",
    re.I,
)


HTML_COMMENT_END = re.compile("-->")


def opens_html_block(line):
    return any(start.match(line) for start in (HTML_RAW_BLOCK, HTML_COMMENT, HTML_BLOCK_TAG))


def html_block_end(lines, start):
    """If ``lines[start]`` opens a CommonMark HTML block, the index after its last line;
    else None. A ``<pre>`` (``<script>``...) or a comment runs to the line that closes it
    (or to the end), another block-level tag to the next blank line."""
    line = lines[start]
    if HTML_RAW_BLOCK.match(line):
        closing = HTML_RAW_BLOCK_END
    elif HTML_COMMENT.match(line):
        closing = HTML_COMMENT_END
    elif HTML_BLOCK_TAG.match(line):
        closing = None
    else:
        return None
    end = start
    while end < len(lines):
        if closing is None and not lines[end].strip():
            return end
        end += 1
        if closing is not None and closing.search(lines[end - 1]):
            return end
    return end


def normalise_lists(lines):
    """``lines`` of Markdown with their lists re-indented for Python-Markdown."""
    out = []
    items = []  # the content column of each open list item, outermost first
    fence = None  # (fence, indent to strip) while inside a fenced code block
    blank_before = True  # the line before was blank (or there was none)
    in_item_block = False  # this block (since the last blank line) continues an item
    after_fence = False  # a fence inside an item just closed
    index = 0
    while index < len(lines):
        line = lines[index].expandtabs(4)
        index += 1
        text = line.lstrip(" ")
        indent = len(line) - len(text)
        if fence is not None:
            fence = _in_fence(out, fence, line, text, indent, items)
            after_fence = fence is None and bool(items)
            continue
        if not text:
            out.append("")
            blank_before, in_item_block, after_fence = True, False, False
            continue
        item = LIST_ITEM.match(line)
        if item and (THEMATIC_BREAK.fullmatch(line) or not _may_start_list(item, items, out)):
            item = None
        in_list = bool(items)
        # A heading, a quote or a fence right under an item ends it (CommonMark: only a
        # paragraph's text goes on lazily, whatever its indentation).
        interrupts = (
            not item
            and items
            and indent < items[-1]
            and (INTERRUPTS.match(line) or opens_html_block(line))
        )
        if item or blank_before or interrupts:
            while items and indent < items[-1]:
                items.pop()
        if item and not items and indent > 3:
            item = None  # indented text, not a list (Bear: a paragraph)
        if interrupts and not items:
            out.append("")
        if after_fence or (item and in_item_block):
            out.append("")  # Python-Markdown ends a fence or a nested block only at a blank
            after_fence = in_item_block = False
        elif item and not in_list and not blank_before:
            out.append("")  # a list interrupts a paragraph (CommonMark)
        if not items and not item:
            html_end = html_block_end(lines, index - 1)
            if html_end is not None:  # raw HTML, as written (CommonMark reads none of it)
                out.extend(lines[index - 1 : html_end])
                index = html_end
            elif DIRECTIVE.fullmatch(line) or QUOTE.match(line):
                index = _container(lines, index - 1, out)
            else:
                fenced = FENCE.match(line)
                fence = (fenced["fence"], 0) if fenced else None
                out.append(lines[index - 1])
            blank_before = False
            continue
        depth = min(len(items), MAX_DEPTH)
        if item:
            content = line[item.end() :]
            gap = len(item["gap"]) if content.strip() and len(item["gap"]) <= 4 else 1
            items.append(indent + len(item["marker"]) + gap)
            marker = f"{item['number']}." if item["number"] else item["marker"]
            text = content.lstrip(" ")
            out.append(f"{LEVEL * depth}{marker} {text}".rstrip())
        else:
            in_item_block = in_item_block or blank_before
            out.append(f"{LEVEL * depth}{text}")
        fenced = FENCE.match(text)
        if fenced:
            fence = (fenced["fence"], items[-1])  # its lines are indented past the item
        blank_before = False
    return out


def _may_start_list(item, items, out):
    """An ordered list interrupts a paragraph only from 1 (CommonMark); any list may
    start after a blank line or inside another list."""
    if items or not out or not out[-1].strip() or not item["number"]:
        return True
    return item["number"] == "1"


def _in_fence(out, fence, line, text, indent, items):
    """Write a line of a fenced block: inside a list item, re-indented with the item and
    keeping its own indentation past the item's content column. Return the fence, or
    None once this line closed it."""
    marker, strip = fence
    depth = min(len(items), MAX_DEPTH)
    if depth:
        out.append(f"{LEVEL * depth}{line[min(indent, strip) :]}" if text else "")
    else:
        out.append(line)
    closing = FENCE.fullmatch(line.rstrip())
    if closing and closing["fence"][0] == marker[0] and len(closing["fence"]) >= len(marker):
        return None
    return fence


def _container(lines, start, out):
    """A block quote or a directive's body from ``lines[start]``: its inner text read as
    a document of its own, written back with its prefix. Return the index after it."""
    first = lines[start].expandtabs(4)
    directive = DIRECTIVE.fullmatch(first)
    if directive:
        prefix = " " * (len(directive[1]) + 2)
        out.append(lines[start])
        end = start + 1
        while end < len(lines) and (lines[end].startswith(prefix) or not lines[end].strip()):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1  # trailing blank lines belong to what follows
        inner = [line[len(prefix) :] for line in lines[start + 1 : end]]
        out.extend(f"{prefix}{line}" if line else "" for line in normalise_lists(inner))
        return end
    end = start
    while end < len(lines) and QUOTE.match(lines[end].expandtabs(4)):
        end += 1
    inner = [QUOTE.sub("", line.expandtabs(4), count=1) for line in lines[start:end]]
    out.extend(f"> {line}".rstrip() for line in normalise_lists(inner))
    return end


class ListIndentPreprocessor(Preprocessor):
    def run(self, lines):
        return normalise_lists(lines)


class IndentedCodeOff(Extension):
    """Bear's lists, and no indented code block (Bear removes mistune's ``indent_code``)."""

    def extendMarkdown(self, md):
        # After whitespace is normalised (30), before fences (25) and raw HTML (20).
        md.preprocessors.register(ListIndentPreprocessor(md), "bear_lists", 29)
        if "code" in md.parser.blockprocessors:
            md.parser.blockprocessors.deregister("code")


def makeExtension(**kwargs):
    return IndentedCodeOff(**kwargs)
