"""The Markdown pipeline: the features bloggers use, and nothing that can run code."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from blog.core import markdown as markdown_pipeline
from blog.core.markdown import EMBED_HOSTS, render_markdown
from tests.support.clients import host_client


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
    assert (
        '<input type="checkbox" checked="" class="task-list-item-checkbox" disabled="disabled">'
    ) in html


def test_a_task_names_its_checkbox_for_screen_readers():
    html = render_markdown("- [x] Walk the river\n- [ ] Weigh the **brown** bears\n    - Twice")
    assert (
        '<li class="task-list-item"><label><input type="checkbox" checked="" '
        'class="task-list-item-checkbox" disabled="disabled"> Walk the river</label></li>'
    ) in html
    # The label ends with the line: a nested list belongs to the task, not to its name.
    assert (
        '<label><input type="checkbox" class="task-list-item-checkbox" disabled="disabled">'
        " Weigh the <strong>brown</strong> bears</label><ul>"
    ) in html


def test_a_loose_task_names_its_checkbox_with_its_first_paragraph():
    html = render_markdown("- [x] Walk the river\n\n    It was loud.\n\n- [ ] Weigh the bears")
    assert (
        '<p><label><input type="checkbox" checked="" class="task-list-item-checkbox" '
        'disabled="disabled"> Walk the river</label></p>\n<p>It was loud.</p>'
    ) in html


def test_code_blocks_can_be_scrolled_from_the_keyboard():
    fenced = render_markdown("```python\nx = 1\n```")
    in_a_list = render_markdown("- Step\n\n  ```\n  x = 1\n  ```")
    assert '<pre><span></span><code tabindex="0">' in fenced
    assert '<pre><span></span><code tabindex="0">' in in_a_list
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
    assert html == (
        '<p><label>Email <input class="task-list-item-checkbox" disabled="disabled"></label></p>'
    )


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


# --- HTML freedom (issue 17): what Bear keeps, kept safely


def test_links_keep_rel_me_and_always_get_noopener():
    html = render_markdown(
        '<a href="https://mastodon.social/@bear" rel="me">Mastodon</a> '
        '<a href="https://example.com" rel="opener nofollow ugc bogus">x</a>'
    )
    assert 'rel="me noopener"' in html
    assert 'rel="nofollow ugc noopener"' in html and "opener nofollow" not in html


@pytest.mark.parametrize(
    "link, kept",
    [
        ('<a href="https://example.com" target="_blank">x</a>', 'target="_blank" rel="noopener"'),
        ('<a href="https://example.com" target="_BLANK" rel="noreferrer">x</a>', None),
        ('<a href="https://example.com" target="_top">x</a>', ""),
        ('<a href="https://example.com" target="evil-window">x</a>', ""),
    ],
    ids=["blank", "blank-with-rel", "top-frame", "named-window"],
)
def test_a_link_target_is_a_new_tab_or_none_and_never_without_noopener(link, kept):
    html = render_markdown(link)
    if kept is None:
        assert 'target="_blank" rel="noreferrer noopener"' in html
    elif kept:
        assert kept in html
    else:
        assert "target=" not in html and 'rel="noopener"' in html


def test_video_audio_and_their_sources_keep_their_safe_attributes():
    html = render_markdown(
        '<video controls loop muted playsinline preload="metadata" width="640" height="360" '
        'poster="https://media.example/a.jpg"><source src="https://media.example/a.webm" '
        'type="video/webm"><track src="https://media.example/a.vtt" kind="captions" '
        'srclang="en" label="English" default></video>\n\n'
        '<audio controls src="https://media.example/a.mp3"></audio>'
    )
    assert (
        '<video controls="" loop="" muted="" playsinline="" preload="metadata" width="640" '
        'height="360" poster="https://media.example/a.jpg"><source '
        'src="https://media.example/a.webm" type="video/webm"><track '
        'src="https://media.example/a.vtt" kind="captions" srclang="en" label="English" '
        'default=""></video>'
    ) in html
    assert '<audio controls="" src="https://media.example/a.mp3"></audio>' in html


def test_media_plays_by_itself_only_muted():
    """A muted, looping clip may stand in for a GIF; nothing starts making sound."""
    clip = render_markdown('<video autoplay muted loop src="https://media.example/a.mp4">')
    assert 'autoplay=""' in clip
    loud = render_markdown('<video autoplay src="https://media.example/a.mp4"></video>')
    assert "autoplay" not in loud and 'src="https://media.example/a.mp4"' in loud
    audio = render_markdown('<audio autoplay controls src="https://media.example/a.mp3">')
    assert "autoplay" not in audio


@pytest.mark.parametrize(
    "hostile",
    [
        '<video src="javascript:alert(1)"></video>',
        '<video controls poster="javascript:alert(1)"></video>',
        '<video><source src="data:video/mp4;base64,AAAA"></video>',
        '<audio src="data:audio/mp3;base64,AAAA"></audio>',
        '<video><track src="javascript:alert(1)"></video>',
        '<video src="/relative.mp4"></video>',
    ],
    ids=["video-javascript", "poster-javascript", "source-data", "audio-data", "track", "path"],
)
def test_media_addresses_are_http_or_https_only(hostile):
    html = render_markdown(hostile)
    assert "src=" not in html and "poster=" not in html


def test_media_event_handlers_are_removed():
    html = render_markdown(
        '<video src="https://m.example/a.mp4" onerror="alert(1)" onplay="alert(1)">'
        '<source src="https://m.example/a.webm" onerror="alert(1)"></video>'
    )
    assert "onerror" not in html and "onplay" not in html and "<source" in html


def test_figure_and_details_survive():
    html = render_markdown(
        '<figure><img src="https://img.example/x.png" alt="x"><figcaption>Caption'
        "</figcaption></figure>\n\n<details open><summary>More</summary>Hidden</details>"
    )
    assert "<figure><img" in html and "<figcaption>Caption</figcaption></figure>" in html
    assert '<details open=""><summary>More</summary>Hidden</details>' in html


@pytest.mark.parametrize(
    "source",
    sorted(f"https://{host}/embed/x" for host in EMBED_HOSTS),
)
def test_every_embed_host_bear_allows_is_kept_and_sandboxed(source):
    html = render_markdown(f'<iframe src="{source}" allowfullscreen></iframe>')
    assert f'src="{source}"' in html and 'sandbox="allow-scripts' in html


@pytest.mark.parametrize(
    "source",
    [
        "https://evil.example/embed/x",
        "https://www.youtube.com.evil.net/embed/x",
        "https://evil.net/www.youtube.com/embed/x",
        "https://www.youtube.com@evil.net/embed/x",
        "https://notyoutube.com/embed/x",
        "https://sub.player.vimeo.com/x",
        "http://player.vimeo.com/video/1",
        "//player.vimeo.com/video/1",
        "javascript:alert(1)",
        # urlsplit sees www.youtube.com in each; a browser goes elsewhere or reads it
        # otherwise (``\\`` is ``/`` to it, tabs and newlines are dropped).
        "https://evil.example\\@www.youtube.com/embed/x",
        "https://evil.example&#92;@www.youtube.com/embed/x",
        "https:\\\\www.youtube.com/embed/x",
        "https://user@www.youtube.com/embed/x",
        "https://www.youtube.com:8443/embed/x",
        "https://www.you&#9;tube.com/embed/x",
        "https://www.youtube.com/embed/x&#10;",
        "https://www.youtube.com/embed/x y",
        "https://www.youtube.com/embed/\x01x",
    ],
    ids=[
        "other-host", "lookalike-suffix", "host-in-path", "userinfo", "lookalike-prefix",
        "subdomain", "http", "scheme-relative", "javascript", "backslash-userinfo",
        "encoded-backslash", "backslashes", "userinfo-on-embed-host", "port", "tab",
        "newline", "space", "control-character",
    ],
)  # fmt: skip
def test_iframes_from_other_hosts_are_removed(source):
    assert "<iframe" not in render_markdown(f'<iframe src="{source}"></iframe>')


def test_the_embed_hosts_are_bears_and_ours():
    bear = {
        "www.youtube.com", "www.youtube-nocookie.com", "www.slideshare.net",
        "player.vimeo.com", "w.soundcloud.com", "www.google.com", "codepen.io",
        "stackblitz.com", "onedrive.live.com", "docs.google.com", "bandcamp.com",
        "embed.music.apple.com", "drive.google.com", "share.transistor.fm",
        "share.descript.com", "mrkennedy.ca", "open.spotify.com", "umap.openstreetmap.fr",
        "music.163.com", "sheevcharan.substack.com", "guestbooks.meadow.cafe",
        "supercut.video", "listenbrainz.org", "api.listenbrainz.org", "archive.org",
        "panel.radiocast.net", "embed.ente.io", "app.hearthis.at", "datawrapper.de",
        "datawrapper.dwcdn.net",
    }  # fmt: skip
    assert bear | {"youtube.com", "www.openstreetmap.org"} == EMBED_HOSTS


def test_reader_pages_allow_frames_from_the_embed_hosts_and_media_from_anywhere(
    make_blogger, make_post
):
    blog = make_blogger()
    make_post(blog, title="Hello", slug="hello")
    policy = host_client(blog).get("/hello/").headers["Content-Security-Policy"]
    directives = {name: sources for name, *sources in map(str.split, policy.split(";"))}
    assert set(directives["frame-src"]) == {f"https://{host}" for host in EMBED_HOSTS}
    assert directives["media-src"] == ["*"]
    assert directives["default-src"] == ["'none'"] and "script-src" not in directives


# --- Review of the Bear Markdown modules: each found hole, pinned


def test_only_the_first_toc_of_a_post_is_filled():
    # Each toc used to list every heading of the post: 1,000 of each, a million links.
    html = render_markdown("## a\n\n.. toc::\n\n" * 1_000)
    assert html.count('<details class="toc"') == 1
    assert html.count("<li>") == 1_000  # one link a heading
    assert html.count('<div class="error">') == 999
    assert "only the first table of contents of a post is shown" in html


def test_a_toc_lists_at_most_a_thousand_headings():
    html = render_markdown(".. toc::\n\n" + "## a\n\n" * 1_200)
    assert html.count("<li>") == 1_000 and html.count("<h2 ") == 1_200


def test_toc_marker_of_posts_written_here_before_still_makes_a_toc():
    html = render_markdown("Intro\n\n[TOC]\n\n# One\n\n## Two")
    assert '<details class="toc" open="">' in html and "[TOC]" not in html
    assert '<a href="#one" rel="noopener">One</a>' in html
    assert '<a href="#two" rel="noopener">Two</a>' in html
    assert html.startswith("<p>Intro</p>")


def test_display_math_opens_and_closes_on_lines_of_their_own():
    assert "<math" not in render_markdown("$$\nx\n$$ and more")
    assert "<math" not in render_markdown("Text $$\nx\n$$")
    html = render_markdown("Text\n$$\nx^2\n$$\nmore")
    assert html.count('display="block"') == 1 and "<msup>" in html


def test_unclosed_display_math_markers_render_whole_at_25000_lines():
    # Each ``$$`` used to scan to the end of the paragraph for its closing one. The time
    # it takes, at growing sizes: bench/markdown_worst_cases.py ("display math").
    html = render_markdown("a$$\n" * 25_000)
    assert "<math" not in html and html.count("a$$") == 25_000


def test_raw_html_blocks_keep_their_list_looking_lines():
    pre = "<pre>\nlist:\n  - a\n    - b\n1) x\n</pre>"
    # The newline right after ``<pre>`` is no part of its content (HTML drops it).
    assert render_markdown(pre) == "<pre>list:\n  - a\n    - b\n1) x\n</pre>"
    div = "<div>\n- a\n  - b\n1) x\n</div>"
    assert render_markdown(div) == div
    html = render_markdown("- a\n<div>\n  - b\n</div>\n\n- c\n  - d")
    assert "<div>\n  - b\n</div>" in html and "<li>c<ul>\n<li>d</li>" in html


def test_a_backslash_ending_a_line_breaks_it_outside_code():
    assert render_markdown("a\\\nb") == "<p>a<br>\nb</p>"
    assert render_markdown("a\\\\\nb") == "<p>a\\\nb</p>"  # an escaped backslash
    assert render_markdown("a\\\n\nb") == "<p>a\\</p>\n<p>b</p>"  # the paragraph's end
    assert "<br>" not in render_markdown("```\nx\\\ny\n```")
    assert render_markdown("`a\\\nb`") == "<p><code>a\\\nb</code></p>"
    assert render_markdown("<div>\nx\\\ny\n</div>") == "<div>\nx\\\ny\n</div>"
    quoted = "<blockquote>\n<p><em>a</em><br>\nb</p>\n</blockquote>"
    assert render_markdown("> *a*\\\n> b") == quoted


def test_many_backslash_line_breaks_render_whole_at_66667_lines():
    # An inline pattern copied the paragraph once per break: 500,000 characters, minutes.
    # The time it takes, at growing sizes: bench/markdown_worst_cases.py ("backslash breaks").
    html = render_markdown("x\\\n" * 66_667)
    assert html.count("<br>") == 66_666 and html.endswith("x\\</p>")


# Each thread renders with one Markdown instance, reset between texts.

TEXTS_THAT_LEAVE_SOMETHING = [
    "Text[^1] and[^note].\n\n[^1]: The note.\n[^note]: Named *note*.",
    "[a link][ref] and HTML.\n\n*[HTML]: Hyper Text\n\n[ref]: https://example.com/",
    "Uses [the same][ref] and HTML, defined nowhere here.",
    ".. toc::\n\n# One\n\n## Two\n\n# One",
    "# One\n\nNo table of contents; $x^2$ and\n\n$$\n\\frac{a}{b}\n$$",
    "- [x] done\n- [ ] to do\n\n```python\nprint(1)\n```\n\n==marked== ~~gone~~",
    "More[^1].\n\n[^1]: Another note.",
]


def fresh_render(text):
    """What a new Markdown instance makes of ``text``: a new thread has none yet."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(render_markdown, text).result()


