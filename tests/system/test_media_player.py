"""Sound from the editor, end to end in a real Chromium: a blogger picks an MP3 with the
editor's upload button, the editor writes the player for it, and the published post plays
it from the blog's own host (a real Caddy serving ``/media/`` as on the staging box) under
the reader policy, with no violation."""

import re
from urllib.parse import urlsplit

import pytest

from tests.support import caddy as caddy_server
from tests.support.browser import csp_violations, log_in, needs_chromium
from tests.support.paths import FILES

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

pytestmark = [*needs_chromium, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The player's length once the browser has read the file's header, or -1 if it could not.
DURATION = """() => new Promise(done => {
    const player = document.querySelector("main audio");
    if (player.readyState >= 1) done(player.duration);
    player.addEventListener("loadedmetadata", () => done(player.duration));
    player.addEventListener("error", () => done(-1));
})"""


@pytest.fixture
def caddy(live_server, settings, tmp_path):
    """Caddy in front of the live server, serving MEDIA_ROOT at /media/ itself."""
    front = caddy_server.start(
        caddy_server.PROXY_TO_APP,
        tmp_path / "caddy",
        env={
            "APP_UPSTREAM": f"127.0.0.1:{urlsplit(live_server.url).port}",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        },
    )
    yield front
    caddy_server.stop(front)


def test_sound_picked_in_the_editor_plays_on_the_blog(
    live_server, caddy, browser_page, shoot, make_blogger, settings
):
    settings.SITE_PORT = caddy.http_port  # the blog's address is Caddy's
    blog = make_blogger("sounds", title="Field recordings")
    page = browser_page
    log_in(page, live_server.url, blog.owner)
    page.goto(f"{live_server.url}/dashboard/pages/add/blog/postpage/{blog.pk}/")
    page.fill("#id_title", "Birdsong")
    with page.expect_file_chooser() as chooser:
        page.click(".editor-toolbar button.upload-image")
    chooser.value.set_files(FILES / "tone.mp3")
    origin = f"http://sounds.localhost:{caddy.http_port}"
    player = f'<audio controls preload="metadata" src="{origin}/media/documents/tone.mp3"></audio>'
    expect(page.locator("#id_body")).to_have_value(re.compile(re.escape(player)))
    shoot("editor")
    page.click("footer button[name=action-publish]")
    page.wait_for_selector(".messages .success")

    assert page.goto(f"{origin}/birdsong/").status == 200
    assert page.evaluate(DURATION) == pytest.approx(1, abs=0.1)
    shoot("post")
    assert csp_violations(page) == []
