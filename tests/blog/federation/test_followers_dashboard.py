"""The dashboard's Followers page: the blogger sees who follows, removes one (their
server is told), and turns following off in Settings; another blog's followers never
show or go."""

import json

import pytest
from django.utils import timezone

from blog.federation.remote import kept_actor
from blog.models import Follower, RemoteActor
from tests.support.clients import host_client
from tests.support.fediverse import FediverseServer


@pytest.fixture
def remote():
    server = FediverseServer(name="walrus").start()
    yield server
    server.stop()


def follower_of(blog, server):
    """A follower kept as the inbox keeps one, from an actor document whose profile link
    is a script."""
    document = {**server.actor(), "name": "Wally", "url": "javascript:alert(1)"}
    actor = kept_actor(document, server.key_id)
    return Follower.objects.create(
        blog=blog, actor=actor, follow_id=f"{actor.uri}/follows/{blog.pk}"
    )


def test_the_blogger_sees_and_removes_a_follower_and_their_server_is_told(
    make_blogger, login, remote, django_capture_on_commit_callbacks
):
    blog = make_blogger("seals", title="Seal sightings")
    follower = follower_of(blog, remote)
    client = login(blog.owner)
    page = client.get("/dashboard/followers/")
    text = page.content.decode()
    assert page.status_code == 200 and "@seals@localhost" in text
    assert "1 follower" in text and "@walrus@127.0.0.1" in text and "Wally" in text
    assert "javascript:" not in text
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/dashboard/followers/{follower.pk}/remove/")
    assert answer.status_code == 302 and not Follower.objects.exists()
    [reject] = remote.activities()
    assert reject["type"] == "Reject" and reject["object"]["id"] == follower.follow_id
    assert (
        "Removed the follower walrus@127.0.0.1"
        in client.get(f"/dashboard/pages/{blog.pk}/history/").content.decode()
    )


def test_another_blogs_follower_is_neither_shown_nor_removed(make_blogger, login, remote):
    mine, theirs = make_blogger("mine"), make_blogger("theirs")
    follower = follower_of(theirs, remote)
    client = login(mine.owner)
    assert "walrus" not in client.get("/dashboard/followers/").content.decode()
    assert client.post(f"/dashboard/followers/{follower.pk}/remove/").status_code == 404
    assert Follower.objects.filter(pk=follower.pk).exists()


def test_turning_following_off_in_settings_takes_the_account_away(make_blogger, login):
    blog = make_blogger("shy")
    client = login(blog.owner)
    form = client.get("/dashboard/settings/").content.decode()
    assert "Followable from Mastodon" in form
    blog.fediverse = False
    blog.save_revision().publish()
    assert host_client(blog).get("/ap/actor").status_code == 404
    webfinger = host_client("localhost").get(
        "/.well-known/webfinger", {"resource": "acct:shy@localhost"}
    )
    assert webfinger.status_code == 404
    assert "turned off" in client.get("/dashboard/followers/").content.decode()
    assert json.loads(host_client(blog).get("/.well-known/nodeinfo").content)["links"]


def test_many_followers_are_listed_a_hundred_to_a_page(make_blogger, login):
    blog = make_blogger("popular")
    actors = RemoteActor.objects.bulk_create(
        RemoteActor(
            uri=f"https://fans.example/users/f{n:03}",
            key_id=f"https://fans.example/users/f{n:03}#main-key",
            public_pem="",
            inbox=f"https://fans.example/users/f{n:03}/inbox",
            handle=f"f{n:03}@fans.example",
            fetched_at=timezone.now(),
        )
        for n in range(101)
    )
    Follower.objects.bulk_create(
        Follower(blog=blog, actor=actor, follow_id=f"{actor.uri}/follows/1") for actor in actors
    )
    client = login(blog.owner)
    first = client.get("/dashboard/followers/").content.decode()
    second = client.get("/dashboard/followers/?p=2").content.decode()
    assert "101 followers" in first and "Page 1 of 2" in first
    assert first.count("/remove/") == 100 and second.count("/remove/") == 1
    assert client.get("/dashboard/followers/?p=99").status_code == 200  # the last page
