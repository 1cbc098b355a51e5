"""A stylesheet written for Bear Blog styles a bearcms blog: checked in a real Chromium.

Bear Blog's themes and its bloggers' CSS target the markup of Bear's pages: the body's
class (``home``, ``blog``, ``post`` or ``page``, then a post's own classes), the header's
title link and nav, the post list (``ul.blog-posts``, ``ul.embedded.blog-posts`` for a
``{{ posts }}`` directive, each item a date in ``span > i > time`` then a link) and the
tags (``p.tags`` on a post, ``div.tags`` on the blog page), the upvote button and the
footer's ``span``. The blog here uses "Use only
your CSS (no theme)", as a blogger pasting a whole Bear stylesheet would, so every style
on its pages comes from that stylesheet or from the browser: for each rule, the element it
is written for (found by where it sits, not by Bear's class names) has the style the rule
sets. Then the theme is switched back on: its rules return, and the stylesheet still wins.
"""

from urllib.parse import urlsplit

import pytest

from blog.reader.themes import theme_css
from tests.support.browser import needs_chromium, photograph

pytestmark = needs_chromium

PAGES = {"home": "/", "blog": "/blog/", "post": "/first-light/", "page": "/archive/"}
# A Bear-style stylesheet, one rule a line: (the rule, the page to look on, the element it
# is written for, a property it sets, the computed value that property must then have).
# fmt: off
RULES = [
    # The body's class says which kind of page it is; a post's own classes follow it.
    ("body.home { background-color: #fbf7ef }", "home", "body", "background-color",
     "rgb(251, 247, 239)"),
    ("body.blog { background-color: #f3f6fa }", "blog", "body", "background-color",
     "rgb(243, 246, 250)"),
    ("body.post { background-color: #fffdf7 }", "post", "body", "background-color",
     "rgb(255, 253, 247)"),
    ("body.page { background-color: #f4faf5 }", "page", "body", "background-color",
     "rgb(244, 250, 245)"),
    ("body.post.longform main { font-size: 19px }", "post", "main", "font-size", "19px"),
    ("body.page.archive main { border-top: 1px dashed #b9b1a6 }", "page", "main",
     "border-top-style", "dashed"),
    ("body { max-width: 680px; margin: 0 auto; padding: 20px; font-family: Georgia, serif; "
     "line-height: 1.5; color: #3a3530 }", "home", "body", "max-width", "680px"),
    ("a { color: #a2462a; text-decoration: none }", "home", "main li > a", "color",
     "rgb(162, 70, 42)"),
    # The header: the blog's title links home, then the nav.
    (".title { text-decoration: none }", "home", "header > a[href='/']",
     "text-decoration-line", "none"),
    (".title h1 { font-size: 26px }", "home", "header h1", "font-size", "26px"),
    ("nav a { margin-right: 12px }", "home", "header nav a", "margin-right", "12px"),
    # The post list, on the home page and the blog page, and as {{ posts }} in a page.
    ("ul.blog-posts { list-style-type: none; padding: unset }", "home", "main > ul",
     "list-style-type", "none"),
    ("ul.blog-posts li { display: flex }", "blog", "main > ul > li", "display", "flex"),
    ("ul.blog-posts li span { flex: 0 0 130px }", "home", "main > ul > li > :first-child",
     "flex-basis", "130px"),
    ("ul.blog-posts li span i time { color: #6d655c }", "blog", "main > ul > li time",
     "color", "rgb(109, 101, 92)"),
    ("time { font-family: monospace; font-style: normal; font-size: 15px }", "home",
     "main > ul > li time", "font-style", "normal"),
    ("ul.embedded.blog-posts { border-left: 3px solid #a2462a; padding-left: 12px }", "page",
     "main ul", "border-left-width", "3px"),
    # A post: its title, its date, its tags; the blog page's tags.
    ("main > h1 { font-size: 32px }", "post", "main h1", "font-size", "32px"),
    ("main > p > i > time { letter-spacing: 1px }", "post", "main h1 + p time",
     "letter-spacing", "1px"),
    ("p.tags a { margin-right: 6px }", "post", "main a[href='/blog/?q=bears']",
     "margin-right", "6px"),
    ("div.tags a { margin-right: 7px }", "blog", "main a[href='/blog/?q=bears']",
     "margin-right", "7px"),
    # The upvote button and its count; the footer's line.
    (".upvote-button { background-color: #fde2e2; border: 0 }", "post", "main form button",
     "background-color", "rgb(253, 226, 226)"),
    (".upvote-count { margin-top: -3px }", "post", "main form button small", "margin-top",
     "-3px"),
    ("footer { padding: 25px 0; text-align: center }", "post", "footer", "padding-top", "25px"),
    ("footer span { font-size: 13px }", "post", "footer > span", "font-size", "13px"),
]
# fmt: on
STYLESHEET = "\n".join(rule for rule, *_check in RULES)
# Each element's computed value of each property; null when no element is there.
COMPUTED = """checks => checks.map(([selector, property]) => {
    const element = document.querySelector(selector);
    return element && getComputedStyle(element).getPropertyValue(property);
})"""
THEME_VARIABLE = "getComputedStyle(document.documentElement).getPropertyValue('--link')"
STYLE_TEXT = "document.querySelector('head style').textContent"


def styles_not_applied(page, name):
    """The rules for this page whose element does not have the style they set."""
    checks = [(rule, *check) for rule, where, *check in RULES if where == name]
    values = page.evaluate(COMPUTED, [[selector, prop] for _rule, selector, prop, _ in checks])
    return [
        f"{name}: {rule} — {selector} has {prop} {value!r}, not {expected!r}"
        for (rule, selector, prop, expected), value in zip(checks, values, strict=True)
        if value != expected
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bear_stylesheet_styles_the_elements_it_targets(
    live_server, browser_page, shoot, make_blogger, make_post
):
    blog = make_blogger("bearcss", title="Field notes")
    blog.custom_css, blog.overwrite_theme = STYLESHEET, True
    blog.save_revision().publish()
    make_post(blog, title="Winter den", slug="winter-den", tags=("bears",))
    make_post(
        blog,
        title="First light",
        slug="first-light",
        body="The river was loud, and the **bears** were out early.",
        tags=("bears", "river"),
        class_name="longform",
    )
    make_post(
        blog,
        title="Archive",
        slug="archive",
        is_page=True,
        class_name="archive",
        body="Everything so far.\n\n{{ posts }}",
    )
    origin = f"http://bearcss.localhost:{urlsplit(live_server.url).port}"
    page = browser_page
    # A theme change must reach the browser, which keeps reader pages for their max-age.
    page.set_extra_http_headers({"Cache-Control": "no-cache"})

    failures = []
    for name, path in PAGES.items():
        assert page.goto(origin + path).status == 200
        failures += styles_not_applied(page, name)
        if name in ("home", "post"):
            photograph(page, shoot, name)
    assert not failures, "\n".join(failures)
    # Only the stylesheet: none of the theme's rules or variables.
    assert page.evaluate(STYLE_TEXT) == STYLESHEET
    assert page.evaluate(THEME_VARIABLE) == ""

    # The theme kept: its rules are back, and the stylesheet, after them, still wins.
    blog.overwrite_theme = False
    blog.save_revision().publish()
    assert page.goto(origin + "/").status == 200
    assert page.evaluate(STYLE_TEXT).startswith(theme_css(blog.theme))
    assert page.evaluate(THEME_VARIABLE) == "#3273dc"
    assert styles_not_applied(page, "home") == []
