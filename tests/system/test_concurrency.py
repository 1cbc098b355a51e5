"""Many people at once: upvotes, sign-ups and editors that race each other.

Each story is played with real parallel connections, released together by a barrier:

* on PostgreSQL (the suite's PostgreSQL pass), threads in this process, each with its
  own database connection, go through Django's test client. PostgreSQL's default
  ``max_connections`` is 100, so these races use ``THREADS_IN_PROCESS`` connections; 100
  upvotes at once go through a real gunicorn on the test database, as in production,
  whose 3 workers x 8 threads share 24 connections;
* on SQLite (the suite's SQLite pass), where an in-memory test database cannot be shared
  by threads, a real gunicorn (``gunicorn.conf.py``, several workers with several threads
  each) serves a migrated SQLite file in WAL mode, as on the staging box, and threads
  here send it real HTTP requests.

Two editors of one post are not a matter of timing but of what Wagtail does with a save
based on an old revision or a locked page: those stories run on both databases.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connections
from django.test import Client
from django.urls import reverse
from wagtail.models import Collection, Page, PageLogEntry, Revision, Site

from blog.core.names import blog_hostname
from blog.models import BlogPage, PostPage, Upvote
from blog.reader import upvotes
from home.signup import BlogSignupForm
from tests.support import gunicorn_server, programs
from tests.support.clients import PASSWORD
from tests.support.gunicorn_server import NOT_INHERITED
from tests.support.html_forms import form_fields
from tests.support.paths import ROOT
from tests.support.ports import free_port

READERS = 100
# Each thread in this process holds a database connection of its own; PostgreSQL's
# default limit is 100 connections in all, the test's own and any others included.
THREADS_IN_PROCESS = 50
UA = "Mozilla/5.0 (parallel reader)"
ON_POSTGRES_PASS = urlsplit(os.environ.get("DATABASE_URL", "")).scheme in (
    "postgres",
    "postgresql",
)

needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES_PASS,
    reason="threads need connections of their own: the SQLite pass proves this through "
    "gunicorn instead",
)
sqlite_pass_only = pytest.mark.skipif(
    ON_POSTGRES_PASS,
    reason="gunicorn on a SQLite file, the staging box's setup: the PostgreSQL pass proves "
    "this with threads in this process instead",
)
threaded_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def in_parallel(count, action):
    """``action(n)`` for n in 0..count-1, each in a thread, all released at once; returns
    the results in order (an exception raised in a thread is its result)."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(n):
        try:
            barrier.wait(timeout=60)
            results[n] = action(n)
        except Exception as error:  # noqa: BLE001 - reported by the test's assertions
            results[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def reader_ip(n):
    return f"198.51.{n // 250}.{n % 250 + 1}"


def tenant_counts():
    return {
        "users": get_user_model().objects.count(),
        "blogs": BlogPage.objects.count(),
        "pages": Page.objects.count(),
        "sites": Site.objects.count(),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
    }


# --- Upvotes, in this process on PostgreSQL


@pytest.fixture
def upvoted_post(make_blogger, make_post):
    blog = make_blogger()
    return blog, make_post(blog, title="Vote for me", slug="vote-for-me")


def upvote_as(blog, post, ip, user_agent=UA):
    host = blog_hostname(blog.subdomain)
    client = Client(
        HTTP_HOST=host, HTTP_ORIGIN=f"http://{host}", REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent
    )
    return client.post(f"/upvote/{post.id}/").status_code


def wait_for_a_fresh_window(window, margin=10):
    """Sleep past the end of the rate limit's fixed window if less than ``margin`` seconds
    are left of it: a burst straddling two windows is rightly let through twice over."""
    left = window - time.time() % window
    if left < margin:
        time.sleep(left + 0.1)


def counted(post):
    return PostPage.objects.get(pk=post.pk).upvote_count, Upvote.objects.filter(post=post).count()


@needs_postgres
@threaded_db
def test_fifty_readers_upvoting_one_post_at_once_are_each_counted(upvoted_post):
    blog, post = upvoted_post
    statuses = in_parallel(THREADS_IN_PROCESS, lambda n: upvote_as(blog, post, reader_ip(n)))
    assert statuses == [303] * THREADS_IN_PROCESS
    assert counted(post) == (THREADS_IN_PROCESS, THREADS_IN_PROCESS)


@needs_postgres
@threaded_db
def test_fifty_upvotes_at_once_from_one_reader_count_once(upvoted_post, monkeypatch):
    # Let every one of them through the rate limit, to the insert they all race for.
    monkeypatch.setattr(upvotes, "RATE_LIMIT", THREADS_IN_PROCESS)
    blog, post = upvoted_post
    statuses = in_parallel(THREADS_IN_PROCESS, lambda n: upvote_as(blog, post, "203.0.113.7"))
    assert statuses == [303] * THREADS_IN_PROCESS
    assert counted(post) == (1, 1)


@needs_postgres
@threaded_db
def test_fifty_upvotes_at_once_from_one_address_get_exactly_the_rate_limit(upvoted_post):
    """Each comes from another browser on one address, which is still one reader: the
    per-address limit lets exactly ``RATE_LIMIT`` of them through, and they count once."""
    blog, post = upvoted_post
    wait_for_a_fresh_window(upvotes.RATE_WINDOW)
    statuses = in_parallel(
        THREADS_IN_PROCESS,
        lambda n: upvote_as(blog, post, "203.0.113.7", user_agent=f"browser {n}"),
    )
    limit = upvotes.RATE_LIMIT
    assert sorted(statuses) == [303] * limit + [429] * (THREADS_IN_PROCESS - limit)
    assert counted(post) == (1, 1)


@needs_postgres
@threaded_db
def test_a_hundred_upvotes_at_once_through_gunicorn_on_postgresql_are_counted_exactly(
    make_blogger, make_post, tmp_path
):
    blog = make_blogger("racetrack")
    many = make_post(blog, title="Many readers", slug="many-readers")
    one = make_post(blog, title="One reader", slug="one-reader")
    database = connections["default"].settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    app = App(start_app(url, tmp_path), database=None, posts={})
    try:
        statuses = in_parallel(READERS, lambda n: upvote_over_http(app, many.id, reader_ip(n)))
        assert statuses == [303] * READERS
        assert counted(many) == (READERS, READERS)
        statuses = in_parallel(READERS, lambda n: upvote_over_http(app, one.id, "203.0.113.7"))
        assert set(statuses) <= {303, 429}
        assert statuses.count(303) >= upvotes.RATE_LIMIT
        assert counted(one) == (1, 1)
    finally:
        programs.stop(app.server)


# --- Sign-ups, in this process on PostgreSQL


def sign_up(email, subdomain, ip):
    client = Client(HTTP_HOST="localhost", REMOTE_ADDR=ip)
    return client.post(
        "/accounts/signup/",
        {"email": email, "subdomain": subdomain, "password1": PASSWORD, "password2": PASSWORD},
    )


@pytest.fixture
def both_past_the_form_checks(monkeypatch):
    """Hold each of two sign-ups after its form was found valid (subdomain free) until the
    other's is too: the moment a race is lost or won."""
    barrier = threading.Barrier(2)
    save = BlogSignupForm.save

    def save_when_both_are_valid(form, request):
        barrier.wait(timeout=60)
        return save(form, request)

    monkeypatch.setattr(BlogSignupForm, "save", save_when_both_are_valid)


@needs_postgres
@threaded_db
def test_two_sign_ups_racing_for_one_subdomain_make_one_blog_and_one_form_error(
    both_past_the_form_checks,
):
    before = tenant_counts()
    responses = in_parallel(
        2, lambda n: sign_up(f"racer{n}@example.com", "contested", f"198.51.100.{n + 1}")
    )
    assert sorted(response.status_code for response in responses) == [200, 302]
    loser = next(response for response in responses if response.status_code == 200)
    assert loser.context["form"].errors["subdomain"] == [
        "“contested” was taken a moment ago. Choose another."
    ]
    winner = BlogPage.objects.get(subdomain="contested")
    assert get_user_model().objects.get().pk == winner.owner_id
    assert winner.owner.groups.get() == winner.group
    after = tenant_counts()
    assert after == {key: value + 1 for key, value in before.items()}


@needs_postgres
@threaded_db
def test_two_sign_ups_for_different_subdomains_at_once_both_get_their_blog(
    both_past_the_form_checks,
):
    before = tenant_counts()
    responses = in_parallel(
        2, lambda n: sign_up(f"twin{n}@example.com", f"twin{n}", f"198.51.100.{n + 1}")
    )
    assert [response.status_code for response in responses] == [302, 302]
    assert set(BlogPage.objects.values_list("subdomain", flat=True)) == {"twin0", "twin1"}
    assert tenant_counts() == {key: value + 2 for key, value in before.items()}


@needs_postgres
@threaded_db
def test_two_people_with_the_same_name_before_the_at_sign_can_sign_up_at_once(
    both_past_the_form_checks,
):
    """allauth makes the username from the address ("sam"): both sign-ups pick it."""
    responses = in_parallel(
        2,
        lambda n: sign_up(f"sam@example.{('com', 'org')[n]}", f"sam-{n}", f"198.51.100.{n + 1}"),
    )
    assert [response.status_code for response in responses] == [302, 302]
    assert set(BlogPage.objects.values_list("subdomain", flat=True)) == {"sam-0", "sam-1"}


# --- Upvotes and sign-ups through gunicorn on a SQLite file


SEED = """
import json
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
from django.contrib.auth import get_user_model
from blog.models import PostPage
from blog.tenants.lifecycle import create_blog

call_command("migrate", "--noinput", verbosity=0)
owner = get_user_model().objects.create_user("racer", "racer@example.com", "pw-racer-1")
blog = create_blog(owner, "racetrack")
posts = {}
for slug in ("many-readers", "one-reader", "one-address"):
    post = PostPage(
        title=slug, slug=slug, body="Vote", owner=owner,
        published_date=timezone.now() - timezone.timedelta(minutes=1),
    )
    blog.add_child(instance=post)
    post.save_revision(user=owner).publish()
    posts[slug] = post.pk
print(json.dumps(posts))
"""  # fmt: skip


class App:
    """A gunicorn server, and the SQLite file it serves (read directly by the tests)."""

    def __init__(self, server, database, posts):
        self.server, self.port = server
        self.database, self.posts = database, posts

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def query(self, sql, *params):
        with sqlite3.connect(self.database) as db:
            return db.execute(sql, params).fetchone()[0]

    def counted(self, post_id):
        return (
            self.query("SELECT upvote_count FROM blog_postpage WHERE page_ptr_id = ?", post_id),
            self.query("SELECT count(*) FROM blog_upvote WHERE post_id = ?", post_id),
        )

    def tenant_counts(self):
        tables = {
            "users": "auth_user", "blogs": "blog_blogpage", "pages": "wagtailcore_page",
            "sites": "wagtailcore_site", "groups": "auth_group",
            "collections": "wagtailcore_collection",
        }  # fmt: skip
        return {name: self.query(f"SELECT count(*) FROM {table}") for name, table in tables.items()}  # noqa: S608


APP_CONFIG = {
    "SECRET_KEY": "concurrency-tests-secret-key-" * 3,
    "SITE_PORT": "8000",  # plain HTTP: no secure cookies, no HTTPS redirect
    "TRUSTED_PROXIES": "127.0.0.1",
    "WEB_CONCURRENCY": "3",
    "GUNICORN_THREADS": "8",
}


def app_config(database_url, folder):
    """gunicorn's environment: 3 workers of 8 threads, behind which 127.0.0.1 is a
    trusted proxy (as Caddy is on the staging box), with a file cache of its own."""
    (folder / "static").mkdir(exist_ok=True)
    return {
        **APP_CONFIG,
        "DATABASE_URL": database_url,
        "CACHE_DIR": str(folder / "cache"),
        "STATIC_ROOT": str(folder / "static"),
    }


def start_app(database_url, folder):
    """(the gunicorn process, its port) serving ``database_url``."""
    port = free_port()
    config = app_config(database_url, folder)
    return gunicorn_server.start(config, port, cwd=folder, log_path=folder / "gunicorn.log"), port


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory):
    """The app on a freshly migrated SQLite file with one blog."""
    folder = tmp_path_factory.mktemp("sqlite-app")
    database = folder / "db.sqlite3"
    url = f"sqlite:///{database}"
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(app_config(url, folder), DJANGO_SETTINGS_MODULE="bearcms.settings")
    seed = subprocess.run(
        [sys.executable, "-c", SEED], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip
    assert seed.returncode == 0, seed.stderr
    posts = json.loads(seed.stdout.strip().splitlines()[-1])
    app = App(start_app(url, folder), database, posts)
    yield app
    programs.stop(app.server)


def upvote_over_http(app, post_id, ip, user_agent=UA):
    host = blog_hostname("racetrack")
    headers = {
        "Host": host, "Origin": f"http://{host}", "User-Agent": user_agent,
        "X-Forwarded-For": ip,
    }  # fmt: skip
    response = requests.post(
        app.url(f"/upvote/{post_id}/"), headers=headers, allow_redirects=False, timeout=60
    )
    return response.status_code


@sqlite_pass_only
def test_a_hundred_readers_upvoting_at_once_through_gunicorn_on_sqlite_are_each_counted(
    sqlite_app,
):
    post_id = sqlite_app.posts["many-readers"]
    statuses = in_parallel(READERS, lambda n: upvote_over_http(sqlite_app, post_id, reader_ip(n)))
    assert statuses == [303] * READERS
    assert sqlite_app.counted(post_id) == (READERS, READERS)


@sqlite_pass_only
def test_a_hundred_upvotes_at_once_from_one_reader_through_gunicorn_on_sqlite_count_once(
    sqlite_app,
):
    """One reader is one address too: the file cache's rate limit answers some with 429
    (how many is not exact: its counter is not atomic across processes), and all that
    get through race for one insert."""
    post_id = sqlite_app.posts["one-reader"]
    statuses = in_parallel(READERS, lambda n: upvote_over_http(sqlite_app, post_id, "203.0.113.7"))
    assert set(statuses) <= {303, 429}
    assert statuses.count(303) >= upvotes.RATE_LIMIT
    assert sqlite_app.counted(post_id) == (1, 1)


def sign_up_over_http(app, email, subdomain, ip, barrier):
    """A person's sign-up: the form (and its CSRF cookie), then, with the others, the POST."""
    # Connection: close, so that no idle keep-alive connection delays gunicorn's shutdown.
    headers = {"Host": "localhost", "X-Forwarded-For": ip, "Connection": "close"}
    with requests.Session() as session:
        page = session.get(app.url("/accounts/signup/"), headers=headers, timeout=60)
        token = form_fields(page.text)["csrfmiddlewaretoken"]
        barrier.wait(timeout=60)
        return session.post(
            app.url("/accounts/signup/"), headers=headers, allow_redirects=False, timeout=60,
            data={
                "csrfmiddlewaretoken": token, "email": email, "subdomain": subdomain,
                "password1": PASSWORD, "password2": PASSWORD,
            },
        )  # fmt: skip


@sqlite_pass_only
def test_two_sign_ups_racing_through_gunicorn_on_sqlite_make_one_blog_and_one_form_error(
    sqlite_app,
):
    """Whether the loser is stopped by the form's check or, having passed it, by the
    blog's creation depends on timing; either way it gets a form error, not a 500."""
    before = sqlite_app.tenant_counts()
    barrier = threading.Barrier(2)
    responses = in_parallel(
        2,
        lambda n: sign_up_over_http(
            sqlite_app, f"racer{n}@example.org", "contested", f"198.51.100.{n + 1}", barrier
        ),
    )
    assert sorted(response.status_code for response in responses) == [200, 302]
    loser = next(response for response in responses if response.status_code == 200)
    assert re.search(
        r"“contested” (was taken a moment ago|is taken)\. Choose another\.", loser.text
    )
    after = sqlite_app.tenant_counts()
    assert after == {key: value + 1 for key, value in before.items()}


@sqlite_pass_only
def test_two_sign_ups_for_different_subdomains_through_gunicorn_on_sqlite_both_succeed(
    sqlite_app,
):
    before = sqlite_app.tenant_counts()
    barrier = threading.Barrier(2)
    responses = in_parallel(
        2,
        lambda n: sign_up_over_http(
            sqlite_app, f"twin{n}@example.org", f"twin{n}", f"198.51.100.{n + 11}", barrier
        ),
    )
    assert [response.status_code for response in responses] == [302, 302]
    assert sqlite_app.tenant_counts() == {key: value + 2 for key, value in before.items()}


# --- Two editors of one post (both databases)


@pytest.fixture
def post(make_blogger, make_post):
    return make_post(make_blogger("twoeditors"), title="Original", body="Original text")


def edit_url(post):
    return reverse("wagtailadmin_pages:edit", args=[post.id])


def open_editor(client, post):
    """GET the edit view, as a browser tab does; returns the form fields it would post."""
    response = client.get(edit_url(post))
    assert response.status_code == 200
    return form_fields(response.content.decode(), form_id="page-edit-form")


def save(client, post, fields, publish=False, **extra):
    data = dict(fields)
    if publish:
        data["action-publish"] = "action-publish"
    return client.post(edit_url(post), data, **extra)


def revisions(post):
    return list(
        Revision.page_revisions.filter(object_id=str(post.pk))
        .order_by("created_at", "pk")
        .values_list("content__body", flat=True)
    )


def messages_in(response):
    return [str(message).strip() for message in response.context["messages"]]


@pytest.mark.parametrize("locker", ["staff", "owner"])
def test_when_one_editor_locks_a_post_the_others_save_is_refused_and_writes_nothing(
    post, login, staff, locker
):
    owner = login(post.owner)
    staff_member = login(staff)
    locking, other = (staff_member, owner) if locker == "staff" else (owner, staff_member)
    fields = open_editor(other, post)
    assert locking.post(reverse("wagtailadmin_pages:lock", args=[post.id])).status_code == 302
    before = revisions(post)

    fields.update(title="Not mine to change", body="Overwritten")
    response = save(other, post, fields, publish=True)

    assert response.status_code == 200
    assert "The page could not be saved as it is locked." in messages_in(response)
    assert revisions(post) == before
    live = PostPage.objects.get(pk=post.pk)
    assert (live.title, live.body) == ("Original", "Original text")


def test_a_lock_does_not_hold_back_the_same_owner_in_another_session(post, login):
    """Wagtail locks against other users: the owner's second browser is not one."""
    first, second = login(post.owner), login(post.owner)
    fields = open_editor(second, post)
    assert first.post(reverse("wagtailadmin_pages:lock", args=[post.id])).status_code == 302
    fields.update(body="From the second browser")
    assert save(second, post, fields).status_code == 302
    assert revisions(post)[-1] == "From the second browser"


def test_a_save_from_an_editor_opened_before_anothers_save_keeps_both_texts_in_history(post, login):
    """No lock: the owner edits in two browser tabs. Wagtail's autosave from the stale tab
    is refused ("Saving will overwrite a newer version"), the stale tab's editing session
    learns of the newer revision (the editor warns before saving), and an explicit save
    from it is accepted as a new revision on top: the other text stays in history."""
    tab_a, tab_b = login(post.owner), login(post.owner)
    fields_a, fields_b = open_editor(tab_a, post), open_editor(tab_b, post)
    loaded = fields_b["loaded_revision_id"]

    fields_a["body"] = "Text from tab A"
    assert save(tab_a, post, fields_a, publish=True).status_code == 302
    newer = PostPage.objects.get(pk=post.pk).latest_revision_id
    assert str(newer) != loaded

    fields_b["body"] = "Text from tab B"
    autosave = save(tab_b, post, fields_b, HTTP_ACCEPT="application/json")
    assert autosave.status_code == 400
    assert autosave.json()["error_code"] == "invalid_revision"
    assert revisions(post) == ["Original text", "Text from tab A"]

    ping = reverse("wagtailadmin_editing_sessions:ping", args=["wagtailcore", "page", post.id, 0])
    seen = tab_b.post(
        ping,
        {
            "revision_id": loaded,
            "revision_created_at": fields_b["loaded_revision_created_at"],
            "is_editing": "1",
        },
    ).json()
    assert newer in [session["revision_id"] for session in seen["other_sessions"]]

    assert save(tab_b, post, fields_b, publish=True).status_code == 302
    assert revisions(post) == ["Original text", "Text from tab A", "Text from tab B"]
    assert PostPage.objects.get(pk=post.pk).body == "Text from tab B"
    # Both publications are in the post's history, each with its revision to go back to.
    published = PageLogEntry.objects.filter(page=post, action="wagtail.publish")
    texts = dict(published.values_list("revision__content__body", "revision_id"))
    history = tab_a.get(reverse("wagtailadmin_pages:history", args=[post.id])).content.decode()
    for text in ("Text from tab A", "Text from tab B"):
        assert f"/dashboard/pages/{post.id}/revisions/{texts[text]}/view/" in history
