"""Rendered reader pages come from the app's cache until their blog changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.clients import host_client


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.READER_PAGE_CACHE_SECONDS = 60


def queries_for(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, len(queries)


def test_a_second_read_of_a_page_costs_no_query(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="p", title="Cached title")
    client = host_client(blog)
    first, first_queries = queries_for(client, "/p/")
    second, second_queries = queries_for(client, "/p/")
    assert first_queries > 0 and second_queries == 0
    assert second.content == first.content and "Cached title" in second.content.decode()
    assert "public" in second["Cache-Control"] and second.has_header("ETag")


def test_publishing_a_post_shows_at_once_on_the_cached_home(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, title="First post")
    client = host_client(blog)
    assert "First post" in client.get("/").content.decode()
    make_post(blog, title="Second post")
    assert "Second post" in client.get("/").content.decode()


def test_editing_the_blog_shows_on_every_cached_page(make_blogger, make_post):
    blog = make_blogger(title="Old name")
    make_post(blog, slug="p")
    client = host_client(blog)
    assert "Old name" in client.get("/p/").content.decode()
    blog.title = "New name"
    blog.save_revision().publish()
    assert "New name" in client.get("/p/").content.decode()


def test_unpublishing_and_deleting_a_post_take_it_away_at_once(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog, slug="p", title="Short-lived")
    other = make_post(blog, slug="q", title="Also short-lived")
    client = host_client(blog)
    assert client.get("/p/").status_code == 200 and client.get("/q/").status_code == 200
    post.unpublish()
    assert client.get("/p/").status_code == 404
    other.delete()
    assert client.get("/q/").status_code == 404


def test_one_blogs_change_leaves_another_blogs_cache_alone(make_blogger, make_post):
    alice, bob = make_blogger(), make_blogger()
    make_post(bob, slug="b")
    client = host_client(bob)
    client.get("/b/")
    make_post(alice, title="Alice writes")
    assert queries_for(client, "/b/")[1] == 0


def test_not_found_pages_and_other_hosts_are_not_cached(make_blogger):
    blog = make_blogger()
    client = host_client(blog)
    assert client.get("/missing/").status_code == 404
    assert queries_for(client, "/missing/")[1] > 0
    assert queries_for(host_client("localhost"), "/")[1] > 0


def test_an_upvote_shows_at_once_on_the_cached_post(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="liked")
    client = host_client(blog, HTTP_ORIGIN=f"http://{blog.subdomain}.localhost")
    assert 'upvote-count">0<' in client.get("/liked/").content.decode()
    post_id = blog.get_children().get().id
    assert client.post(f"/upvote/{post_id}/").status_code == 303
    assert 'upvote-count">1<' in client.get("/liked/").content.decode()


def test_an_upvote_forgets_the_upvoted_post_alone(make_blogger, make_post):
    blog = make_blogger()
    liked = make_post(blog, slug="liked")
    make_post(blog, slug="other")
    client = host_client(blog, HTTP_ORIGIN=f"http://{blog.subdomain}.localhost")
    others = ["/", "/blog/", "/feed/", "/feed/?type=rss", "/other/", "/sitemap.xml"]
    upvoted = ["/liked/", "/liked/?ref=newsletter"]
    for path in others + upvoted:
        assert client.get(path).status_code == 200
    assert client.post(f"/upvote/{liked.id}/").status_code == 303
    for path in others:
        assert queries_for(client, path)[1] == 0, f"{path} was forgotten"
    for path in upvoted:
        response, queries = queries_for(client, path)
        assert queries > 0 and 'upvote-count">1<' in response.content.decode()


def test_publishing_a_post_shows_at_once_wherever_the_blog_lists_posts(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="index", title="Index", body="{{ posts }}", is_page=True)
    make_post(blog, slug="first", title="First post")
    client = host_client(blog)
    listing = ["/", "/blog/", "/feed/", "/feed/?type=rss", "/index/"]
    for path in listing:
        assert "Second post" not in client.get(path).content.decode()
    make_post(blog, title="Second post")
    for path in listing:
        assert "Second post" in client.get(path).content.decode(), path
