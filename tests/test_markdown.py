"""The Markdown pipeline: the features bloggers use, and nothing that can run code."""

import pytest

from blog.markdown import render_markdown


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
