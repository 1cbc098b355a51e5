"""bench/locustfile.py's people do what bench/load.py claims, against the real app.

The benchmark itself takes minutes (PostgreSQL, 1,000 blogs, gunicorn) and is not a test.
Here locust runs the same locustfile for a few seconds against the app in a live server,
with a handful of people, and the test checks what they did: readers read, the blogger
logged in and published posts readers can see, each upvote was one new Upvote row, and
every request got the status the locustfile expected of it (the basis of the benchmark's
error counts). Nothing here depends on how fast anything was.
"""

import json
import subprocess
import sys

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

from blog.core.names import blog_hostname
from blog.models import PostPage, Upvote
from tests.support.clients import PASSWORD, host_client
from tests.support.paths import ROOT

SECONDS = 6

# serialized_rollback: the tree, Sites and permissions the migrations made, whatever ran before.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class OneRequestAtATime(LiveServerThread):
    """The app on a live server that serves one request at a time, as a gunicorn sync
    worker does. (Django's threaded live server would serve several at once, and the
    in-memory SQLite test database, shared between threads, then reports tables as
    locked: an artefact of the test database, not of the app.)"""

    def _create_server(self, connections_override=None):
        return WSGIServer(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False
        )


@pytest.fixture
def app_url(transactional_db):
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    server = OneRequestAtATime("127.0.0.1", StaticFilesHandler, shared)
    server.daemon = True
    for connection in shared.values():
        connection.inc_thread_sharing()
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://127.0.0.1:{server.port}"
    server.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()


@pytest.fixture
def targets(make_blogger, make_post, proxies, tmp_path):
    """Three blogs with two posts each; the first one's owner is the blogger."""
    proxies("127.0.0.1")  # the live server trusts the people's X-Forwarded-For
    blogs = [make_blogger() for _ in range(3)]
    for blog in blogs:
        for n in (1, 2):
            make_post(blog, title=f"Post {n}", slug=f"post-{n}")
    path = tmp_path / "targets.json"
    path.write_text(json.dumps(targets_for(blogs)))
    return path


def targets_for(blogs):
    """What bench/load.py writes: the blogs, their posts and the bloggers' accounts."""
    entries = [
        {
            "host": blog_hostname(blog.subdomain),
            "page_id": blog.id,
            "posts": [post.slug for post in PostPage.objects.child_of(blog)],
            "upvotable": [post.id for post in PostPage.objects.child_of(blog)],
        }
        for blog in blogs
    ]
    blogger = {"email": blogs[0].owner.email, "password": PASSWORD, **entries[0]}
    return {"scheme": "http", "platform": "localhost", "blogs": entries, "bloggers": [blogger]}


def run_locust(url, targets, results):
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--host", url, "-u", "4", "-r", "4", "-t", f"{SECONDS}s",
        "--stop-timeout", "5", "--only-summary", "--loglevel", "WARNING",
        "--targets", str(targets), "--results", str(results),
        "--readers", "2", "--bloggers", "1", "--upvoters", "1",
    ]  # fmt: skip
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert results.exists(), finished.stdout + finished.stderr
    return json.loads(results.read_text())


def test_readers_a_blogger_and_an_upvoter_get_what_they_expect_and_their_writes_land(
    app_url, targets, tmp_path
):
    run = run_locust(app_url, targets, tmp_path / "results.json")
    requests = run["requests"]

    outcomes = {name: figures["statuses"] for name, figures in requests.items()}
    assert all(set(statuses) == {"ok"} for statuses in outcomes.values()), outcomes
    assert {"blogger: login form", "blogger: log in", "blogger: add form"} <= set(requests)
    assert {"reader: post", "upvote", "blogger: publish"} <= set(requests)
    assert all(
        len(figures["ms"]) == sum(figures["statuses"].values()) for figures in requests.values()
    )

    blogger = json.loads(targets.read_text())["bloggers"][0]
    assert len(run["published"]) == requests["blogger: publish"]["statuses"]["ok"] >= 1
    for post in run["published"]:
        page = PostPage.objects.get(slug=post["slug"])
        assert (page.blog_id, page.live, post["host"]) == (
            blogger["page_id"],
            True,
            blogger["host"],
        )
        assert post["title"] in host_client(post["host"]).get(f"/{post['slug']}/").content.decode()

    upvotes = Upvote.objects.all()
    assert upvotes.count() == run["upvotes"] == requests["upvote"]["statuses"]["ok"]
    assert len({upvote.visitor_hash for upvote in upvotes}) == upvotes.count()
    assert sum(PostPage.objects.values_list("upvote_count", flat=True)) == upvotes.count()
