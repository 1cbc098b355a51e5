"""Two web processes behind one Caddy, sharing PostgreSQL and Redis, behave as one.

This is the scale path (docs/architecture.md): dynos scale out by count because no state lives in a
process or on its disk. The test builds and releases the app as the Procfile does
(``collectstatic``, ``migrate``), starts two gunicorn processes (``gunicorn.conf.py``, one
worker each) with the shared reader page cache on, and puts Caddy in front of both. A
blog signed up for through one process is served by the other at once, although the
other had just cached "no such host"; renamed through the other, the first serves the
new title at once, although the old page sat in the shared page cache.

"Nothing on a dyno's disk" is checked where a process could keep state unnoticed: its
working directory, its HOME and TMPDIR, and the file cache's folder (used if REDIS_URL
were ignored) all stay empty. (The app's code and collected static files are the
build's, read-only; uploaded media go to S3 in production and this story uploads none.)

It needs PostgreSQL (SQLite is one machine's file) and Redis: it runs in the suite's
PostgreSQL pass, in a database and a Redis database of its own, both emptied afterwards.
"""

import os
import re
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
import redis
import requests

from tests.support import caddy as caddy_server
from tests.support import gunicorn_server, programs
from tests.support.clients import PASSWORD
from tests.support.gunicorn_server import NOT_INHERITED
from tests.support.html_forms import form_fields
from tests.support.paths import ROOT
from tests.support.ports import free_port

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    urlsplit(POSTGRES_URL).scheme not in ("postgres", "postgresql"),
    reason="needs PostgreSQL: runs in the suite's PostgreSQL pass (DATABASE_URL=postgres://...)",
)

DATABASE = "bearcms_two_processes"
REDIS_URL = "redis://127.0.0.1:6379/7"  # a Redis database of this test's own
PLATFORM = "localhost"
PLATFORM_HOST = {"Host": PLATFORM}


@pytest.fixture
def shared_services():
    """A fresh PostgreSQL database and Redis database; both are emptied at the end."""
    shared_cache = redis.Redis.from_url(REDIS_URL)
    try:
        shared_cache.flushdb()
    except redis.ConnectionError:
        pytest.skip("needs Redis at 127.0.0.1:6379 (the dynos' shared cache)")
    # Connected to the server's maintenance database, not to one this test may drop.
    server = psycopg2.connect(database_url("postgres"))
    server.autocommit = True
    drop = f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"
    with server.cursor() as cursor:
        cursor.execute(drop)
        cursor.execute(f"CREATE DATABASE {DATABASE}")
        # A throwaway database need not wait for the disk on each commit (migrate commits
        # once per migration: this halves its time on a busy machine).
        cursor.execute(f"ALTER DATABASE {DATABASE} SET synchronous_commit = off")
    yield database_url(DATABASE), shared_cache
    with server.cursor() as cursor:
        cursor.execute(drop)
    server.close()
    shared_cache.flushdb()
    shared_cache.close()


def database_url(name):
    return urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))


@pytest.fixture
def dynos(shared_services, tmp_path):
    """Processes A and B (ports) behind Caddy, and the folders each must leave empty."""
    shared_database, _cache = shared_services
    ports = {"a": free_port(), "b": free_port()}
    upstreams = " ".join(f"127.0.0.1:{port}" for port in ports.values())
    caddy = caddy_server.start(
        caddy_server.PROXY_TO_APP, tmp_path / "caddy", env={"APP_UPSTREAM": upstreams}
    )
    config_vars = {
        "SECRET_KEY": "two-processes-share-this-secret-key-" * 2,
        "BLOG_DOMAIN": PLATFORM,
        "SITE_PORT": str(caddy.http_port),  # not 443: plain HTTP, secure cookies off
        "DATABASE_URL": shared_database,
        "REDIS_URL": REDIS_URL,
        "ACCOUNT_EMAIL_VERIFICATION": "none",
        "READER_PAGE_CACHE_SECONDS": "60",
        "WEB_CONCURRENCY": "1",
        "STATIC_ROOT": str(tmp_path / "staticfiles"),
    }
    processes, empty_dirs = [], []
    try:
        build(config_vars)
        for name, port in ports.items():
            dirs = {d: tmp_path / name / d for d in ("cwd", "home", "tmp", "cache")}
            for directory in dirs.values():
                directory.mkdir(parents=True)
            empty_dirs += dirs.values()
            env = dict(
                config_vars, HOME=str(dirs["home"]), TMPDIR=str(dirs["tmp"]),
                CACHE_DIR=str(dirs["cache"]),
            )  # fmt: skip
            log = tmp_path / f"gunicorn-{name}.log"
            processes.append(gunicorn_server.start(env, port, cwd=dirs["cwd"], log_path=log))
        yield ports, caddy.http_port, empty_dirs
    finally:
        for process in processes:
            programs.stop(process)
        caddy_server.stop(caddy)


