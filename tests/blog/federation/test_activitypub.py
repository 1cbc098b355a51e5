"""A blog as an ActivityPub account: found by WebFinger, its actor by content negotiation,
followed through its signed inbox, and its posts delivered to followers' servers.

The other side is a real HTTP server (``tests.support.fediverse``) on this machine;
bovine, written by others, is in ``test_bovine.py``.
"""

import json
import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.core.retries import MAX_ATTEMPTS
from blog.federation import documents, inbox
from blog.federation import remote as remote_module
from blog.federation.posts import send_activities
from blog.federation.remote import RemoteError, blog_key, checked_url, kept_actor
from blog.federation.signatures import new_key_pair, verify
from blog.models import Activity, ActivityDelivery, Follower, RemoteActor
from tests.support.clients import host_client
from tests.support.fediverse import FediverseServer
from tests.support.tasks import run_ready_tasks

ACTIVITY_JSON = "application/activity+json"
OTHER_KEY = new_key_pair()


@pytest.fixture
def remote():
    server = FediverseServer().start()
    yield server
    server.stop()


@pytest.fixture
def blog(make_blogger):
    return make_blogger("bears", title="Bears & honey")


def post_activity(blog, server, activity, path="/ap/inbox", client=None, **sign):
    body = json.dumps(activity).encode()
    client = client or host_client(blog)
    url = f"http://{client.defaults['HTTP_HOST']}{path}"
    headers = server.signed("POST", url, body=body, **sign)
    return client.post(
        path,
        body,
        content_type=ACTIVITY_JSON,
        **{
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in headers.items()
            if name not in ("Host", "Content-Type")
        },
    )


def follow(blog, server, number=1):
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{server.actor_url}/follows/{number}",
        "type": "Follow",
        "actor": server.actor_url,
        "object": documents.actor_url(blog),
    }


