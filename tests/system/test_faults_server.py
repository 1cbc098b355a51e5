"""Faults under gunicorn: PostgreSQL restarted or crashed mid-load, a worker killed.

The app runs as a web dyno does (``tests/support/gunicorn_server.py``: ``gunicorn.conf.py``,
three workers, persistent connections with health checks) on a throwaway PostgreSQL
cluster of this module's own (``tests/support/postgres_cluster.py``), never the machine's shared
server: the tests stop it, crash it and start it again. Readers' load comes from a few
threads with ``http.client``, each request on a new connection, as a router sends them.

What must hold:

* while the database is down every request gets the neutral 503 page with
  ``Retry-After``, on the platform host and on blog hosts, never a traceback, a 500 or a
  dropped connection; once it is back, every worker serves again at once;
* a publish cut short (the database crashing, or its worker killed, while the post is
  half saved) leaves nothing behind: the post is fully there or not there at all;
* a killed worker loses only its own request; the others serve on, the master starts a
  new one, and every post published before is still there.

A slow publish is made deterministic, not raced: a trigger in the cluster makes the
revision insert of a post with a given title sleep, so the test knows the publish is in
flight (the post already added to the tree) when it strikes.

It needs no Django test database (the app has its own), and starts its own PostgreSQL
whatever the suite's pass, so it runs once: in the SQLite pass.
"""

import http.client
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import closing
from urllib.parse import urlencode

import psutil
import psycopg2
import pytest
from django.db import connection

from tests.support import gunicorn_server, postgres_cluster, programs
from tests.support.dashboard_forms import post_form
from tests.support.gunicorn_server import NOT_INHERITED
from tests.support.paths import ROOT
from tests.support.ports import free_port

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "postgresql",
        reason="runs in the SQLite pass; it starts its own PostgreSQL",
    ),
    pytest.mark.skipif(
        not postgres_cluster.available(),
        reason="needs PostgreSQL 15's initdb and pg_ctl in /usr/lib/postgresql/15/bin",
    ),
]

PLATFORM = "localhost"
BLOG = "steady.localhost"
WORKERS = 3
CSRF = "f" * 32  # a CSRF secret of our own choosing, sent as cookie and form field alike
OUTAGE_TEXT = "Back in a moment"
SLOW_TITLE = "In flight"  # posts titled so take the trigger's nap while being saved
SEED = """
import json
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from blog.models import PostPage
from blog.tenants.lifecycle import create_blog
user = get_user_model().objects.create_user("steady", "steady@example.com", "pw-steady-1")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
blog = create_blog(user, "steady", title="Steady blog")
for n in range(1, 4):
    published = timezone.now() - timezone.timedelta(hours=n)
    post = PostPage(title=f"Post {n}", slug=f"post-{n}", body="Words", owner=user,
                    published_date=published, live=False)
    blog.add_child(instance=post)
    post.save_revision(user=user).publish()
client = Client()
client.force_login(user)
session = client.cookies[settings.SESSION_COOKIE_NAME].value
print(json.dumps({"blog_id": blog.id, "session": session}))
"""
SLOW_REVISIONS = f"""
CREATE OR REPLACE FUNCTION nap_before_revision() RETURNS trigger AS $$
BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$ LANGUAGE plpgsql;
CREATE TRIGGER nap_before_revision BEFORE INSERT ON wagtailcore_revision FOR EACH ROW
WHEN (NEW.object_str LIKE '{SLOW_TITLE}%') EXECUTE FUNCTION nap_before_revision();
"""


# --- The server: cluster, release phase, gunicorn


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    cluster = postgres_cluster.Cluster(free_port())
    process = None
    try:
        cluster.start()
        cluster.create_database()
        port = free_port()
        env = {
            "SECRET_KEY": "faults-test-secret-key-" * 3,
            "BLOG_DOMAIN": PLATFORM,
            "SITE_PORT": str(port),  # not 443: plain HTTP, secure cookies off
            "DATABASE_URL": cluster.url,
            "WEB_CONCURRENCY": str(WORKERS),
            "CACHE_DIR": str(tmp / "cache"),
            # Every reader request reaches the database: an outage must show, not hide
            # behind whole pages kept in the cache.
            "READER_PAGE_CACHE_SECONDS": "0",
            # The slow publishes below nap in the database; gunicorn must not end them.
            "GUNICORN_TIMEOUT": "120",
        }
        manage(env, "migrate", "--noinput", "-v0")
        seeded = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
        process = gunicorn_server.start(env, port, cwd=tmp, log_path=tmp / "gunicorn.log")
        yield Server(cluster, process, port, **seeded)
    finally:
        if process is not None:
            programs.stop(process)
        cluster.remove()


