"""Bear Blog's Markdown, construct by construct: each renders here as Bear renders it.

How the expected HTML was made: Bear's renderer rebuilt outside Bear (mistune 3.0.1 with
Bear's plugins: math, strikethrough, footnotes, table, superscript, subscript, mark,
task_lists, abbr and the RST directives admonition and toc; its ``MyRenderer``, its
removal of ``indent_code`` and its pre-processing of ``$$`` and links, from
``blogs/templatetags/custom_tags.py``), given each snippet below; its output is pasted
here unchanged. ``MATCHED`` are the constructs we render the same; ``DIFFERENCES`` the
ones we render otherwise on purpose, each with Bear's output, ours and why
(docs/markdown.md lists them too).

The two are compared after ``normalised``, since the serialisers differ: attribute
quoting and order, ``<br />`` or ``<br>``, entities, whitespace between tags and at the
ends of text. It also takes out what this pipeline adds on purpose to Bear's markup, and
nothing else: ``noopener`` in a link's ``rel``, the ``sandbox`` of an embed, the focusable
``<code tabindex="0">`` inside a code block's ``<pre>``, the ``<label>`` that names a
task's checkbox and the ``task-list`` class of its list (docs/markdown.md).
"""

import re
from html.parser import HTMLParser

import pytest

from blog.core.markdown import render_markdown

BOOLEAN_ATTRIBUTES = {
    "allowfullscreen", "checked", "controls", "default", "disabled", "loop", "muted", "open",
    "playsinline",
}  # fmt: skip
VOID_ELEMENTS = {"br", "col", "hr", "img", "input", "source", "track"}


