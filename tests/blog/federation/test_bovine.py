"""bovine, an ActivityPub server library written by others, follows a blog on the live
server and receives its posts: each side checks the other's signatures, bovine with its
own SignatureChecker, fetching our key with a signed GET as Mastodon's secure mode does.
"""

import time
from urllib.parse import urlsplit

import pytest
import requests

from blog.models import Follower
from tests.support.peers import bovine_server

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def checked(peer, kind):
    """The activities of ``kind`` bovine's inbox received, once it has checked them."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [
            e
            for e in requests.get(f"{peer}/received", timeout=5).json()
            if e["activity"]["type"] == kind
        ]
        if found and all(e.get("checked") for e in found):
            return found
        time.sleep(0.2)
    raise AssertionError(f"bovine got no {kind} it could check")


def test_bovine_follows_a_blog_and_gets_its_new_post(
    live_server, settings, make_blogger, make_post
):
    settings.SITE_PORT = urlsplit(live_server.url).port
    blog = make_blogger("otters", title="Otter notes")
    actor = f"http://otters.localhost:{settings.SITE_PORT}/ap/actor"
    with bovine_server() as peer:
        answer = requests.post(f"{peer}/follow", json={"actor": actor}, timeout=60).json()
        assert answer["status"] == 202, answer
        follower = Follower.objects.select_related("actor").get(blog=blog)
        assert follower.actor.uri == f"{peer}/actor"

        [accept] = checked(peer, "Accept")
        assert accept["verified"] == actor, accept  # bovine accepts our signature
        assert accept["activity"]["object"]["id"] == f"{peer}/follows/1"

        post = make_post(blog, title="Otters hold hands", body="So they do not drift apart.")
        [create] = checked(peer, "Create")
        assert create["verified"] == actor, create
        note = create["activity"]["object"]
        assert note["url"] == f"http://otters.localhost:{settings.SITE_PORT}/{post.slug}/"
        assert "Otters hold hands" in note["content"]