def manage(env, *command):
    full_env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    full_env.update(env)
    result = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=full_env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class Server:
    """The running app: its cluster, gunicorn's master, and the seeded blogger's session."""

    def __init__(self, cluster, process, port, blog_id, session):
        self.cluster, self.process, self.port = cluster, process, port
        self.blog_id, self.session = blog_id, session

    def get(self, host, path, timeout=30):
        return self.request("GET", host, path, timeout=timeout)

    def publish(self, title, slug, timeout=90):
        """Create and publish a post through the dashboard, as the blogger's browser does."""
        data = post_form(title=title, slug=slug, body="Published under fire")
        data.update({"action-publish": "action-publish", "csrfmiddlewaretoken": CSRF})
        return self.request(
            "POST", PLATFORM, f"/dashboard/pages/add/blog/postpage/{self.blog_id}/",
            body=urlencode(data), timeout=timeout,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={self.session}; csrftoken={CSRF}",
            },
        )  # fmt: skip

    def request(self, method, host, path, body=None, headers=(), timeout=30):
        """(status, headers, text) of one request on a new connection."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            client.request(method, path, body=body, headers={"Host": host, **dict(headers)})
            response = client.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            client.close()

    def workers(self):
        return psutil.Process(self.process.pid).children()

    def query(self, sql, *params):
        """Run ``sql`` on the app's database, committed; its rows, if it returns any."""
        with closing(psycopg2.connect(self.cluster.url)) as db, db, db.cursor() as cursor:
            cursor.execute(sql, params or None)  # no params: "%" is no placeholder
            return cursor.fetchall() if cursor.description else None


# --- Readers' load


class Load:
    """Threads reading the platform and the blog until stopped; every outcome recorded."""

    TARGETS = [(PLATFORM, "/"), (BLOG, "/"), (BLOG, "/post-1/"), (BLOG, "/feed/")]

    def __init__(self, server, threads=4):
        self.server, self.outcomes = server, []  # (started, finished, target, status)
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.read, args=(n,)) for n in range(threads)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def read(self, n):
        for i in itertools.count(n):
            if self.stopping.is_set():
                return
            target = self.TARGETS[i % len(self.TARGETS)]
            started = time.monotonic()
            try:
                status = self.server.get(*target)[0]
            except OSError as error:  # refused, reset, timed out: the router would 502
                status = type(error).__name__
            self.outcomes.append((started, time.monotonic(), target, status))

    def since(self, moment):
        return [outcome for outcome in self.outcomes if outcome[0] >= moment]

    def wait_for(self, condition, timeout=60):
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"gave up waiting; outcomes: {self.summary()}"
            time.sleep(0.05)

    def summary(self):
        counts = {}
        for _started, _finished, _target, status in self.outcomes:
            counts[status] = counts.get(status, 0) + 1
        return counts


def wait_until(condition, timeout=60, what="the condition"):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)
    return result


def assert_outage_page(status, headers, html):
    assert status == 503
    assert headers["Retry-After"] == "10"
    assert headers["Content-Type"].startswith("text/html")
    assert OUTAGE_TEXT in html
    assert "Traceback" not in html and "Something went wrong" not in html


def every_worker_connected(server):
    """Whether each worker holds a live connection to the cluster (it served since the
    restart: a connection of the previous server lingers as CLOSE_WAIT)."""
    workers = server.workers()
    return len(workers) == WORKERS and all(
        any(
            c.raddr and c.raddr.port == server.cluster.port and c.status == "ESTABLISHED"
            for c in worker.net_connections(kind="tcp")
        )
        for worker in workers
    )


# --- PostgreSQL restarted under load


def test_a_postgres_restart_mid_load_answers_503_then_every_worker_recovers(server):
    with Load(server) as load:
        load.wait_for(lambda: load.summary().get(200, 0) >= 20)
        assert set(load.summary()) == {200}, load.summary()

        server.cluster.stop("fast")
        went_down = time.monotonic()
        load.wait_for(lambda: len(load.since(went_down)) >= 20)
        for host, path in [(PLATFORM, "/"), (BLOG, "/"), (BLOG, "/post-2/")]:
            assert_outage_page(*server.get(host, path))
        assert server.get(PLATFORM, "/healthz")[0] == 503

        # PostgreSQL is certainly down until start() is called; it may accept connections a
        # moment before start() returns (pg_ctl polls), so "during" ends at the call.
        restarting = time.monotonic()
        server.cluster.start()  # returns once it accepts connections
        came_back = time.monotonic()
        load.wait_for(lambda: every_worker_connected(server))
        settled = time.monotonic()
        load.wait_for(lambda: len(load.since(settled)) >= 40)

    during = [o for o in load.outcomes if went_down <= o[0] and o[1] <= restarting]
    after = load.since(came_back)
    assert during and {o[3] for o in during} == {503}, load.summary()
    # No worker is stuck on a dead connection: from the moment PostgreSQL accepts
    # connections again, every request is served.
    assert after and {o[3] for o in after} == {200}, load.summary()
    assert set(load.summary()) == {200, 503}  # never a 500, never a dropped connection
    recovery = min(o[1] for o in after) - came_back
    print(f"\nfirst 200 {recovery:.2f} s after PostgreSQL was back; {load.summary()}")
    assert server.get(PLATFORM, "/healthz")[0] == 200


