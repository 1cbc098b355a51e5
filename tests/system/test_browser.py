"""End to end in a real Chromium: sign up, confirm, write a Markdown post, read it.

Debian's ``chromium`` driven by Playwright for Python (never ``playwright install``).
The live server listens on ``localhost:PORT``; Chromium's ``--host-resolver-rules``
sends ``<subdomain>.localhost`` to 127.0.0.1 as well, so the blog host is real too.
Screenshots of every step (and, on failure, the page's HTML) go to tests/artifacts/.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from PIL import Image as PILImage
from playwright.sync_api import expect
from wagtail.images import get_image_model

from blog.models import BlogPage, PostPage
from tests.support.browser import csp_violations, log_in, needs_chromium

PASSWORD = "a-long-browser-password-7"
MARKDOWN = "## Hello from Chromium\n\nSome *emphasis*.\n\n```python\nprint('hi')\n```\n"

pytestmark = needs_chromium


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sign_up_write_a_markdown_post_publish_and_read_it(live_server, browser_page, shoot):
    sign_up_write_publish_and_read(browser_page, urlsplit(live_server.url).port, shoot)


def sign_up_write_publish_and_read(page, port, shoot):
    platform = f"http://localhost:{port}"

    # Sign up on the platform host.
    page.goto(f"{platform}/accounts/signup/")
    page.fill("#id_email", "chromium@example.com")
    page.fill("#id_subdomain", "Chromium")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    shoot("signup-form")
    page.click("form[action='/accounts/signup/'] button[type=submit]")
    page.wait_for_url(f"{platform}/accounts/confirm-email/")
    shoot("verification-sent")
    blog = BlogPage.objects.get(subdomain="chromium")

    # Confirm the address with the link from the email (the live server runs in-process,
    # so its locmem outbox is ours).
    (message,) = mail.outbox
    (link,) = re.findall(r"http://localhost:\d+/accounts/confirm-email/\S+/", message.body)
    page.goto(link)
    shoot("confirm-email")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{platform}/dashboard/")
    assert page.locator("h1").first.inner_text().strip() == "chromium"
    shoot("dashboard")

    # Add a post from inside the blog: only posts may go there, so Wagtail goes straight
    # to the post form.
    page.goto(f"{platform}/dashboard/pages/{blog.id}/add_subpage/")
    page.wait_for_url(f"{platform}/dashboard/pages/add/blog/postpage/{blog.id}/")
    page.fill("#id_title", "Hello from Chromium")
    page.click(".CodeMirror")
    page.keyboard.type(MARKDOWN)
    assert page.input_value("#id_body") == MARKDOWN  # EasyMDE keeps the textarea in sync
    shoot("editor")
    # The post's link (slug) on the Promote tab follows the title as it is typed.
    page.click("a[role=tab]:has-text('Promote')")
    assert page.input_value("#id_slug") == "hello-from-chromium"
    shoot("editor-promote")

    # Publish (in the footer's action menu).
    page.click("footer .w-dropdown__toggle")
    page.click("button[name=action-publish]")
    page.wait_for_url(f"{platform}/dashboard/pages/{blog.id}/")
    assert "created and published" in page.inner_text(".messages")
    shoot("published")
    post = PostPage.objects.child_of(blog).get()
    assert post.live and post.slug == "hello-from-chromium"
    # Browsers submit textarea lines with CRLF; Django strips the trailing newline.
    assert post.body.replace("\r\n", "\n") == MARKDOWN.strip()

    # Read it on the blog's own host: rendered Markdown, no script, nothing from elsewhere.
    page.requested_hosts.clear()
    response = page.goto(f"http://chromium.localhost:{port}/hello-from-chromium/")
    assert response.status == 200
    assert page.inner_text("main h2") == "Hello from Chromium"
    assert page.inner_text("main em") == "emphasis"
    assert page.locator("main .highlight pre span.nb").first.inner_text() == "print"
    assert page.evaluate("document.scripts.length") == 0
    assert page.requested_hosts == {"chromium.localhost"}
    shoot("blog-post")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_post_editor_loads_nothing_from_third_party_hosts(
    live_server, browser_page, shoot, make_blogger
):
    open_the_editor(browser_page, live_server.url, make_blogger("offline"), shoot)
    assert browser_page.requested_hosts == {"localhost"}


def open_the_editor(page, platform, blog, shoot):
    log_in(page, platform, blog.owner)
    page.goto(f"{platform}/dashboard/", wait_until="networkidle")
    page.goto(f"{platform}/dashboard/pages/add/blog/postpage/{blog.id}/", wait_until="networkidle")
    page.wait_for_selector(".EasyMDEContainer .CodeMirror")
    shoot("editor")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_image_picked_in_the_editor_is_uploaded_and_inserted(
    live_server, browser_page, shoot, make_blogger, tmp_path
):

    blog = make_blogger("pictures")
    photo = tmp_path / "garden.jpg"
    PILImage.new("RGB", (64, 48), (200, 80, 40)).save(photo)
    page = browser_page
    open_the_editor(page, live_server.url, blog, shoot)
    with page.expect_file_chooser() as chooser:
        page.click(".editor-toolbar button.upload-image")
    chooser.value.set_files(photo)
    # Playwright's wait_for_function would evaluate a string, which the CSP forbids.
    expect(page.locator("#id_body")).to_have_value(re.compile(r"^!\[\]\(/media/"))
    shoot("image-inserted")
    image = get_image_model().objects.get()
    assert image.collection_id == blog.collection_id
    url = image.renditions.get().url
    assert page.input_value("#id_body") == f"![]({url})"
    assert page.requested_hosts == {"localhost"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_account_page_reads_well_in_a_browser(live_server, browser_page, shoot, make_blogger):
    """What a blogger sees: their address, and a link to where it is changed, on a wide
    and a phone-sized screen, with no field that would save a new address."""
    blog = make_blogger("inbrowser")
    log_in(browser_page, live_server.url, blog.owner)
    for width in (1280, 390):
        browser_page.set_viewport_size({"width": width, "height": 900})
        browser_page.goto(f"{live_server.url}/dashboard/account/")
        panel = browser_page.get_by_text("your email addresses page")
        assert panel.is_visible()
        assert browser_page.get_by_text(blog.owner.email).first.is_visible()
        assert browser_page.locator("input[type=email]").count() == 0
        shoot(f"account-{width}")
    browser_page.get_by_role("link", name="your email addresses page").click()
    browser_page.wait_for_url("**/accounts/email/")
    assert csp_violations(browser_page) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_page_chooser_opens_at_the_bloggers_blog(
    live_server, browser_page, shoot, make_blogger
):
    """Moving a post opens Wagtail's page chooser at the post's parent's parent: the tree
    root, whose children are every blog. A blogger's chooser opens at their blog."""
    blog, other = make_blogger("chooser"), make_blogger("neighbour")
    post = PostPage.objects.get(pk=blog.add_child(instance=PostPage(title="Movable")).pk)
    log_in(browser_page, live_server.url, blog.owner)
    browser_page.goto(f"{live_server.url}/dashboard/pages/{post.pk}/move/")
    browser_page.get_by_role("button", name="Actions").click()
    browser_page.locator(".w-dropdown__content button").first.click()
    modal = browser_page.locator(".modal-content")
    modal.get_by_text(blog.title).wait_for()
    shoot("chooser")
    assert "Root" not in modal.inner_text()
    assert other.title not in modal.inner_text()
