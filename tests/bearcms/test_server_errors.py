"""A database outage answers 503 "back in a moment", on every host, in every layer.

The outage is real, not mocked: the request runs in a thread of its own whose database
connection points at a database that cannot be opened (SQLite: a file in a folder that
does not exist; PostgreSQL: a closed port), so the driver itself raises, wherever the
app first touches the database: the host lookup, the session, a view. The rest of the
test keeps its working connection. ``tests/system/test_faults_server.py`` restarts a real
PostgreSQL under gunicorn.
"""

import threading

import pytest
from django.db import OperationalError, connection, connections
from django.db.utils import load_backend
from django.test import Client, RequestFactory
from django.urls import get_resolver

from tests.support.clients import host_client
from tests.support.outages import assert_outage_page
from tests.support.ports import free_port


def unreachable_settings(tmp_path):
    """The test database's connection settings, pointed where no database answers."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
    return settings_dict


def during_outage(tmp_path, client, path):
    """GET ``path`` with ``client`` from a thread whose database is unreachable."""
    settings_dict = unreachable_settings(tmp_path)
    answer = {}

    def request():
        # This thread's connection only (a connection belongs to the thread that made it).
        broken = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
        connections["default"] = broken
        try:
            answer["response"] = client.get(path)
        finally:
            broken.close()

    thread = threading.Thread(target=request)
    thread.start()
    thread.join()
    return answer["response"]


@pytest.fixture
def blog(make_blogger, make_post):
    blog = make_blogger("steady", title="Steady blog")
    make_post(blog, title="Still here", slug="still-here")
    return blog


def test_a_blog_host_answers_503_when_the_database_is_unreachable(tmp_path, blog):
    client = host_client(blog, raise_request_exception=False)
    assert_outage_page(during_outage(tmp_path, client, "/still-here/"))


def test_a_known_blog_host_answers_503_when_loading_its_blog_fails(tmp_path, blog):
    client = host_client(blog, raise_request_exception=False)
    assert client.get("/still-here/").status_code == 200  # the host is now in the cache
    assert_outage_page(during_outage(tmp_path, client, "/still-here/"))


def test_the_platform_landing_page_answers_503_when_the_database_is_unreachable(tmp_path, db):
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    assert_outage_page(during_outage(tmp_path, client, "/"))


def test_a_logged_in_blogger_whose_session_cannot_be_read_gets_503(tmp_path, blog, login):
    client = login(blog.owner)
    client.raise_request_exception = False
    assert client.get("/dashboard/").status_code == 200
    assert_outage_page(during_outage(tmp_path, client, "/dashboard/"))


def test_healthz_answers_503_while_the_database_is_unreachable_and_200_after(tmp_path, db):
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    # Before the platform host is in the cache, its lookup is what fails.
    assert during_outage(tmp_path, client, "/healthz").status_code == 503
    assert client.get("/healthz").status_code == 200
    response = during_outage(tmp_path, client, "/healthz")
    assert (response.status_code, response.content) == (503, b"database unavailable\n")


def test_the_blog_urlconf_turns_a_database_error_in_a_view_into_503_too(blog):
    handler = get_resolver("bearcms.urls_blog").resolve_error_handler(500)
    request = RequestFactory().get("/still-here/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:  # Django calls handler500 inside its except block
        response = handler(request)
    assert_outage_page(response)


@pytest.mark.parametrize("urlconf", ["bearcms.urls", "bearcms.urls_blog"])
def test_other_exceptions_keep_the_plain_500_page(urlconf):
    handler = get_resolver(urlconf).resolve_error_handler(500)
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = handler(RequestFactory().get("/"))
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
    assert "Something went wrong" in response.content.decode()