# --- A publish in flight when PostgreSQL crashes


def test_a_publish_in_flight_when_postgres_crashes_is_not_there_at_all(server):
    server.query(SLOW_REVISIONS)
    try:
        publishing = Background(server.publish, f"{SLOW_TITLE} at the crash", "crash")
        napping = wait_until(lambda: napping_backends(server), what="the publish to be saving")
        assert len(napping) == 1
        server.cluster.stop("immediate")  # as if PostgreSQL crashed
        server.cluster.start()
        assert_outage_page(*publishing.result())
    finally:
        server.query("DROP TRIGGER IF EXISTS nap_before_revision ON wagtailcore_revision")

    assert posts_titled(server, f"{SLOW_TITLE}%") == []
    assert (
        server.query(
            "SELECT id FROM wagtailcore_revision WHERE object_str LIKE %s", f"{SLOW_TITLE}%"
        )
        == []
    )

    # The blogger publishes again: all of it lands, and readers see it.
    status, headers, _html = server.publish(f"{SLOW_TITLE} at the crash", "crash")
    assert (status, headers["Location"]) == (302, "/dashboard/posts/")
    assert posts_titled(server, f"{SLOW_TITLE}%") == [(True, True)]
    assert server.get(BLOG, "/crash/")[0] == 200


# --- A worker killed


def test_a_killed_worker_loses_only_its_own_request_and_is_replaced(server):
    for n in range(1, 4):
        assert server.publish(f"Before the kill {n}", f"before-kill-{n}")[0] == 302

    server.query(SLOW_REVISIONS)
    try:
        publishing = Background(server.publish, f"{SLOW_TITLE} at the kill", "killed")
        (client_port,) = wait_until(lambda: napping_backends(server), what="the slow publish")
        (victim,) = [
            worker
            for worker in server.workers()
            if any(c.laddr.port == client_port for c in worker.net_connections(kind="tcp"))
        ]
        with Load(server) as load:
            load.wait_for(lambda: load.summary().get(200, 0) >= 10)
            victim.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            # Its request is lost with it: the client sees the connection close, no answer.
            with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
                publishing.result()
            load.wait_for(
                lambda: len(server.workers()) == WORKERS and victim not in server.workers()
            )
            replaced = time.monotonic()
            # The new worker serves too (it holds a connection of its own to the database).
            load.wait_for(lambda: every_worker_connected(server))
            load.wait_for(lambda: len(load.since(replaced)) >= 20)
        # PostgreSQL sees the client gone and rolls the half-saved post back.
        wait_until(lambda: not napping_backends(server), what="the orphaned backend to end")
    finally:
        server.query("DROP TRIGGER IF EXISTS nap_before_revision ON wagtailcore_revision")

    assert set(load.summary()) == {200}, load.summary()  # the other workers served on
    assert load.since(killed)
    assert posts_titled(server, f"{SLOW_TITLE} at the kill") == []
    assert posts_titled(server, "Before the kill%") == [(True, True)] * 3
    for n in range(1, 4):
        assert server.get(BLOG, f"/before-kill-{n}/")[0] == 200


class Background:
    """Call ``function`` in a thread; ``result()`` returns its value or raises its error."""

    def __init__(self, function, *args):
        self.outcome = {}
        self.thread = threading.Thread(target=self.run, args=(function, *args))
        self.thread.start()

    def run(self, function, *args):
        try:
            self.outcome["value"] = function(*args)
        except Exception as error:  # noqa: BLE001 - handed to result()
            self.outcome["error"] = error

    def result(self, timeout=90):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the request is still running"
        if "error" in self.outcome:
            raise self.outcome["error"]
        return self.outcome["value"]


def napping_backends(server):
    """The app's client ports of backends held in the trigger's nap."""
    rows = server.query(
        "SELECT client_port FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
    )  # fmt: skip
    return [port for (port,) in rows]


def posts_titled(server, pattern):
    """(live, published revision is the latest) of each page whose title is like ``pattern``."""
    return server.query(
        "SELECT live, live_revision_id IS NOT NULL AND live_revision_id = latest_revision_id"
        " FROM wagtailcore_page WHERE title LIKE %s ORDER BY id",
        pattern,
    )
