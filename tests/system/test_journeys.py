"""Three people's journeys through bearcms in a real Chromium, end to end.

* A blogger signs up, confirms the address from a real mail, picks a theme, writes a post
  with an image and a code block, previews it, schedules one post and publishes another,
  adds custom CSS, and sees the result on the blog's host.
* A reader upvotes a post (a second upvote is refused) and subscribes by email.
* Staff approve a blog in the review queue, see it in discovery, hide it, then block it.

Mail goes to a real SMTP server (aiosmtpd, ``smtp_inbox``); the blog host is read through
a real Caddy with the staging box's configuration (``caddy/proxy-to-app.caddy``), which
serves uploaded images itself, as on the staging box. Every step leaves a screenshot in
tests/artifacts/<test>/, and a failure the page's HTML (``tests/support/browser.py``).
"""

import email
import email.policy
import re
import time
from urllib.parse import urlsplit

import pytest
from PIL import Image as PILImage

from blog.models import BlogPage, PostPage, Subscriber, Upvote
from tests.support import caddy as caddy_server
from tests.support.browser import csp_violations, log_in, needs_chromium

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect
pytestmark = [*needs_chromium, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-journey-password-3"
# Rendered by the dark theme (templates/blog/themes/dark.css): its background, and the
# colour of a highlighted built-in name like ``print``.
DARK_BACKGROUND = "rgb(20, 22, 26)"
DARK_BUILTIN = "rgb(255, 123, 114)"
CUSTOM_CSS = "main h1 { letter-spacing: 3px; }"


@pytest.fixture
def caddy(live_server, settings, tmp_path):
    """Caddy in front of the live server, serving MEDIA_ROOT at /media/ itself."""
    upstream = urlsplit(live_server.url)
    front = caddy_server.start(
        caddy_server.PROXY_TO_APP,
        tmp_path / "caddy",
        env={
            "APP_UPSTREAM": f"127.0.0.1:{upstream.port}",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        },
    )
    yield front
    caddy_server.stop(front)


def received_mail(inbox, count, timeout=15):
    """The ``count``-th message the SMTP server received, parsed; waits for it."""
    deadline = time.monotonic() + timeout
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(inbox.messages) >= count, f"no mail number {count} arrived"
    _recipients, content = inbox.messages[count - 1]
    return email.message_from_string(content, policy=email.policy.default)


def plain_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def publish(page):
    """Publish what is open in the post editor (the footer's main button)."""
    page.click("footer button[name=action-publish]")
    page.wait_for_selector(".messages .success")


def save_desk_page(page):
    """Save one of the writing desk's forms (Settings, Theme, Domain)."""
    page.click("footer button[type=submit]")
    page.wait_for_selector(".messages .success")


def type_markdown(page, text):
    """Type into the EasyMDE editor at its end, as a person would."""
    page.click(".CodeMirror")
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


# --- The blogger -----------------------------------------------------------------------


def test_a_blogger_signs_up_writes_schedules_publishes_and_styles_the_blog(
    live_server, browser_page, shoot, smtp_inbox, caddy, tmp_path
):
    page, platform = browser_page, live_server.url

    # Sign up; the confirmation link comes by mail, over SMTP.
    page.goto(f"{platform}/accounts/signup/")
    page.fill("#id_email", "journey@example.com")
    page.fill("#id_subdomain", "journey")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    shoot("signup-form")
    page.click("form[action='/accounts/signup/'] button[type=submit]")
    page.wait_for_url(f"{platform}/accounts/confirm-email/")
    shoot("verification-sent")
    message = received_mail(smtp_inbox, 1)
    assert message["To"] == "journey@example.com"
    (link,) = re.findall(r"http://localhost:\d+/accounts/confirm-email/\S+/", plain_text(message))
    page.goto(link)
    shoot("confirm-email")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{platform}/dashboard/")
    shoot("dashboard")
    blog = BlogPage.objects.get(subdomain="journey")
    assert blog.owner.emailaddress_set.get().verified

    # Pick a theme.
    page.goto(f"{platform}/dashboard/theme/")
    page.check("input[name=theme][value=dark]")
    shoot("theme")
    save_desk_page(page)
    blog.refresh_from_db()
    assert blog.theme == "dark"

    # Write a post with a code block and an uploaded image, and preview it.
    page.goto(f"{platform}/dashboard/pages/add/blog/postpage/{blog.id}/")
    page.fill("#id_title", "Out now")
    type_markdown(page, "Fresh from the editor.\n\n```python\nprint('hi')\n```\n\n")
    photo = tmp_path / "garden.png"
    PILImage.new("RGB", (64, 48), (200, 80, 40)).save(photo)
    with page.expect_file_chooser() as chooser:
        page.click(".editor-toolbar button.upload-image")
    chooser.value.set_files(photo)
    expect(page.locator("#id_body")).to_have_value(re.compile(r"!\[\]\(/media/"))
    body = page.input_value("#id_body")
    image_path = re.search(r"!\[\]\((/media/[^)]+)\)", body).group(1)
    shoot("editor")
    page.click("button[data-side-panel-toggle=preview]")
    preview = page.frame_locator("#w-preview-iframe")
    preview.locator("main .highlight pre span.nb").wait_for()
    assert preview.locator("main h1").inner_text() == "Out now"
    assert preview.locator(f"main img[src='{image_path}']").count() == 1
    # A full-page screenshot leaves the preview's frame blank: take the frame on its own.
    shoot("preview", element=page.locator("#w-preview-iframe"))
    page.click("button[data-side-panel-toggle=preview]")  # closed, it stops refreshing
    publish(page)
    shoot("published")

    # Schedule another for a date to come (Post settings: the published date).
    page.goto(f"{platform}/dashboard/pages/add/blog/postpage/{blog.id}/")
    page.fill("#id_title", "Coming later")
    type_markdown(page, "Not yet.")
    page.click("a[role=tab]:has-text('Post settings')")
    page.fill("#id_published_date", "2099-01-02 09:00")
    page.keyboard.press("Escape")
    shoot("scheduled-date")
    publish(page)
    shoot("scheduled")

    # And custom CSS, with the theme.
    page.goto(f"{platform}/dashboard/theme/")
    page.fill("#id_custom_css", CUSTOM_CSS)
    save_desk_page(page)
    shoot("custom-css")

    published = PostPage.objects.child_of(blog).get(slug="out-now")
    scheduled = PostPage.objects.child_of(blog).get(slug="coming-later")
    assert published.live and published.is_visible_now()
    assert scheduled.live and not scheduled.is_visible_now()
    assert scheduled.published_date.year == 2099
    blog.refresh_from_db()
    assert blog.custom_css == CUSTOM_CSS

    # The blog, as readers get it through Caddy.
    host = f"http://journey.localhost:{caddy.http_port}"
    with page.expect_response(lambda response: response.url.endswith(image_path)) as picture:
        response = page.goto(f"{host}/out-now/")
    assert response.status == 200
    # Caddy's file server answered for the image, not the app (Django's live server
    # would serve MEDIA_ROOT too, without this header).
    assert picture.value.status == 200
    assert picture.value.headers["cache-control"] == "public, max-age=86400"
    assert page.inner_text("main h1") == "Out now"
    builtin = page.locator("main .highlight pre span.nb").first
    assert builtin.inner_text() == "print"
    assert builtin.evaluate("e => getComputedStyle(e).color") == DARK_BUILTIN
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == DARK_BACKGROUND
    assert page.locator("main h1").evaluate("e => getComputedStyle(e).letterSpacing") == "3px"
    image = page.locator(f"main img[src='{image_path}']")
    image.evaluate("img => img.decode()")  # rejects if the image cannot be loaded
    assert image.evaluate("img => img.naturalWidth") > 0
    shoot("blog-post")

    response = page.goto(f"{host}/blog/")
    assert page.locator("main a:has-text('Out now')").count() == 1
    assert page.locator("main a:has-text('Coming later')").count() == 0
    shoot("blog-index")
    response = page.goto(f"{host}/coming-later/")
    assert response.status == 404
    shoot("scheduled-is-not-there-yet")
    assert csp_violations(page) == []


# --- The reader ------------------------------------------------------------------------


def test_a_reader_upvotes_once_and_subscribes_by_email(
    live_server, browser_page, shoot, smtp_inbox, make_blogger, make_post
):
    page = browser_page
    blog = make_blogger("readme", title="Read me")
    post = make_post(
        blog, title="Worth a vote", slug="worth-a-vote", body="Hi.\n\n{{ email-signup }}"
    )
    url = f"http://readme.localhost:{urlsplit(live_server.url).port}/worth-a-vote/"

    page.goto(url)
    assert page.locator("#upvote-form .upvote-count").inner_text() == "0"
    shoot("post")

    page.locator("#upvote-form .upvote-button").click()
    page.wait_for_url("**/worth-a-vote/?upvoted#upvote-form")
    assert page.locator("#upvote-form .upvote-count").inner_text() == "1"
    assert page.locator("#upvote-form [role=status]").inner_text() == "Thanks for your upvote."
    shoot("upvoted")

    page.locator("#upvote-form .upvote-button").click()
    page.wait_for_url("**/worth-a-vote/?already-upvoted#upvote-form")
    assert page.locator("#upvote-form .upvote-count").inner_text() == "1"
    status = page.locator("#upvote-form [role=status]").inner_text()
    assert status == "You have upvoted this post already."
    shoot("upvoted-again")
    post.refresh_from_db()
    assert post.upvote_count == 1
    assert Upvote.objects.filter(post=post).count() == 1

    # Subscribe from the form in the post; confirm with the link from the mail.
    page.fill("#email-signup", "reader@example.com")
    page.click("form.email-signup button[type=submit]")
    expect(page.locator("main h2")).to_have_text("Check your inbox")
    shoot("subscribe-sent")
    subscriber = Subscriber.objects.get(blog=blog)
    assert subscriber.email == "reader@example.com" and subscriber.confirmed_at is None
    message = received_mail(smtp_inbox, 1)
    assert message["To"] == "reader@example.com"
    (path,) = re.findall(r"/subscribe/confirm/[^/\s]+/", plain_text(message))
    page.goto(f"http://readme.localhost:{urlsplit(live_server.url).port}{path}")
    assert page.inner_text("main h2") == "Confirm your subscription"
    shoot("confirm")
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None  # opening the link is not confirming
    page.click("main form button[type=submit]")
    expect(page.locator("main h2")).to_have_text("You are subscribed")
    assert "reader@example.com" in page.inner_text("main")
    shoot("subscribed")
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert csp_violations(page) == []


# --- Staff -----------------------------------------------------------------------------


def test_staff_approve_a_blog_then_hide_it_from_discovery_then_block_it(
    live_server, browser_page, shoot, staff, make_blogger, make_post
):
    page, platform = browser_page, live_server.url
    blog = make_blogger("newcomer", title="Newcomer's notes")
    # Long enough for discovery, which leaves out very short posts.
    make_post(blog, title="First light", slug="first-light", body="Hello, world. " * 20)
    log_in(page, platform, staff)

    page.goto(f"{platform}/discover/")
    assert page.locator("a:has-text('First light')").count() == 0  # not reviewed yet
    shoot("discover-before-review")

    page.goto(f"{platform}/dashboard/review/")
    section = page.locator("section", has=page.locator("h2", has_text="Newcomer's notes"))
    shoot("review-queue")
    section.locator("button:has-text('Approve')").click()
    expect(page.locator(".messages")).to_contain_text("approved")
    shoot("approved")
    blog.refresh_from_db()
    assert blog.reviewed and not blog.hidden

    page.goto(f"{platform}/discover/")
    assert page.locator("a:has-text('First light')").count() == 1
    shoot("discover-after-review")

    act_on_reviewed_blog(page, platform, "Newcomer's notes", "Hide from discovery")
    expect(page.locator(".messages")).to_contain_text("hidden from discovery")
    shoot("hidden")
    blog.refresh_from_db()
    assert blog.hidden
    assert not PostPage.objects.get(slug="first-light").in_discovery
    page.goto(f"{platform}/discover/")
    assert page.locator("a:has-text('First light')").count() == 0
    shoot("discover-after-hiding")

    act_on_reviewed_blog(page, platform, "Newcomer's notes", "Block")
    expect(page.locator(".messages")).to_contain_text("blocked")
    shoot("blocked")
    blog.refresh_from_db()
    assert blog.blocked
    response = page.goto(f"http://newcomer.localhost:{urlsplit(platform).port}/first-light/")
    assert response.status == 410
    shoot("blog-gone")
    assert csp_violations(page) == []


def act_on_reviewed_blog(page, platform, title, button):
    """Click ``button`` on the blog titled ``title`` in the review queue's Reviewed tab."""
    page.goto(f"{platform}/dashboard/review/reviewed/")
    section = page.locator("section", has=page.locator("h2", has_text=title))
    section.locator(f"button:has-text('{button}')").click()
