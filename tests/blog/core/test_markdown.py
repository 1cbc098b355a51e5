"""The Markdown pipeline: the features bloggers use, and nothing that can run code."""

import pytest

from blog.core.markdown import render_markdown


def test_fenced_code_is_highlighted_on_the_server():
    html = render_markdown("```python\ndef f():\n    return 1\n```")
    assert '<div class="highlight">' in html
    assert '<span class="k">def</span>' in html


def test_tables_footnotes_strikethrough_and_task_lists():
    html = render_markdown(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^n] ~~gone~~\n\n- [x] done\n\n[^n]: A note."
    )
    assert "<table>" in html and "<td>2</td>" in html
    assert 'class="footnote-ref"' in html and "A note." in html
    assert "<del>gone</del>" in html
    assert '<input type="checkbox" checked="" disabled="disabled">' in html


def test_a_task_names_its_checkbox_for_screen_readers():
    html = render_markdown("- [x] Walk the river\n- [ ] Weigh the **brown** bears\n    - Twice")
    assert (
        '<li class="task-list-item"><label><input type="checkbox" checked="" '
        'disabled="disabled"> Walk the river</label></li>'
    ) in html
    # The label ends with the line: a nested list belongs to the task, not to its name.
    assert (
        '<label><input type="checkbox" disabled="disabled"> Weigh the <strong>brown</strong>'
        " bears</label><ul>"
    ) in html


def test_a_loose_task_names_its_checkbox_with_its_first_paragraph():
    html = render_markdown("- [x] Walk the river\n\n    It was loud.\n\n- [ ] Weigh the bears")
    assert (
        '<p><label><input type="checkbox" checked="" disabled="disabled"> Walk the river'
        "</label></p>\n<p>It was loud.</p>"
    ) in html


def test_code_blocks_can_be_scrolled_from_the_keyboard():
    fenced = render_markdown("```python\nx = 1\n```")
    indented = render_markdown("Before\n\n    x = 1")
    assert '<pre><span></span><code tabindex="0">' in fenced
    assert '<pre><span></span><code tabindex="0">' in indented
    assert render_markdown("Inline `x = 1` code") == "<p>Inline <code>x = 1</code> code</p>"


def test_raw_html_gets_a_place_in_the_tab_order_only_for_a_code_block():
    # However it is written, and always "0": never ahead of the page's own links.
    assert render_markdown('<pre tabindex="-1">x</pre>') == "<pre>x</pre>"
    inline = render_markdown('<p tabindex="1">Skip <code tabindex="0">ahead</code></p>')
    assert inline == "<p>Skip <code>ahead</code></p>"
    block = render_markdown('<pre><code tabindex="5" class="x">y</code></pre>')
    assert block == '<pre><code tabindex="0" class="x">y</code></pre>'


def test_a_label_in_raw_html_names_only_what_it_wraps():
    html = render_markdown(
        '<label for="email" onclick="x()" tabindex="1">Email <input type="email" '
        'name="email" autofocus></label>'
    )
    assert html == '<p><label>Email <input disabled="disabled"></label></p>'


def test_headings_get_ids_for_anchors():
    assert '<h2 id="a-section">A section</h2>' in render_markdown("## A section")


@pytest.mark.parametrize(
    "hostile, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ('<p style="position:fixed">x</p>', "style="),
        ('<svg onload="alert(1)"></svg>', "onload"),
        ('<form action="https://evil.example"><input name="p"></form>', "<form"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
    ],
)
def test_unsafe_html_is_removed(hostile, forbidden):
    assert forbidden not in render_markdown(f"Before\n\n{hostile}\n\nAfter").lower()


def test_safe_inline_html_survives():
    html = render_markdown("<details><summary>More</summary>Hidden <kbd>Ctrl</kbd></details>")
    assert "<details><summary>More</summary>" in html and "<kbd>Ctrl</kbd>" in html


def test_external_links_keep_their_target():
    html = render_markdown("[site](https://example.com/a?b=1)")
    assert 'href="https://example.com/a?b=1"' in html


def test_inline_and_display_math_become_mathml_without_javascript():
    html = render_markdown("Euler: $e^{i\\pi} + 1 = 0$\n\n$$\n\\frac{a}{b}\n$$")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert 'display="block"' in html and "<mfrac>" in html
    assert "<script" not in html


def test_dollar_amounts_and_code_are_not_math():
    assert "<math" not in render_markdown("It costs $5 and $10.")
    assert "<code>$x$</code>" in render_markdown("`$x$`")


def test_tex_that_does_not_parse_stays_visible():
    html = render_markdown("Broken: $\\frac{$ here")
    assert '<code class="math-error">$\\frac{$</code>' in html


def test_mathml_cannot_carry_links_or_scripts():
    html = render_markdown(
        '<math><mi href="javascript:alert(1)">x</mi><maction actiontype="statusline">y'
        "</maction><mtext><img src=x onerror=alert(1)></mtext></math>"
    )
    assert "javascript:" not in html and "onerror" not in html and "maction" not in html


def test_quotes_and_dashes_stay_as_typed():
    assert render_markdown('"Straight" -- quotes') == '<p>"Straight" -- quotes</p>'


def test_iframes_are_kept_only_from_embed_hosts_and_sandboxed():
    embed = render_markdown('<iframe src="https://player.vimeo.com/video/1" onload="x()"></iframe>')
    assert 'src="https://player.vimeo.com/video/1"' in embed and "onload" not in embed
    assert 'sandbox="allow-scripts' in embed
    for source in ("https://evil.example/x", "http://www.youtube.com/embed/x", "javascript:x"):
        assert "<iframe" not in render_markdown(f'<iframe src="{source}"></iframe>')
