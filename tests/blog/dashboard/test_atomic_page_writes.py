"""Every POST to the dashboard's page views is one transaction (blog.dashboard.atomic_page_writes).

A publish cut short leaves nothing behind. What caches the old pages (the app's page
cache, the CDN) is forgotten again once the publish commits: readers see the old rows
until then, and a reader in between would cache the old page anew.
"""

import pytest
from django.core.cache import cache
from django.db import OperationalError
from wagtail import hooks

from blog.caching.page_cache import VERSION_KEY
from blog.models import PostPage
from tests.support.cloudflare import purged_urls
from tests.support.dashboard_forms import add_post, add_url, post_form
from tests.support.outages import assert_outage_page


@pytest.fixture
def blog(make_blogger):
    return make_blogger("careful", title="Careful blog")


def test_a_publish_cut_short_leaves_no_half_written_post(blog, login):
    """The database fails after the post is in the tree and has a revision, just before
    it goes live (Wagtail's ``before_publish_page`` hook runs there): nothing remains."""

    def database_gone(request, page):
        raise OperationalError("server closed the connection unexpectedly")

    admin = login(blog.owner)
    admin.raise_request_exception = False
    data = post_form(title="Cut short", slug="cut-short", **{"action-publish": "action-publish"})
    with hooks.register_temporarily("before_publish_page", database_gone):
        response = admin.post(add_url(blog), data)
    assert_outage_page(response)
    assert not PostPage.objects.filter(slug="cut-short").exists()

    response = admin.post(add_url(blog), data)  # the blogger's retry starts clean
    assert response.status_code == 302
    post = PostPage.objects.get(slug="cut-short")
    assert post.live and post.live_revision_id == post.latest_revision_id is not None


def blog_version(blog_id):
    return cache.get(VERSION_KEY.format(blog_id), 0)


def test_a_publish_forgets_the_blogs_cached_pages_at_once_and_again_on_commit(
    blog, login, django_capture_on_commit_callbacks
):
    admin = login(blog.owner)
    before = blog_version(blog.id)
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        add_post(admin, blog, title="Fresh", slug="fresh")
    at_once = blog_version(blog.id)
    for callback in on_commit:
        callback()
    assert before < at_once < blog_version(blog.id)


def test_a_publish_purges_the_cdn_again_once_committed(
    blog,
    login,
    django_capture_on_commit_callbacks,
    cloudflare,  # noqa: F811
):
    admin = login(blog.owner)
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        add_post(admin, blog, title="Fresh", slug="fresh")
    cloudflare.requests.clear()
    for callback in on_commit:
        callback()
    base = "http://careful.localhost:8000/"
    assert {base + "fresh/", base, base + "blog/", base + "feed/"} <= purged_urls(cloudflare)
