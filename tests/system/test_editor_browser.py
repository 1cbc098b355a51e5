"""The post editor in a real Chromium, as a blogger uses it.

One preview, the server's (Wagtail's preview panel): EasyMDE's own buttons and keys for
preview, side by side and fullscreen are gone, so nothing covers the footer's Save. Enter
keeps a line's indentation. A tag typed on its own is autosaved. Publish clicked while
autosave is saving a new post publishes that post, once.
"""

import pytest
from playwright.sync_api import expect
from wagtail.models import PageLogEntry

from blog.models import PostPage
from tests.support.browser import log_in, needs_chromium

pytestmark = needs_chromium

# Wagtail's change tracker (w-unsaved) snapshots the form two seconds after it connects,
# and it connects twice as the page starts: an edit made before the last snapshot is
# taken for the form's initial state and never autosaved. Count both, to wait for the last.
COUNT_SNAPSHOTS = """
window.changeTracking = {connected: 0, snapshots: 0};
document.addEventListener("w-unsaved:ready", () => window.changeTracking.connected++);
document.addEventListener("w-unsaved:watch-edits", () => window.changeTracking.snapshots++);
"""
# Playwright's wait_for_function would evaluate a string, which the CSP forbids.
LAST_SNAPSHOT = """() => new Promise(resolve => {
    const check = () => {
        const {connected, snapshots} = window.changeTracking;
        connected && snapshots === connected ? resolve() : setTimeout(check, 50);
    };
    check();
})"""
# Whether a click at the element's middle lands on it, not on something laid over it.
REACHABLE = """element => {
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return element.contains(hit);
}"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_post_editor_has_one_preview_keeps_indentation_and_autosaves_a_typed_tag(
    live_server, browser_page, shoot, make_blogger
):
    blog = make_blogger("editing")
    post = blog.add_child(instance=PostPage(title="Draft", body="Hello", live=False))
    page = browser_page
    log_in(page, live_server.url, blog.owner)
    page.add_init_script(COUNT_SNAPSHOTS)
    page.goto(f"{live_server.url}/dashboard/pages/{post.id}/edit/")
    page.evaluate(LAST_SNAPSHOT)

    # A tag typed in the tag field, neither entered nor followed by a comma, is saved.
    page.fill("#id_tags + .tagit .tagit-new input", "gardening")
    expect(page.locator("#w-autosave-indicator")).to_have_attribute(
        "data-w-autosave-state-value", "saved", timeout=10_000
    )
    page.reload()
    expect(page.locator("#id_tags + .tagit .tagit-label")).to_have_text(["gardening"])
    shoot("tag-autosaved")

    # EasyMDE names each toolbar button by its first class: no preview, side by side,
    # fullscreen or guide.
    toolbar = page.locator(".editor-toolbar button")
    assert toolbar.evaluate_all("buttons => buttons.map(b => b.classList[0])") == [
        "bold",
        "italic",
        "heading",
        "quote",
        "unordered-list",
        "ordered-list",
        "link",
        "image",
        "upload-image",
    ]

    # EasyMDE's keys for side by side, fullscreen and its preview do nothing in the editor
    # (Ctrl-P is Wagtail's own shortcut for its preview panel); the footer (Publish, and
    # Save draft in its menu) stays within reach.
    page.click(".CodeMirror")
    for key in ("F9", "F11", "Control+KeyP"):
        page.keyboard.press(key)
        assert page.locator(".CodeMirror-fullscreen, .editor-preview-active-side").count() == 0
        assert page.locator(".editor-preview-active").count() == 0
        assert page.locator("footer button[name=action-publish]").evaluate(REACHABLE), key
        assert page.locator("footer .w-dropdown__toggle").evaluate(REACHABLE), key
    page.click("footer .w-dropdown__toggle")
    assert page.locator("footer button.action-save").evaluate(REACHABLE)
    shoot("keys-pressed")
    page.keyboard.press("Escape")

    # Enter after an indented code line indents the new line as much, and no more.
    page.click(".CodeMirror")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\n    code\nmore\nend")
    assert page.input_value("#id_body") == "Hello\n\n    code\n    more\n    end"
    shoot("indented")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publish_clicked_while_autosave_makes_the_new_post_publishes_it_once(
    live_server, browser_page, make_blogger
):
    """A new post's first autosave creates it. The test holds that autosave's answer
    (the server has made the draft) while the blogger types on and clicks Publish:
    Publish waits for it and goes to the post's own address, with what was typed since,
    rather than making the post a second time and being refused for its taken slug; no
    later autosave carries the Publish along, so the post is published once."""
    blog = make_blogger("racing")
    page = browser_page
    log_in(page, live_server.url, blog.owner)
    add_url = f"{live_server.url}/dashboard/pages/add/blog/postpage/{blog.id}/"
    held = []

    def hold_autosave(route):
        if "application/json" in route.request.headers.get("accept", ""):
            held.append((route, route.fetch()))  # the server has answered; the page waits
        else:
            route.continue_()

    page.route(add_url, hold_autosave)
    page.add_init_script(COUNT_SNAPSHOTS)
    page.goto(add_url)
    page.evaluate(LAST_SNAPSHOT)
    page.fill("#id_title", "Raced")
    page.click(".CodeMirror")
    page.keyboard.type("Written quickly.")
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "no autosave was sent"
    assert PostPage.objects.filter(title="Raced", live=False).count() == 1  # the draft
    page.keyboard.type(" And more.")
    page.wait_for_timeout(1200)  # long enough for Wagtail to see the change

    page.click("footer button[name=action-publish]")
    page.wait_for_timeout(300)  # Publish is not sent while autosave is saving
    assert page.url == add_url
    route, answer = held.pop()
    route.fulfill(response=answer)
    page.wait_for_url(f"{live_server.url}/dashboard/posts/")
    expect(page.locator(".messages")).to_contain_text("Published “Raced”.")
    (post,) = PostPage.objects.filter(title="Raced")
    assert post.live and post.body == "Written quickly. And more."
    publishes = PageLogEntry.objects.filter(page=post, action="wagtail.publish")
    assert publishes.count() == 1
    errors = [line for line in page.console if line.startswith(("error", "pageerror"))]
    assert errors == []