class Canonical(HTMLParser):
    """HTML as a list of start tags (attributes sorted, values decoded), end tags and
    text (whitespace collapsed), without what ours adds on purpose (module docstring)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.text, self.skipped = [], "", []

    def flush_text(self):
        text = " ".join(self.text.split())
        if text:
            self.parts.append(text)
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.flush_text()
        attributes = {name: value or "" for name, value in attrs}
        if tag == "label" or (tag == "code" and attributes.get("tabindex") == "0"):
            self.skipped.append(tag)
            return
        if tag == "a" and "rel" in attributes:
            words = [word for word in attributes.pop("rel").split() if word != "noopener"]
            if words:
                attributes["rel"] = " ".join(words)
        if tag == "ul" and attributes.get("class") == "task-list":
            del attributes["class"]
        if tag == "iframe":
            attributes.pop("sandbox", None)
        for name in BOOLEAN_ATTRIBUTES & attributes.keys():
            attributes[name] = ""
        if "style" in attributes:
            attributes["style"] = re.sub(r"\s+", "", attributes["style"]).rstrip(";")
        shown = "".join(f' {name}="{value}"' for name, value in sorted(attributes.items()))
        self.parts.append(f"<{tag}{shown}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self.flush_text()
        if tag in self.skipped:
            self.skipped.remove(tag)
        elif tag not in VOID_ELEMENTS:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        self.text += data


def normalised(html):
    parser = Canonical()
    parser.feed(html)
    parser.close()
    parser.flush_text()
    return "".join(parser.parts)


MATCHED = [
    pytest.param(
        "*em* **strong** _u_ __s__",
        "<p><em>em</em> <strong>strong</strong> <em>u</em> <strong>s</strong></p>",
        id="emphasis",
    ),
    pytest.param(
        "~~gone~~ stays",
        "<p><del>gone</del> stays</p>",
        id="strikethrough",
    ),
    pytest.param(
        "x^2^ and a^b\\ c^ but ^not this^",
        "<p>x<sup>2</sup> and a<sup>b c</sup> but ^not this^</p>",
        id="superscript",
    ),
    pytest.param(
        "H~2~O but ~not this~",
        "<p>H<sub>2</sub>O but ~not this~</p>",
        id="subscript",
    ),
    pytest.param(
        "==mark== and ==two words==",
        "<p><mark>mark</mark> and <mark>two words</mark></p>",
        id="mark",
    ),
    pytest.param(
        "`code (c) +-` and `$x$`",
        "<p><code>code (c) +-</code> and <code>$x$</code></p>",
        id="inline-code",
    ),
    pytest.param(
        "[link](https://example.com \"a 'q'\")",
        "<p><a href='https://example.com' title='a &apos;q&apos;'>link</a></p>",
        id="link-with-title",
    ),
    pytest.param(
        '[tab](tab:https://example.com) and [titled](tab:https://example.com "T")',
        (
            "<p><a href='https://example.com' target='_blank'>tab</a> and <a href='https://examp"
            "le.com' target='_blank' title='T'>titled</a></p>"
        ),
        id="tab-link",
    ),
    pytest.param(
        "[r][ref]\n\n[ref]: tab:https://example.org",
        "<p><a href='https://example.org' target='_blank'>r</a></p>",
        id="tab-reference-link",
    ),
    pytest.param(
        "<https://auto.link>",
        "<p><a href='https://auto.link'>https://auto.link</a></p>",
        id="autolink",
    ),
    pytest.param(
        '![alt text](https://img.example/x.png "title")',
        '<p><img src="https://img.example/x.png" alt="alt text" title="title" /></p>',
        id="image",
    ),
    pytest.param(
        "# Hello World (c) 2024 (tm) +- x",
        "<h1 id=hello-world-2024-tm-x>Hello World © 2024 ™ ± x</h1>",
        id="heading-id",
    ),
    pytest.param(
        "## Two words\n\n### Three\n\n###### Six",
        "<h2 id=two-words>Two words</h2><h3 id=three>Three</h3><h6 id=six>Six</h6>",
        id="heading-levels",
    ),
    pytest.param(
        "(c) (C) (r) (R) (tm) (TM) (p) (P) +-",
        "<p>© © ® ® ™ ™ ℗ ℗ ±</p>",
        id="typographic-replacements",
    ),
    pytest.param(
        "`(c)` stays\n\n```\n(c) +-\n```",
        (
            "<p><code>(c)</code> stays</p>\n"
            '<div class="highlight"><pre><span></span>(c) +-\n'
            "</pre></div>"
        ),
        id="typography-not-in-code",
    ),
    pytest.param(
        "[(c) +-](https://x.example/a) ![(r)](https://x.example/i.png)",
        (
            '<p><a href=\'https://x.example/a\'>© ±</a> <img src="https://x.example/i.png" alt="'
            '®" /></p>'
        ),
        id="typography-in-link-text-and-alt",
    ),
    pytest.param(
        "Inline <span>hi</span> and (c) in <b>bold (c)</b>.",
        "<p>Inline <span>hi</span> and © in <b>bold ©</b>.</p>",
        id="typography-in-raw-inline-html",
    ),
    pytest.param(
        "Line one\\\nLine two",
        "<p>Line one<br />\nLine two</p>",
        id="backslash-line-break",
    ),
    pytest.param(
        "Two spaces  \nnext",
        "<p>Two spaces<br />\nnext</p>",
        id="two-space-line-break",
    ),
    pytest.param(
        "Before\n\n    indented four\n\n        eight spaces",
        "<p>Before</p>\n<p>indented four</p>\n<p>eight spaces</p>",
        id="indented-text-is-a-paragraph",
    ),
    pytest.param(
        "```python\nprint('hi (c)')\n```",
        (
            '<div class="highlight"><pre><span></span><span class="nb">print</span><span class="'
            'p">(</span><span class="s1">\'hi (c)\'</span><span class="p">)</span>\n'
            "</pre></div>"
        ),
        id="fenced-code-highlighted",
    ),
    pytest.param(
        "~~~\nplain\n~~~",
        '<div class="highlight"><pre><span></span>plain\n</pre></div>',
        id="fenced-code-tildes-no-language",
    ),
    pytest.param(
        "```nosuchlang\nx\n```",
        '<div class="highlight"><pre><span></span>x\n</pre></div>',
        id="fenced-code-unknown-language",
    ),
    pytest.param(
        "- item\n\n  ```python\n  x = 1\n  ```\n- next",
        (
            "<ul>\n<li><p>item</p>\n"
            '<div class="highlight"><pre><span></span><span class="n">x</span> <span class="o">='
            '</span> <span class="mi">1</span>\n'
            "</pre></div>\n</li>\n"
            "<li><p>next</p>\n</li>\n"
            "</ul>"
        ),
        id="fenced-code-in-list",
    ),
    pytest.param(
        "- a\n  - b\n    - c\n- d",
        "<ul>\n<li>a<ul>\n<li>b<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n</li>\n<li>d</li>\n</ul>",
        id="nested-list-two-spaces",
    ),
    pytest.param(
        "- a\n    - b\n        - c\n- d",
        "<ul>\n<li>a<ul>\n<li>b<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n</li>\n<li>d</li>\n</ul>",
        id="nested-list-four-spaces",
    ),
    pytest.param(
        "1. one\n   - sub\n2. two",
        "<ol>\n<li>one<ul>\n<li>sub</li>\n</ul>\n</li>\n<li>two</li>\n</ol>",
        id="ordered-list-with-bullets",
    ),
    pytest.param(
        "3. three\n4. four",
        '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>',
        id="ordered-list-start",
    ),
    pytest.param(
        "1) one\n2) two",
        "<ol>\n<li>one</li>\n<li>two</li>\n</ol>",
        id="ordered-list-parenthesis",
    ),
    pytest.param(
        "- a\n\n- b\n\n  para b\n\nafter",
        "<ul>\n<li><p>a</p>\n</li>\n<li><p>b</p>\n<p>para b</p>\n</li>\n</ul>\n<p>after</p>",
        id="loose-list",
    ),
    pytest.param(
        "Things:\n- a\n- b",
        "<p>Things:</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>",
        id="list-after-paragraph",
    ),
    pytest.param(
        "- a\n  - b\nlazy\n- c",
        "<ul>\n<li>a<ul>\n<li>b\nlazy</li>\n</ul>\n</li>\n<li>c</li>\n</ul>",
        id="lazy-continuation",
    ),
    pytest.param(
        "- a\n# H",
        "<ul>\n<li>a</li>\n</ul>\n<h1 id=h>H</h1>",
        id="heading-ends-a-list",
    ),
    pytest.param(
        "text\n\n    - item?",
        "<p>text</p>\n<p>- item?</p>",
        id="indented-marker-is-text",
    ),
    pytest.param(
        "> quote\n> more",
        "<blockquote>\n<p>quote\nmore</p>\n</blockquote>",
        id="blockquote",
    ),
    pytest.param(
        "> - a\n>   - b",
        "<blockquote>\n<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n</blockquote>",
        id="blockquote-with-nested-list",
    ),
    pytest.param(
        "a\n\n---\n\nb",
        "<p>a</p>\n<hr />\n<p>b</p>",
        id="thematic-break",
    ),
    pytest.param(
        "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |",
        (
            "<table>\n<thead>\n<tr>\n"
            '  <th style="text-align:left">a</th>\n'
            '  <th style="text-align:center">b</th>\n'
            '  <th style="text-align:right">c</th>\n'
            "</tr>\n</thead>\n<tbody>\n"
            '<tr>\n  <td style="text-align:left">1</td>\n'
            '  <td style="text-align:center">2</td>\n'
            '  <td style="text-align:right">3</td>\n'
            "</tr>\n</tbody>\n</table>"
        ),
        id="table-with-alignment",
    ),
    pytest.param(
        "- [ ] todo\n- [x] done",
        (
            '<ul>\n<li class="task-list-item"><input class="task-list-item-checkbox" type="check'
            'box" disabled/>todo</li>\n'
            '<li class="task-list-item"><input class="task-list-item-checkbox" type="checkbox" d'
            "isabled checked/>done</li>\n"
            "</ul>"
        ),
        id="task-list",
    ),
    pytest.param(
        "Text[^1] and[^note].\n\n[^1]: The note.\n[^note]: Named *note*.",
        (
            '<p>Text<sup class="footnote-ref" id="fnref-1"><a href="#fn-1">1</a></sup> and<sup c'
            'lass="footnote-ref" id="fnref-2"><a href="#fn-2">2</a></sup>.</p>\n'
            '<section class="footnotes">\n'
            '<ol>\n<li id="fn-1"><p>The note.<a href="#fnref-1" class="footnote">&#8617;</a></p>'
            '</li>\n<li id="fn-2"><p>Named <em>note</em>.<a href="#fnref-2" class="footnote">&#8'
            "617;</a></p></li>\n"
            "</ol>\n</section>"
        ),
        id="footnotes",
    ),
    pytest.param(
        "A[^a] B[^a]\n\n[^a]: once.",
        (
            '<p>A<sup class="footnote-ref" id="fnref-1"><a href="#fn-1">1</a></sup> B<sup class='
            '"footnote-ref" id="fnref-1"><a href="#fn-1">1</a></sup></p>\n'
            '<section class="footnotes">\n'
            '<ol>\n<li id="fn-1"><p>once.<a href="#fnref-1" class="footnote">&#8617;</a></p></li'
            ">\n</ol>\n</section>"
        ),
        id="footnote-referenced-twice",
    ),
    pytest.param(
        "*[HTML]: Hyper Text\n\nHTML abbr.",
        '<p><abbr title="Hyper Text">HTML</abbr> abbr.</p>',
        id="abbreviation",
    ),
    pytest.param(
        "Euler: $e^{i\\pi} + 1 = 0$",
        (
            '<p>Euler: <math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><'
            "msup><mi>e</mi><mrow><mi>i</mi><mi>&#x003C0;</mi></mrow></msup><mo>&#x0002B;</mo><m"
            "n>1</mn><mo>&#x0003D;</mo><mn>0</mn></mrow></math></p>"
        ),
        id="inline-math",
    ),
    pytest.param(
        "and $$y$$ inline",
        (
            '<p>and <math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><mi>'
            "y</mi></mrow></math> inline</p>"
        ),
        id="double-dollar-inline-math",
    ),
    pytest.param(
        "$$\n\\frac{a}{b}\n$$",
        (
            '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mrow><mfrac><mrow'
            "><mi>a</mi></mrow><mrow><mi>b</mi></mrow></mfrac></mrow></math>"
        ),
        id="display-math",
    ),
    pytest.param(
        "It costs $5 and $10.",
        "<p>It costs $5 and $10.</p>",
        id="dollar-amounts",
    ),
    pytest.param(
        ".. note::\n   A note body.",
        (
            '<section class="admonition note">\n'
            '<p class="admonition-title">Note</p>\n'
            "<p>A note body.</p>\n"
            "</section>"
        ),
        id="admonition",
    ),
    pytest.param(
        ".. warning:: Custom Title\n   Careful *now*.\n\n   Second para.\n\nAfter.",
        (
            '<section class="admonition warning">\n'
            '<p class="admonition-title">Custom Title</p>\n'
            "<p>Careful <em>now</em>.</p>\n"
            "<p>Second para.</p>\n"
            "</section>\n<p>After.</p>"
        ),
        id="admonition-title-and-paragraphs",
    ),
    pytest.param(
        ".. tip::\n   :class: wide\n\n   Body.",
        (
            '<section class="admonition tip wide">\n'
            '<p class="admonition-title">Tip</p>\n'
            "<p>Body.</p>\n</section>"
        ),
        id="admonition-class-option",
    ),
    pytest.param(
        ".. hint::\n   - a\n     - b",
        (
            '<section class="admonition hint">\n'
            '<p class="admonition-title">Hint</p>\n'
            "<ul>\n<li>a<ul>\n<li>b</li>\n"
            "</ul>\n</li>\n</ul>\n"
            "</section>"
        ),
        id="admonition-with-nested-list",
    ),
    pytest.param(
        ".. toc::\n   :max-level: 5\n\n# One",
        (
            '<div class="error"><pre>"max-level" option MUST be <= 3</pre></div>\n'
            "<h1 id=one>One</h1>"
        ),
        id="toc-bad-level",
    ),
    pytest.param(
        ".. foo::\n   body",
        '<div class="error"><pre>.. foo::\n   body\n</pre></div>',
        id="unknown-directive",
    ),
    pytest.param(
        '<div class="x">raw *html*</div>',
        '<div class="x">raw *html*</div>',
        id="raw-html-block",
    ),
    pytest.param(
        '<a href="https://mastodon.social/@bear" rel="me">Mastodon</a>',
        '<p><a href="https://mastodon.social/@bear" rel="me">Mastodon</a></p>',
        id="rel-me-link",
    ),
    pytest.param(
        '<a href="https://example.com" target="_blank">new tab</a>',
        '<p><a href="https://example.com" target="_blank">new tab</a></p>',
        id="target-blank-link",
    ),
    pytest.param(
        '<span style="color: red; font-weight: bold">red</span>',
        '<p><span style="color: red; font-weight: bold">red</span></p>',
        id="style-attribute",
    ),
    pytest.param(
        (
            '<video controls src="https://media.example/a.mp4" poster="https://media.example/a.j'
            'pg" width="640"></video>'
        ),
        (
            '<p><video controls src="https://media.example/a.mp4" poster="https://media.example/'
            'a.jpg" width="640"></video></p>'
        ),
        id="video",
    ),
    pytest.param(
        '<audio controls><source src="https://media.example/a.mp3" type="audio/mpeg"></audio>',
        (
            '<p><audio controls><source src="https://media.example/a.mp3" type="audio/mpeg"></au'
            "dio></p>"
        ),
        id="audio-with-source",
    ),
    pytest.param(
        (
            '<video controls><source src="https://media.example/a.webm" type="video/webm"><track'
            ' src="https://media.example/a.vtt" kind="captions" srclang="en" label="English"></v'
            "ideo>"
        ),
        (
            '<p><video controls><source src="https://media.example/a.webm" type="video/webm"><tr'
            'ack src="https://media.example/a.vtt" kind="captions" srclang="en" label="English">'
            "</video></p>"
        ),
        id="video-with-track",
    ),
    pytest.param(
        (
            '<figure><img src="https://img.example/x.png" alt="x"><figcaption>Caption</figcaptio'
            "n></figure>"
        ),
        (
            '<figure><img src="https://img.example/x.png" alt="x"><figcaption>Caption</figcaptio'
            "n></figure>"
        ),
        id="figure",
    ),
    pytest.param(
        "<details><summary>More</summary>Hidden <kbd>Ctrl</kbd></details>",
        "<details><summary>More</summary>Hidden <kbd>Ctrl</kbd></details>",
        id="details",
    ),
    pytest.param(
        (
            '<iframe src="https://www.youtube.com/embed/abc" width="560" height="315" allowfulls'
            "creen></iframe>"
        ),
        (
            '<iframe src="https://www.youtube.com/embed/abc" width="560" height="315" allowfulls'
            "creen></iframe>"
        ),
        id="youtube-embed",
    ),
    pytest.param(
        "$$x$$",
        (
            '<p><math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><mi>x</m'
            "i></mrow></math></p>"
        ),
        id="math-alone-in-paragraph",
    ),
]
DIFFERENCES = [
    pytest.param(
        ".. toc::\n\n# One\n\n## Two\n\n### Three\n\n#### Four\n\n# Five",
        (
            '<details class="toc" open>\n'
            "<summary>Table of Contents</summary>\n"
            '<ul>\n<li><a href="#toc_1">One</a>\n'
            '<ul>\n<li><a href="#toc_2">Two</a>\n'
            '<ul>\n<li><a href="#toc_3">Three</a></li>\n'
            "</ul>\n</li>\n</ul>\n"
            '</li>\n<li><a href="#toc_5">Five</a></li>\n'
            "</ul>\n</details>\n"
            "<h1 id=one>One</h1><h2 id=two>Two</h2><h3 id=three>Three</h3><h4 id=four>Four</h4><"
            "h1 id=five>Five</h1>"
        ),
        (
            '<details class="toc" open="">\n'
            "<summary>Table of Contents</summary>\n"
            '<ul><li><a href="#one" rel="noopener">One</a><ul><li><a href="#two" rel="noopener">'
            'Two</a><ul><li><a href="#three" rel="noopener">Three</a></li></ul></li></ul></li><l'
            'i><a href="#five" rel="noopener">Five</a></li></ul></details>\n'
            '<h1 id="one">One</h1>\n'
            '<h2 id="two">Two</h2>\n'
            '<h3 id="three">Three</h3>\n'
            '<h4 id="four">Four</h4>\n'
            '<h1 id="five">Five</h1>'
        ),
        (
            "Bear links to #toc_1, #toc_2..., ids no heading has: its links go nowhere. Ours lin"
            "k to the headings."
        ),
        id="toc",
    ),
    pytest.param(
        ".. toc:: Contents\n   :min-level: 2\n   :max-level: 3\n\n# One\n\n## Two\n\n### Three",
        (
            '<details class="toc" open>\n'
            "<summary>Contents</summary>\n"
            '<ul>\n<li><a href="#toc_2">Two</a>\n'
            '<ul>\n<li><a href="#toc_3">Three</a></li>\n'
            "</ul>\n</li>\n</ul>\n"
            "</details>\n<h1 id=one>One</h1><h2 id=two>Two</h2><h3 id=three>Three</h3>"
        ),
        (
            '<details class="toc" open="">\n'
            "<summary>Contents</summary>\n"
            '<ul><li><a href="#two" rel="noopener">Two</a><ul><li><a href="#three" rel="noopener'
            '">Three</a></li></ul></li></ul></details>\n'
            '<h1 id="one">One</h1>\n'
            '<h2 id="two">Two</h2>\n'
            '<h3 id="three">Three</h3>'
        ),
        "The same: links to the headings' real ids.",
        id="toc-title-and-levels",
    ),
    pytest.param(
        ".. toc::\n   :collapse:\n\n## One",
        (
            '<details class="toc">\n'
            "<summary>Table of Contents</summary>\n"
            '<ul>\n<li><a href="#toc_1">One</a></li>\n'
            "</ul>\n</details>\n"
            "<h2 id=one>One</h2>"
        ),
        (
            '<details class="toc">\n'
            "<summary>Table of Contents</summary>\n"
            '<ul><li><a href="#one" rel="noopener">One</a></li></ul></details>\n'
            '<h2 id="one">One</h2>'
        ),
        "The same: links to the headings' real ids.",
        id="toc-collapsed",
    ),
    pytest.param(
        "<https://x.example/(c)>",
        "<p><a href='https://x.example/(c)'>https://x.example/©</a></p>",
        '<p><a href="https://x.example/(c)" rel="noopener">https://x.example/(c)</a></p>',
        (
            "An address is shown as typed: Bear's replacements also change the text of a link th"
            "at shows its own address."
        ),
        id="shown-address-keeps-typed-text",
    ),
    pytest.param(
        "www.bare.example and https://bare.example",
        "<p>www.bare.example and https://bare.example</p>",
        (
            '<p><a href="http://www.bare.example" rel="noopener">www.bare.example</a> and <a hre'
            'f="https://bare.example" rel="noopener">https://bare.example</a></p>'
        ),
        (
            "Bare addresses become links here (pymdownx.magiclink, as before issue 17); Bear lea"
            "ves them as text."
        ),
        id="bare-addresses",
    ),
    pytest.param(
        "[c](https://x.example/tab:y)",
        "<p><a href='https://x.example/y' target='_blank'>c</a></p>",
        '<p><a href="https://x.example/tab:y" rel="noopener">c</a></p>',
        (
            "Only a leading tab: opens a new tab; Bear removes tab: anywhere in an address, chan"
            "ging it."
        ),
        id="tab-inside-an-address",
    ),
    pytest.param(
        "C:\\new",
        "<p>C:<br>ew</p>",
        "<p>C:\\new</p>",
        (
            "Bear turns a typed \\n into a line break, which breaks every Windows path; ours kee"
            "ps the text."
        ),
        id="typed-backslash-n",
    ),
    pytest.param(
        "## Same\n\n## Same",
        "<h2 id=same>Same</h2><h2 id=same>Same</h2>",
        '<h2 id="same">Same</h2>\n<h2 id="same_1">Same</h2>',
        "Ids are unique here (Python-Markdown's _1); Bear repeats the id.",
        id="repeated-heading",
    ),
    pytest.param(
        "## 日本語",
        "<h2 id=>日本語</h2>",
        '<h2 id="日本語">日本語</h2>',
        "Bear's id is empty (nothing can link to it); ours keeps the letters.",
        id="heading-without-ascii",
    ),
    pytest.param(
        "***both***",
        "<p><em><strong>both</strong></em></p>",
        "<p><strong><em>both</em></strong></p>",
        "The same look; Python-Markdown nests the two the other way round.",
        id="strong-emphasis-nesting",
    ),
    pytest.param(
        "Term\n: Definition",
        "<p>Term\n: Definition</p>",
        "<dl>\n<dt>Term</dt>\n<dd>Definition</dd>\n</dl>",
        "Definition lists are a bearcms extra (Python-Markdown's def_list); Bear has none.",
        id="definition-list",
    ),
    pytest.param(
        "- a\n\n      deep para\n- b",
        (
            "<ul>\n<li><p>a</p>\n"
            '<div class="highlight"><pre><span></span>deep para\n'
            "</pre></div>\n</li>\n"
            "<li><p>b</p>\n</li>\n"
            "</ul>"
        ),
        "<ul>\n<li>\n<p>a</p>\n<p>deep para</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>",
        (
            "Bear turns indented code off at the top level only: inside a list item it is still "
            "code there. Here indented text is a paragraph everywhere."
        ),
        id="indented-block-in-list-item",
    ),
    pytest.param(
        "* a\n+ b",
        "<ul>\n<li>a</li>\n</ul>\n<ul>\n<li>b</li>\n</ul>",
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>",
        (
            "CommonMark starts a new list when the bullet changes; Python-Markdown goes on with "
            "the same list."
        ),
        id="bullet-change",
    ),
    pytest.param(
        "Text[^1].\n\n[^1]: The note.\n\n    more",
        (
            '<p>Text<sup class="footnote-ref" id="fnref-1"><a href="#fn-1">1</a></sup>.</p>\n'
            '<p>more</p>\n<section class="footnotes">\n'
            '<ol>\n<li id="fn-1"><p>The note.<a href="#fnref-1" class="footnote">&#8617;</a></p>'
            "</li>\n</ol>\n</section>"
        ),
        (
            '<p>Text<sup class="footnote-ref" id="fnref-1"><a href="#fn-1" rel="noopener">1</a><'
            '/sup>.</p>\n<section class="footnotes">\n'
            '<ol>\n<li id="fn-1">\n'
            '<p>The note.</p>\n<p>more<a class="footnote" href="#fnref-1" rel="noopener">↩</a></'
            "p>\n</li>\n</ol>\n</section>"
        ),
        (
            "An indented paragraph after a footnote belongs to it here (Python-Markdown's footno"
            "tes); Bear ends the footnote."
        ),
        id="indented-text-after-footnote",
    ),
]


@pytest.mark.parametrize("markdown, bear_html", MATCHED)
def test_renders_as_bear_renders_it(markdown, bear_html):
    assert normalised(render_markdown(markdown)) == normalised(bear_html)


@pytest.mark.parametrize("markdown, bear_html, our_html, reason", DIFFERENCES)
def test_renders_otherwise_on_purpose(markdown, bear_html, our_html, reason):
    rendered = normalised(render_markdown(markdown))
    assert rendered == normalised(our_html), reason
    assert rendered != normalised(bear_html), f"now the same as Bear: move it to MATCHED ({reason})"


@pytest.mark.parametrize(
    "name",
    ["attention", "caution", "danger", "error", "hint", "important", "note", "tip", "warning"],
)
def test_every_admonition_bear_knows(name):
    """mistune's ``Admonition.SUPPORTED_NAMES``; Bear's output for ``.. note::``, by name."""
    bear_html = (
        f'<section class="admonition {name}">\n'
        f'<p class="admonition-title">{name.capitalize()}</p>\n<p>body</p>\n</section>'
    )
    assert normalised(render_markdown(f".. {name}::\n   body")) == normalised(bear_html)


def test_the_table_of_contents_links_land_on_its_headings():
    """Bear's own links (#toc_1...) go nowhere; each of ours names a heading's id."""
    html = render_markdown(".. toc::\n\n# One (c)\n\n## Two\n\n## Two")
    anchors = re.findall(r'href="#([^"]+)"', html)
    ids = re.findall(r'<h\d id="([^"]+)"', html)
    assert anchors == ids == ["one", "two", "two_1"]


def test_typography_never_touches_code_or_addresses():
    html = render_markdown(
        "(c) `(c)` [(c)](https://x.example/(c)+-) ![(c)](https://x.example/(c).png)\n\n"
        "```\n(c) +-\n```\n\n<https://x.example/(tm)>"
    )
    assert html.count("©") == 3  # the text, the link's text, the image's alt
    assert 'href="https://x.example/(c)+-"' in html
    assert 'src="https://x.example/(c).png"' in html
    assert "<code>(c)</code>" in html and "(c) +-\n</code>" in html
    assert ">https://x.example/(tm)</a>" in html


def test_a_tab_link_opens_a_new_tab_without_a_handle_on_the_page():
    html = render_markdown("[Bear](tab:https://bearblog.dev)")
    assert html == ('<p><a href="https://bearblog.dev" target="_blank" rel="noopener">Bear</a></p>')


def test_fences_inside_lists_keep_their_own_indentation():
    html = render_markdown("- Step\n\n  ```\n  if x:\n      y()\n  ```\n- Next")
    assert "if x:\n    y()\n</code></pre>" in html
    assert html.count("<li>") == 2