def test_webfinger_finds_the_blog_on_the_platform_and_on_its_own_host(blog, platform_client):
    answer = platform_client.get("/.well-known/webfinger", {"resource": "acct:bears@localhost"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/jrd+json"
    assert answer.json()["subject"] == "acct:bears@localhost"
    [self_link] = [link for link in answer.json()["links"] if link["rel"] == "self"]
    assert self_link == {
        "rel": "self",
        "type": ACTIVITY_JSON,
        "href": "http://bears.localhost:8000/ap/actor",
    }
    on_blog = host_client(blog).get(
        "/.well-known/webfinger", {"resource": "acct:bears@bears.localhost"}
    )
    assert on_blog.json()["subject"] == "acct:bears@localhost"
    missing = platform_client.get("/.well-known/webfinger", {"resource": "acct:nobody@localhost"})
    assert missing.status_code == 404
    other_domain = platform_client.get(
        "/.well-known/webfinger", {"resource": "acct:bears@example.org"}
    )
    assert other_domain.status_code == 404


def test_the_blogs_address_is_its_actor_to_activitypub_clients_and_its_page_to_browsers(blog):
    client = host_client(blog)
    page = client.get("/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and "Accept" in page["Vary"]
    assert (
        b'<link rel="alternate" type="application/activity+json" href="/ap/actor">' in page.content
    )
    as_json = client.get("/", HTTP_ACCEPT=f"{ACTIVITY_JSON}, application/ld+json")
    assert as_json["Content-Type"] == ACTIVITY_JSON and "no-store" in as_json["Cache-Control"]
    actor = as_json.json()
    assert (
        actor["id"] == "http://bears.localhost:8000/ap/actor" and actor["name"] == "Bears & honey"
    )
    assert actor["preferredUsername"] == "bears" and actor["inbox"].endswith("/ap/inbox")
    assert actor["endpoints"]["sharedInbox"] == "http://localhost:8000/ap/inbox"
    assert actor["publicKey"]["publicKeyPem"] == blog_key(blog).public_pem
    # The page cache, which keys pages by address alone, still gives browsers the page.
    assert client.get("/", HTTP_ACCEPT="text/html")["Content-Type"].startswith("text/html")
    assert client.get("/ap/actor").json() == actor


def test_a_signed_follow_is_kept_and_answered_with_a_signed_accept(
    blog, remote, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = post_activity(blog, remote, follow(blog, remote))
    assert answer.status_code == 202, answer.content
    follower = Follower.objects.get(blog=blog)
    assert follower.actor.uri == remote.actor_url and follower.actor.handle.startswith("alice@")
    [(path, headers, body)] = remote.received
    accept = json.loads(body)
    assert path == "/users/alice/inbox" and accept["type"] == "Accept"
    assert accept["object"]["id"] == f"{remote.actor_url}/follows/1"
    target = "/users/alice/inbox"
    verify("POST", target, headers, body, blog_key(blog).public_pem)


@pytest.mark.parametrize(
    "forgery",
    [
        "unsigned",
        "stale",
        "wrong key",
        "body changed",
        "someone else's actor",
    ],
)
def test_a_follow_that_is_not_proven_is_refused(blog, remote, forgery):
    activity = follow(blog, remote)
    client = host_client(blog)
    if forgery == "unsigned":
        answer = client.post("/ap/inbox", json.dumps(activity), content_type=ACTIVITY_JSON)
    elif forgery == "stale":
        answer = post_activity(blog, remote, activity, now=timezone.now() - timedelta(hours=2))
    elif forgery == "wrong key":
        answer = post_activity(blog, remote, activity, private_pem=OTHER_KEY[0])
    elif forgery == "body changed":
        body = json.dumps(activity).encode()
        url = "http://bears.localhost/ap/inbox"
        headers = remote.signed("POST", url, body=body)
        activity["object"] = "http://bears.localhost:8000/ap/other"
        answer = client.post(
            "/ap/inbox",
            json.dumps(activity),
            content_type=ACTIVITY_JSON,
            HTTP_DATE=headers["Date"],
            HTTP_DIGEST=headers["Digest"],
            HTTP_SIGNATURE=headers["Signature"],
        )
    else:
        activity["actor"] = "http://127.0.0.1:1/users/bob"
        answer = post_activity(blog, remote, activity)
    assert answer.status_code == 401, answer.content
    assert answer.json()["error"]
    assert not Follower.objects.exists()


@pytest.fixture
def followed(blog, remote, django_capture_on_commit_callbacks):
    """``blog`` followed by two accounts of ``remote`` (one shared inbox) and one of a
    server without a shared inbox; their Accepts already received."""
    lone = FediverseServer(name="lone", shared_inbox=False).start()
    bob = FediverseServer(name="bob")
    bob.port, bob.url, bob.server = remote.port, remote.url, None
    remote_bob = {**follow(blog, bob, 2), "actor": bob.actor_url}
    with django_capture_on_commit_callbacks(execute=True):
        assert post_activity(blog, remote, follow(blog, remote)).status_code == 202
        assert post_activity(blog, lone, follow(blog, lone)).status_code == 202
    RemoteActor.objects.create(
        uri=bob.actor_url,
        key_id=bob.key_id,
        public_pem=bob.public_pem,
        inbox=f"{bob.actor_url}/inbox",
        shared_inbox=f"{remote.url}/inbox",
        fetched_at=timezone.now(),
    )
    Follower.objects.create(
        blog=blog, actor=RemoteActor.objects.get(uri=bob.actor_url), follow_id=remote_bob["id"]
    )
    remote.received.clear()
    lone.received.clear()
    yield lone
    lone.stop()


def publish(make_post, blog, capture, **fields):
    with capture(execute=True):
        return make_post(blog, **fields)


def test_a_published_post_reaches_each_server_once_as_mastodon_shows_it(
    blog, remote, followed, make_post, django_capture_on_commit_callbacks
):
    post = publish(
        make_post,
        blog,
        django_capture_on_commit_callbacks,
        title="Honey <harvest>",
        body="The bees *worked* hard.",
        tags=["bees", "summer fun"],
    )
    [(path, headers, body)] = remote.received  # two followers there: one shared inbox
    assert path == "/inbox"
    verify("POST", path, headers, body, blog_key(blog).public_pem)
    create = json.loads(body)
    note = create["object"]
    assert create["type"] == "Create" and create["actor"] == documents.actor_url(blog)
    assert note["type"] == "Note" and "summary" not in note
    assert "<strong>Honey &lt;harvest&gt;</strong>" in note["content"]
    assert "The bees worked hard." in note["content"]
    assert note["url"] == f"http://bears.localhost:8000/{post.slug}/"
    assert [tag["name"] for tag in note["tag"]] == ["#bees", "#summerfun"]
    assert note["published"].startswith(str(post.published_date.year))
    [lone_create] = followed.activities()
    assert lone_create == create and followed.received[0][0] == "/users/lone/inbox"
    # Readers and Mastodon's search get the same note at its id.
    assert host_client(blog).get(f"/ap/posts/{post.pk}").json()["content"] == note["content"]


def test_editing_updates_and_unpublishing_deletes_and_republishing_creates_anew(
    blog, remote, followed, make_post, django_capture_on_commit_callbacks
):
    post = publish(make_post, blog, django_capture_on_commit_callbacks, title="First")
    with django_capture_on_commit_callbacks(execute=True):
        post.title = "Second"
        post.save_revision(user=blog.owner).publish()
    with django_capture_on_commit_callbacks(execute=True):
        post.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        post.save_revision(user=blog.owner).publish()
    kinds = [a["type"] for a in remote.activities()]
    assert kinds == ["Create", "Update", "Delete", "Create"]
    create, update, delete, again = remote.activities()
    assert "Second" in update["object"]["content"] and update["object"]["updated"]
    assert delete["object"] == {"id": create["object"]["id"], "type": "Tombstone"}
    assert again["id"] != create["id"]
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert remote.activities()[-1]["type"] == "Delete"


@pytest.mark.parametrize("case", ["page", "draft", "scheduled", "turned off", "hidden", "old"])
def test_what_followers_never_get(
    blog, remote, followed, make_post, django_capture_on_commit_callbacks, case
):
    fields = {"title": case}
    if case == "page":
        fields["is_page"] = True
    elif case == "draft":
        fields["live"] = False
    elif case == "scheduled":
        fields["published_date"] = timezone.now() + timedelta(hours=1)
    elif case == "old":
        fields["published_date"] = timezone.now() - timedelta(days=30)
    elif case == "turned off":
        blog.fediverse = False
        blog.save_revision().publish()
    elif case == "hidden":
        blog.hidden = True
        blog.save(update_fields=["hidden"])
    post = publish(make_post, blog, django_capture_on_commit_callbacks, **fields)
    assert remote.received == [] and not Activity.objects.filter(post_id=post.pk).exists()
    if case == "scheduled":
        PostPage = type(post)
        PostPage.objects.filter(pk=post.pk).update(published_date=timezone.now())
        call_command("send_activities")
        assert [a["type"] for a in remote.activities()] == ["Create"]
        call_command("send_activities")
        assert len(remote.received) == 1


def test_a_blocked_blogs_actor_is_gone(blog):
    blog.blocked = True
    blog.save(update_fields=["blocked"])
    assert host_client(blog).get("/ap/actor").status_code == 410


def test_undo_and_account_deletion_end_the_follow(
    blog, remote, followed, django_capture_on_commit_callbacks
):
    undo = {
        "id": f"{remote.actor_url}/undo/1",
        "type": "Undo",
        "actor": remote.actor_url,
        "object": follow(blog, remote),
    }
    assert post_activity(blog, remote, undo).status_code == 202
    assert not Follower.objects.filter(actor__uri=remote.actor_url).exists()
    delete = {
        "id": f"{followed.actor_url}#delete",
        "type": "Delete",
        "actor": followed.actor_url,
        "object": followed.actor_url,
    }
    followed.stop()  # a deleted account's key cannot be fetched: the kept one is used
    answer = post_activity(blog, followed, delete, client=host_client("localhost"))
    assert answer.status_code == 202, answer.content
    assert not RemoteActor.objects.filter(uri=followed.actor_url).exists()
    assert Follower.objects.filter(blog=blog).count() == 1  # bob's, left alone


def make_due():
    ActivityDelivery.objects.update(next_attempt_at=timezone.now())


def test_a_server_down_slow_or_failing_never_holds_publishing_and_gets_the_post_once_back(
    blog, remote, followed, make_post, settings, django_capture_on_commit_callbacks
):
    """With the worker's queue, as in production: publishing only queues the delivery."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.FEDERATION_TIMEOUT = 0.5
    followed.stop()
    remote.stop()
    post = publish(make_post, blog, django_capture_on_commit_callbacks, title="Through storms")
    assert post.live and remote.received == []  # nothing sent while publishing
    with django_capture_on_commit_callbacks(execute=True):
        run_ready_tasks()  # the announcement: it queues the deliveries' task
    run_ready_tasks()  # the deliveries: both servers are down
    deliveries = ActivityDelivery.objects.filter(activity__post_id=post.pk)
    assert [d.attempts for d in deliveries] == [1, 1] and all(d.sent_at is None for d in deliveries)
    assert "Connection" in deliveries[0].last_error or "refused" in deliveries[0].last_error

    remote.start()
    remote.delay = 2  # slower than FEDERATION_TIMEOUT: counted as failed
    make_due()
    assert call_command_failures() == 2
    remote.delay, remote.status = 0, 500
    make_due()
    call_command_failures()
    remote.status = 202
    followed.start()
    make_due()
    assert call_command_failures() == 0
    assert [a["type"] for a in remote.activities()] == ["Create"]
    assert [a["type"] for a in followed.activities()] == ["Create"]
    make_due()
    call_command_failures()
    run_ready_tasks()
    assert len(remote.received) == len(followed.received) == 1  # once, however often it runs


def test_a_server_that_refuses_is_given_up_at_once(
    blog, remote, followed, make_post, django_capture_on_commit_callbacks
):
    remote.status = 403
    post = publish(make_post, blog, django_capture_on_commit_callbacks, title="Not wanted")
    given_up = ActivityDelivery.objects.get(activity__post_id=post.pk, inbox__startswith=remote.url)
    assert given_up.attempts == MAX_ATTEMPTS and "403" in given_up.last_error
    assert not ActivityDelivery.due().filter(pk=given_up.pk).exists()


def call_command_failures():
    """The periodic pass (``manage.py send_activities``): how many deliveries failed."""
    return send_activities()


def test_keys_and_inboxes_on_the_private_network_are_never_fetched(blog, remote, settings, caplog):
    settings.FEDERATION_PRIVATE_NETWORKS = False
    answer = post_activity(blog, remote, follow(blog, remote))
    # The sender chose the address: the answer does not say what is listening there.
    assert answer.status_code == 401
    assert answer.json() == {"error": "The signer's key cannot be fetched."}
    assert remote.fetched == [] and "Not an address" in caplog.text
    assert not RemoteActor.objects.exists()
    for url, reason in [
        ("https://127.0.0.1/users/a", "public internet"),
        ("https://localhost:8443/users/a", "public internet"),
        ("https://[::1]/users/a", "public internet"),
        ("https://169.254.169.254/latest/meta-data", "public internet"),
        ("https://evil.example\\@mastodon.social/users/a", "Not an address"),
        ("https://10.0.0.5:8443\\@example.com/", "Not an address"),
        ("https://user@mastodon.social/users/a", "Not an address"),
        ("https://mastodon.social:99999/users/a", "Not an address"),
        ("https://[::1/users/a", "Not an address"),
        ("https://mastodon.social/users/a b", "Not an address"),
        ("ftp://mastodon.social/users/a", "Not an address"),
    ]:
        with pytest.raises(RemoteError, match=reason):
            checked_url(url)


def test_an_account_speaks_only_for_its_own_server(blog, remote):
    """A key's document that claims an actor on another server (to overwrite that account,
    its key and its inbox) is refused, as Mastodon refuses it."""
    victim = "http://127.0.0.2:1/users/alice"
    document = remote.actor()
    document.update(id=victim, publicKey={**document["publicKey"], "owner": victim})
    with pytest.raises(RemoteError, match="different servers"):
        kept_actor(document, remote.key_id)
    assert not RemoteActor.objects.exists()


def test_a_blog_on_its_own_domain_is_found_there_and_at_the_platform(blog, platform_client):
    blog.custom_domain = "blog.example.com"
    blog.save_revision().publish()
    blog.refresh_from_db()
    own = host_client("blog.example.com")
    answer = own.get("/.well-known/webfinger", {"resource": "acct:bears@blog.example.com"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["subject"] == "acct:bears@blog.example.com"
    [self_link] = [link for link in answer.json()["links"] if link["rel"] == "self"]
    assert self_link["href"] == "http://blog.example.com:8000/ap/actor"
    # Mastodon, given the platform's handle, is sent on to the domain's.
    at_platform = platform_client.get(
        "/.well-known/webfinger", {"resource": "acct:bears@localhost"}
    )
    assert at_platform.json()["subject"] == "acct:bears@blog.example.com"
    assert own.get("/ap/actor").json()["id"] == self_link["href"]
    by_address = own.get("/.well-known/webfinger", {"resource": self_link["href"]})
    assert by_address.json()["subject"] == "acct:bears@blog.example.com"


def test_nodeinfo_says_what_software_this_is(blog, platform_client, make_post):
    make_post(blog)
    [link] = platform_client.get("/.well-known/nodeinfo").json()["links"]
    assert link["href"] == "http://localhost/nodeinfo/2.1"
    info = platform_client.get("/nodeinfo/2.1").json()
    assert info["software"]["name"] == "bearcms" and info["protocols"] == ["activitypub"]
    assert info["usage"] == {"users": {"total": 1}, "localPosts": 1}


def test_outbox_and_followers_say_what_was_sent_and_how_many_follow(
    blog, remote, followed, make_post, django_capture_on_commit_callbacks
):
    shown = publish(make_post, blog, django_capture_on_commit_callbacks, title="Shown")
    gone = publish(make_post, blog, django_capture_on_commit_callbacks, title="Gone")
    with django_capture_on_commit_callbacks(execute=True):
        gone.unpublish()
    client = host_client(blog)
    with CaptureQueriesContext(connection) as one_post:
        outbox = client.get("/ap/outbox").json()
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == 1
    assert [item["object"]["url"] for item in outbox["orderedItems"]] == [
        f"http://bears.localhost:8000/{shown.slug}/"
    ]
    followers = client.get("/ap/followers").json()
    assert followers["totalItems"] == 3 and "orderedItems" not in followers
    assert client.get(f"/ap/posts/{gone.pk}").status_code == 404
    for title in ("More", "And more"):
        publish(make_post, blog, django_capture_on_commit_callbacks, title=title)
    with CaptureQueriesContext(connection) as three_posts:
        assert client.get("/ap/outbox").json()["totalItems"] == 3
    assert len(three_posts) == len(one_post)  # no query per post


def test_an_account_that_changes_its_profile_is_kept_as_it_now_is(
    blog, remote, followed, platform_client
):
    changed = {**remote.actor(), "name": "Alice Liddell", "inbox": f"{remote.actor_url}/new-inbox"}
    update = {
        "id": f"{remote.actor_url}#update",
        "type": "Update",
        "actor": remote.actor_url,
        "object": changed,
    }
    assert post_activity(blog, remote, update, client=platform_client).status_code == 202
    kept = RemoteActor.objects.get(uri=remote.actor_url)
    assert kept.name == "Alice Liddell" and kept.inbox.endswith("/new-inbox")
    someone_else = {**changed, "id": followed.actor_url, "name": "Not me"}
    update["object"] = someone_else
    assert post_activity(blog, remote, update, client=platform_client).status_code == 202
    assert RemoteActor.objects.get(uri=followed.actor_url).name == "Lone"


def test_an_account_with_a_new_key_is_fetched_again(blog, remote, followed):
    remote.private_pem, remote.public_pem = OTHER_KEY  # the account's server made a new key
    undo = {
        "id": f"{remote.actor_url}/undo/1",
        "type": "Undo",
        "actor": remote.actor_url,
        "object": f"{remote.actor_url}/follows/1",
    }
    assert post_activity(blog, remote, undo).status_code == 202
    assert RemoteActor.objects.get(uri=remote.actor_url).public_pem == OTHER_KEY[1]
    assert not Follower.objects.filter(actor__uri=remote.actor_url).exists()


def test_requests_signed_with_unknown_keys_are_limited(
    blog, remote, monkeypatch, steady_rate_window
):
    monkeypatch.setattr(inbox, "KEY_FETCHES", 2)
    statuses = [
        post_activity(
            blog, remote, follow(blog, remote, n), key_id=f"{remote.actor_url}#key-{n}"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [401, 401, 429]  # the key ids name no key the account has
    assert post_activity(blog, remote, follow(blog, remote)).status_code == 429


def test_followers_servers_hear_of_a_new_blog_title(
    blog, remote, followed, django_capture_on_commit_callbacks
):
    blog.title = "Bears, honey and bees"
    with django_capture_on_commit_callbacks(execute=True):
        blog.save_revision().publish()
    [update] = remote.activities()
    assert update["type"] == "Update" and update["object"]["name"] == "Bears, honey and bees"
    assert (
        update["object"]["id"] == documents.actor_url(blog) and "@context" not in update["object"]
    )
    assert [a["type"] for a in followed.activities()] == ["Update"]


def test_a_follow_on_the_shared_inbox_follows_the_blog_it_names(
    blog, remote, platform_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = post_activity(blog, remote, follow(blog, remote), client=platform_client)
    assert answer.status_code == 202, answer.content
    assert Follower.objects.filter(blog=blog, actor__uri=remote.actor_url).exists()
    assert [a["type"] for a in remote.activities()] == ["Accept"]


@pytest.mark.parametrize("inbox", ["the blog's", "the shared"])
def test_a_hidden_blog_gains_no_followers_but_loses_them(
    blog, remote, followed, platform_client, inbox
):
    blog.hidden = True
    blog.save(update_fields=["hidden"])
    client = host_client(blog) if inbox == "the blog's" else platform_client
    again = follow(blog, followed, 9)
    assert post_activity(blog, followed, again, client=client).status_code == 404
    # An unfollow is never lost, even while the blog cannot be followed.
    undo = {
        "id": f"{followed.actor_url}#undo",
        "type": "Undo",
        "actor": followed.actor_url,
        "object": follow(blog, followed),
    }
    assert post_activity(blog, followed, undo, client=client).status_code == 202
    assert not Follower.objects.filter(actor__uri=followed.actor_url).exists()


def test_a_post_moved_to_a_later_date_comes_back_as_a_new_note_then(
    blog, remote, followed, make_post, django_capture_on_commit_callbacks
):
    post = publish(make_post, blog, django_capture_on_commit_callbacks, title="Soon")
    with django_capture_on_commit_callbacks(execute=True):
        post.published_date = timezone.now() + timedelta(hours=1)
        post.save_revision(user=blog.owner).publish()
    client = host_client(blog)
    assert client.get(f"/ap/posts/{post.pk}").status_code == 404
    assert client.get("/ap/outbox").json()["orderedItems"] == []
    type(post).objects.filter(pk=post.pk).update(published_date=timezone.now())
    call_command("send_activities")
    create, delete, again = remote.activities()
    assert [create["type"], delete["type"], again["type"]] == ["Create", "Delete", "Create"]
    # Mastodon keeps a deleted note's id as a tombstone: the post comes back under a new one.
    assert delete["object"]["id"] == create["object"]["id"] != again["object"]["id"]
    assert (
        client.get(again["object"]["id"].removeprefix("http://bears.localhost:8000")).status_code
        == 200
    )
    assert client.get(f"/ap/posts/{post.pk}").status_code == 404
    call_command("send_activities")
    assert len(remote.activities()) == 3


def test_an_update_sends_the_published_revision_not_a_draft_saved_since(
    blog, remote, followed, make_post, django_capture_on_commit_callbacks
):
    post = publish(make_post, blog, django_capture_on_commit_callbacks, title="One")
    with django_capture_on_commit_callbacks(execute=True):
        post.title = "Two"
        post.save_revision(user=blog.owner).publish()
        post.title = "Three"  # autosave lands before the worker runs
        draft = post.save_revision(user=blog.owner)
    with django_capture_on_commit_callbacks(execute=True):
        draft.publish()
    updates = [a["object"]["content"] for a in remote.activities("Update")]
    assert len(updates) == 2 and "Two" in updates[0] and "Three" in updates[1]


def test_turning_following_back_on_sends_nothing_published_meanwhile(
    blog, remote, followed, make_post, django_capture_on_commit_callbacks
):
    blog.fediverse = False
    blog.save_revision().publish()
    publish(make_post, blog, django_capture_on_commit_callbacks, title="Quiet")
    blog.fediverse = True
    blog.save_revision().publish()
    call_command("send_activities")
    assert remote.activities("Create") == []


def test_an_inbox_on_the_private_network_is_given_up_at_once(
    blog, remote, followed, make_post, settings, django_capture_on_commit_callbacks
):
    settings.FEDERATION_PRIVATE_NETWORKS = False  # the followers' inboxes are on 127.0.0.1
    post = publish(make_post, blog, django_capture_on_commit_callbacks, title="Not there")
    deliveries = ActivityDelivery.objects.filter(activity__post_id=post.pk)
    assert deliveries.count() == 2
    assert all(d.attempts == MAX_ATTEMPTS and "Not an address" in d.last_error for d in deliveries)
    assert remote.received == followed.received == []


def test_a_post_taken_back_while_following_is_off_is_taken_back_from_followers(
    blog, remote, followed, make_post, django_capture_on_commit_callbacks
):
    kept = publish(make_post, blog, django_capture_on_commit_callbacks, title="Kept")
    gone = publish(make_post, blog, django_capture_on_commit_callbacks, title="Regretted")
    blog.fediverse = False
    blog.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        kept.title = "Kept, edited"
        kept.save_revision(user=blog.owner).publish()
        gone.unpublish()
    assert [a["type"] for a in remote.activities() if a["type"] != "Update"] == [
        "Create",
        "Create",
        "Delete",
    ]
    assert remote.activities("Delete")[0]["object"]["id"].endswith(f"/ap/posts/{gone.pk}")


def test_what_cannot_be_read_as_an_activity_is_a_400(blog):
    client = host_client(blog)
    for body in (b"[" * 100_000, b"not json", b"[1, 2]"):
        answer = client.post("/ap/inbox", body, content_type=ACTIVITY_JSON)
        assert answer.status_code == 400, body[:10]


def test_a_forged_key_id_does_not_cut_its_server_off(
    blog, remote, platform_client, django_capture_on_commit_callbacks
):
    """A key id naming no key there (a 404) is refused; the server's real accounts still
    follow."""
    forged = post_activity(
        blog, remote, follow(blog, remote), key_id=f"{remote.url}/users/nobody#main-key"
    )
    assert forged.status_code == 401
    with django_capture_on_commit_callbacks(execute=True):
        assert post_activity(blog, remote, follow(blog, remote)).status_code == 202


def test_a_server_down_is_not_asked_again_for_a_while_and_busy_fetchers_say_so(
    blog, remote, monkeypatch
):
    remote.stop()
    assert post_activity(blog, remote, follow(blog, remote)).status_code == 401
    remote.start()
    assert post_activity(blog, remote, follow(blog, remote)).status_code == 401  # resting
    assert remote.fetched == []
    cache.clear()
    monkeypatch.setattr(remote_module, "FETCH_SLOTS", threading.BoundedSemaphore(1))
    remote_module.FETCH_SLOTS.acquire()  # another request's fetch, under way
    busy = post_activity(blog, remote, follow(blog, remote))
    assert busy.status_code == 503 and busy["Retry-After"] == "60"
