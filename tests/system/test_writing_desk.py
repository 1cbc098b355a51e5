"""A new blogger's first hour at the writing desk, in a real Chromium.

Sign up, confirm, and from the dashboard's home write and publish a post, then read it
on the blog by its link; schedule a post; write one with Bear's header; rename and
restyle the blog in Settings and Theme. Along the way every dashboard page is checked
by axe-core, requests nothing from any host but the platform's, logs no console error,
and is photographed at 1280 and 390 px (tests/artifacts/).
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import BlogPage, PostPage
from tests.support.accessibility import serious_violations
from tests.support.browser import csp_violations, needs_chromium, photograph

PASSWORD = "a-long-browser-password-7"
MARKDOWN = "## Hello from Chromium\n\nSome *emphasis*.\n\n```python\nprint('hi')\n```\n"
# Clicks and fields from the dashboard's home to a published post: New post, the title,
# the body, Publish. (Bear needs about three: it has no title field.)
MOST_STEPS_TO_A_POST = 4

pytestmark = needs_chromium


class Steps:
    """The page, counting what the blogger does: each click and each field filled."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def click(self, selector):
        self.count += 1
        self.page.click(selector)

    def fill(self, selector, text):
        self.count += 1
        self.page.fill(selector, text)

    def write(self, markdown):
        """Type into the Markdown editor (one field)."""
        self.count += 1
        self.page.click(".CodeMirror")
        self.page.keyboard.type(markdown)


class Desk:
    """What the test checks on every dashboard page it visits."""

    def __init__(self, page, platform, shoot):
        self.page, self.platform, self.shoot = page, platform, shoot
        self.checked = set()

    def check(self, name):
        """axe, the hosts requested, the console; screenshots at both widths (once per
        page)."""
        page = self.page
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == [], name
        assert page.requested_hosts <= {"localhost"}, name
        errors = [line for line in page.console if line.startswith(("error", "pageerror"))]
        assert errors == [], name
        if name not in self.checked:
            self.checked.add(name)
            photograph(page, self.shoot, name)

    def go(self, path, name):
        self.page.goto(f"{self.platform}{path}")
        self.check(name)

    def says(self, text):
        """Wait for the message the last form's redirect shows: a form that redirects to
        its own address gives ``wait_for_url`` nothing to wait for."""
        expect(self.page.locator(".messages")).to_contain_text(text)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_blogger_writes_schedules_and_restyles_their_blog(
    live_server, browser_page, shoot, settings
):
    page = browser_page
    port = urlsplit(live_server.url).port
    settings.SITE_PORT = port  # the blog's address, as the dashboard links it
    platform = f"http://localhost:{port}"
    desk = Desk(page, platform, shoot)

    # Sign up and confirm; confirming logs in and opens the dashboard's home.
    page.goto(f"{platform}/accounts/signup/")
    page.fill("#id_email", "hazel@example.com")
    page.fill("#id_subdomain", "Hazel")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("form[action='/accounts/signup/'] button[type=submit]")
    page.wait_for_url(f"{platform}/accounts/confirm-email/")
    (message,) = mail.outbox
    assert "hazel.localhost" in message.body
    (link,) = re.findall(r"http://localhost:\d+/accounts/confirm-email/\S+/", message.body)
    page.goto(link)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{platform}/dashboard/")
    blog = BlogPage.objects.get(subdomain="hazel")
    expect(page.get_by_text("Start with your first post")).to_be_visible()
    desk.check("home-new-blog")

    # Home -> New post -> title, body -> Publish.
    steps = Steps(page)
    steps.click("text=New post")
    page.wait_for_url(f"{platform}/dashboard/pages/add/blog/postpage/{blog.id}/")
    page.wait_for_selector(".EasyMDEContainer .CodeMirror")
    steps.fill("#id_title", "Hello from the desk")
    steps.write(MARKDOWN)
    desk.check("editor")
    steps.click("footer button[name=action-publish]")
    page.wait_for_url(f"{platform}/dashboard/posts/")
    assert steps.count <= MOST_STEPS_TO_A_POST
    desk.says("Published “Hello from the desk”.")
    post = PostPage.objects.child_of(blog).get()
    assert post.live and post.slug == "hello-from-the-desk"
    # Browsers submit textarea lines with CRLF; Django strips the trailing newline.
    assert post.body.replace("\r\n", "\n") == MARKDOWN.strip()

    # The home links the blog: the post is there.
    desk.go("/dashboard/", "home")
    page.click("[data-desk-blog-link]")
    page.wait_for_url(f"http://hazel.localhost:{port}/")
    page.requested_hosts.clear()
    page.click("text=Hello from the desk")
    # Rendered Markdown, highlighted code, no script, nothing from elsewhere.
    assert page.inner_text("main h2") == "Hello from Chromium"
    assert page.inner_text("main em") == "emphasis"
    assert page.locator("main .highlight pre span.nb").first.inner_text() == "print"
    assert page.evaluate("document.scripts.length") == 0
    assert page.requested_hosts == {"hazel.localhost"}
    page.console.clear()  # the blog's own pages are not the dashboard's

    # A post dated in three days is scheduled: the message and the list say so.
    page.requested_hosts.clear()
    page.goto(f"{platform}/dashboard/pages/add/blog/postpage/{blog.id}/")
    page.wait_for_selector(".EasyMDEContainer .CodeMirror")
    page.fill("#id_title", "Coming soon")
    # Enter in the title publishes nothing, though Publish is the main button.
    page.press("#id_title", "Enter")
    page.wait_for_timeout(500)
    assert page.url == f"{platform}/dashboard/pages/add/blog/postpage/{blog.id}/"
    assert not PostPage.objects.filter(title="Coming soon").exists()
    Steps(page).write("Not yet.")
    page.click("a[role=tab]:has-text('Post settings')")
    when = timezone.localtime() + datetime.timedelta(days=3)
    page.fill("#id_published_date", when.strftime("%Y-%m-%d %H:%M"))
    page.keyboard.press("Escape")  # close the date picker
    page.click("footer button[name=action-publish]")
    page.wait_for_url(f"{platform}/dashboard/posts/")
    desk.says("Scheduled “Coming soon” for ")
    row = page.locator("tr", has_text="Coming soon")
    expect(row).to_contain_text("Scheduled for")
    desk.check("posts")

    # Bear's header fills the fields.
    page.goto(f"{platform}/dashboard/pages/add/blog/postpage/{blog.id}/")
    page.wait_for_selector(".EasyMDEContainer .CodeMirror")
    Steps(page).write("title: Written like on Bear\nlink: bear-style\ntags: bear, header\n\nHi.")
    page.click("footer button[name=action-publish]")
    page.wait_for_url(f"{platform}/dashboard/posts/")
    bear = PostPage.objects.get(slug="bear-style")
    assert bear.title == "Written like on Bear" and bear.body.strip() == "Hi."
    assert sorted(tag.name for tag in bear.tags.all()) == ["bear", "header"]

    # Settings and Theme apply on one Save.
    desk.go("/dashboard/settings/", "settings")
    page.fill("#id_title", "Hazel's notebook")
    page.click("footer button[type=submit]")
    desk.says("Saved")
    desk.go("/dashboard/theme/", "theme")
    page.check("input[name=theme][value=dark]")
    page.click("footer button[type=submit]")
    desk.says("Saved")
    desk.go("/dashboard/domain/", "domain")
    page.goto(f"http://hazel.localhost:{port}/")
    assert page.inner_text("header h1") == "Hazel's notebook"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)"  # the dark theme
    assert csp_violations(page) == []