def test_a_reused_renderer_gives_what_a_fresh_one_gives_whatever_came_before():
    expected = [fresh_render(text) for text in TEXTS_THAT_LEAVE_SOMETHING]
    assert "https://example.com/" not in expected[2]  # a reference is one text's own
    assert expected[1].count("<abbr") == 1 and "<abbr" not in expected[2]
    for texts in (TEXTS_THAT_LEAVE_SOMETHING, TEXTS_THAT_LEAVE_SOMETHING[::-1]):
        for _ in range(2):
            assert [render_markdown(text) for text in texts] == [
                expected[TEXTS_THAT_LEAVE_SOMETHING.index(text)] for text in texts
            ]
    # Nothing of a text is kept once the next is rendered (a worker renders for days).
    render_markdown("No formula here.")
    assert markdown_pipeline._thread.markdown.math_blocks == []


@pytest.mark.parametrize("too_deep", ["*" * 5000 + "x", "- " * 1000 + "x", "1. " * 1000 + "x"])
def test_a_text_too_deep_to_render_leaves_the_next_one_whole(too_deep):
    """A list nested a thousand deep leaves Python-Markdown's parser in its blocks."""
    assert "x" in render_markdown(too_deep)
    for text in ["Hello *world*.\n\nSecond paragraph.\n\n- a list", *TEXTS_THAT_LEAVE_SOMETHING]:
        assert render_markdown(text) == fresh_render(text)
