"""The dashboard in a real Chromium: the editor offline, image uploads, the account page,
the page chooser (the sign-up-to-published-post journey is tests/system/test_writing_desk.py).

Debian's ``chromium`` driven by Playwright for Python (never ``playwright install``).
The live server listens on ``localhost:PORT``; Chromium's ``--host-resolver-rules``
sends ``<subdomain>.localhost`` to 127.0.0.1 as well, so the blog host is real too.
Screenshots of every step (and, on failure, the page's HTML) go to tests/artifacts/.
"""

import re

import pytest
from PIL import Image as PILImage
from playwright.sync_api import expect
from wagtail.images import get_image_model

from blog.models import PostPage
from tests.support.browser import csp_violations, log_in, needs_chromium

PASSWORD = "a-long-browser-password-7"

pytestmark = needs_chromium


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
    and a phone-sized screen, with no field that would save a new address; and a time
    zone menu whose every zone the browser knows, so its script runs without an error."""
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
    zones = browser_page.eval_on_selector_all(
        "#id_locale-current_time_zone option:not([value=''])",
        "options => options.map(option => option.value)",
    )
    refused = browser_page.evaluate(
        """zones => zones.filter(zone => {
            try { new Intl.DateTimeFormat(undefined, {timeZone: zone}); return false; }
            catch (error) { return true; }
        })""",
        zones,
    )
    assert "Europe/Paris" in zones and refused == []
    assert [line for line in browser_page.console if line.startswith(("error", "page"))] == []
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