def build(config_vars):
    """The slug's build (collectstatic) and the release phase (migrate), side by side."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(config_vars)
    commands = [["collectstatic", "--noinput"], ["migrate", "--noinput"]]
    running = [
        subprocess.Popen(
            [sys.executable, "manage.py", *command, "-v0"], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        for command in commands
    ]  # fmt: skip
    for process in running:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output


def test_two_processes_serve_a_new_and_a_renamed_blog_alike_keeping_nothing_on_disk(
    dynos, shared_services
):
    ports, caddy_port, empty_dirs = dynos
    shared_database, shared_cache = shared_services
    a, b = ports["a"], ports["b"]
    blog_host = f"twin.{PLATFORM}"

    # B is asked first, and remembers (in the shared cache) that no such blog exists.
    assert read(b, blog_host).status_code == 404

    signup = requests.Session()
    page = signup.get(url(a, "/accounts/signup/"), headers=PLATFORM_HOST, timeout=10)
    response = signup.post(
        url(a, "/accounts/signup/"), headers=PLATFORM_HOST, allow_redirects=False, timeout=10,
        data={
            "csrfmiddlewaretoken": form_fields(page.text)["csrfmiddlewaretoken"],
            "email": "twin@example.com", "subdomain": "twin",
            "password1": PASSWORD, "password2": PASSWORD,
        },
    )  # fmt: skip
    assert (response.status_code, response.headers["Location"]) == (302, "/dashboard/")

    # Both processes serve the new blog at once, and its home is now in the shared cache.
    assert title(read(b, blog_host)) == "twin"
    assert title(read(a, blog_host)) == "twin"
    assert list(shared_cache.scan_iter(match="*bearcms:page:*"))

    # Sessions live in the database: the one begun on A is good on B, and so is a login.
    on_b = signup.get(
        url(b, "/dashboard/"), headers=PLATFORM_HOST, allow_redirects=False, timeout=10
    )
    assert on_b.status_code == 200
    dashboard = requests.Session()
    login_page = dashboard.get(url(b, "/accounts/login/"), headers=PLATFORM_HOST, timeout=10)
    response = dashboard.post(
        url(b, "/accounts/login/"), headers=PLATFORM_HOST, allow_redirects=False, timeout=10,
        data={
            "csrfmiddlewaretoken": form_fields(login_page.text)["csrfmiddlewaretoken"],
            "login": "twin@example.com", "password": PASSWORD,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.text
    edit_url = url(b, f"/dashboard/pages/{blog_page_id(shared_database, blog_host)}/edit/")
    edit_page = dashboard.get(edit_url, headers=PLATFORM_HOST, timeout=10)
    assert edit_page.status_code == 200
    fields = form_fields(edit_page.text, form_id="page-edit-form")
    fields.update({"title": "Twin, renamed", "action-publish": "action-publish"})
    response = dashboard.post(
        edit_url, data=fields, headers=PLATFORM_HOST, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text

    # A serves the new title at once, not the page it had cached; so does Caddy, whichever
    # process it picks.
    assert title(read(a, blog_host)) == "Twin, renamed"
    assert {title(read(caddy_port, blog_host)) for _ in range(6)} == {"Twin, renamed"}

    # Neither process kept anything where it stands or in its own folders.
    assert [path for directory in empty_dirs for path in directory.rglob("*")] == []


def url(port, path):
    return f"http://127.0.0.1:{port}{path}"


def read(port, host):
    """A reader's GET of a blog's home: no cookies, the blog's Host header."""
    return requests.get(url(port, "/"), headers={"Host": host}, timeout=10)


def title(response):
    assert response.status_code == 200, response.status_code
    return re.search(r"<title>(.*?)</title>", response.text).group(1)


def blog_page_id(shared_database, host):
    with psycopg2.connect(shared_database) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT root_page_id FROM wagtailcore_site WHERE hostname = %s", [host])
        (page_id,) = cursor.fetchone()
    connection.close()
    return page_id
