"""A blogger opens Followers in a real Chromium, sees who follows their blog from the
fediverse and removes one; the follower's server (a real local one) is told. The page is
checked by axe-core and photographed at 1280 and 390 px (tests/artifacts/)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from blog.federation.remote import kept_actor
from blog.models import Follower
from tests.support.accessibility import serious_violations
from tests.support.browser import csp_violations, log_in, needs_chromium, photograph
from tests.support.fediverse import FediverseServer

pytestmark = [*needs_chromium, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_blogger_sees_their_followers_and_removes_one(
    live_server, browser_page, shoot, settings, make_blogger
):
    page = browser_page
    port = urlsplit(live_server.url).port
    settings.SITE_PORT = port
    platform = f"http://localhost:{port}"
    blog = make_blogger("puffins", title="Puffin diary")
    servers = [
        FediverseServer(name=name).start() for name in ("margaret", "a_very_long_name_indeed")
    ]
    for number, server in enumerate(servers):
        actor = kept_actor({**server.actor(), "url": f"{server.url}/@{server.name}"}, server.key_id)
        Follower.objects.create(blog=blog, actor=actor, follow_id=f"{actor.uri}/follows/{number}")
    log_in(page, platform, blog.owner)

    page.goto(f"{platform}/dashboard/")
    page.get_by_role("link", name="Followers").click()
    page.wait_for_url(f"{platform}/dashboard/followers/")
    main = page.locator("main")
    expect(main).to_contain_text("@puffins@localhost")
    expect(main).to_contain_text("2 followers")
    assert serious_violations(page) == []
    photograph(page, shoot, "followers", reload=True)

    page.get_by_role("button", name="Remove @margaret@127.0.0.1").click()
    expect(page.locator(".messages")).to_contain_text("margaret@127.0.0.1 no longer follows")
    expect(main).to_contain_text("1 follower")
    assert [a["type"] for a in servers[0].activities()] == ["Reject"]
    assert Follower.objects.filter(blog=blog).count() == 1
    assert csp_violations(page) == []
    for server in servers:
        server.stop()
