"""A blogger with two blogs, in a real Chromium: they start a second blog from the
dashboard, publish in it, switch back to the first from the menu and publish there, and
each blog's pages show only its own posts. The Blogs page is checked by axe-core and
photographed at 1280 and 390 px (tests/artifacts/)."""

from urllib.parse import urlsplit

import pytest

from blog.models import BlogPage, PostPage
from tests.support.accessibility import serious_violations
from tests.support.browser import log_in, needs_chromium, photograph

pytestmark = needs_chromium


def publish(page, platform, title):
    """From the dashboard's home: New post, a title, a line, Publish."""
    page.goto(f"{platform}/dashboard/")
    page.click("text=New post")
    page.wait_for_selector(".EasyMDEContainer .CodeMirror")
    page.fill("#id_title", title)
    page.click(".CodeMirror")
    page.keyboard.type(f"Words of {title}.")
    page.click("footer button[name=action-publish]")
    page.wait_for_url(f"{platform}/dashboard/posts/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_blogger_switches_between_two_blogs_and_publishes_in_each(
    live_server, browser_page, shoot, settings, make_blogger
):
    page = browser_page
    port = urlsplit(live_server.url).port
    settings.SITE_PORT = port
    platform = f"http://localhost:{port}"
    first = make_blogger("wren", title="Wren writes")
    log_in(page, platform, first.owner)

    # Start a second blog from the menu's first item, which names the blog.
    page.goto(f"{platform}/dashboard/")
    page.click("a[href='/dashboard/your-blogs/']:has-text('Wren writes')")
    page.wait_for_url(f"{platform}/dashboard/your-blogs/")
    assert serious_violations(page) == []
    photograph(page, shoot, "one-blog", reload=True)
    page.fill("#id_subdomain", "wren-travels")
    page.fill("#id_title", "Wren travels")
    page.click("form button:has-text('Start the blog')")
    page.wait_for_url(f"{platform}/dashboard/")
    assert "You are working on it now" in page.inner_text(".messages")
    assert page.inner_text(".w-dashboard h1") == "Wren travels"
    second = BlogPage.objects.get(subdomain="wren-travels")
    assert second.owner == first.owner

    publish(page, platform, "On the road")
    assert PostPage.objects.child_of(second).get().title == "On the road"

    # Back to the first blog: its Posts list holds none of the second's.
    page.click("a[href='/dashboard/your-blogs/']:has-text('Wren travels')")
    page.wait_for_url(f"{platform}/dashboard/your-blogs/")
    photograph(page, shoot, "two-blogs", reload=True)
    page.locator("tr", has_text="Wren writes").get_by_role("button").click()
    page.wait_for_url(f"{platform}/dashboard/")
    assert page.inner_text(".w-dashboard h1") == "Wren writes"
    publish(page, platform, "At home")
    assert "At home" in page.inner_text("main")
    assert "On the road" not in page.inner_text("main")
    assert PostPage.objects.child_of(first).get().title == "At home"

    # Each blog shows only its own posts to readers.
    page.goto(f"http://wren.localhost:{port}/blog/")
    assert "At home" in page.inner_text("main") and "On the road" not in page.inner_text("main")
    page.goto(f"http://wren-travels.localhost:{port}/blog/")
    assert "On the road" in page.inner_text("main") and "At home" not in page.inner_text("main")
