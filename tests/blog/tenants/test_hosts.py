"""Host routing: platform, blogs, unknown hosts, ports, and the cost per request."""

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from blog.core.names import blog_hostname
from blog.models import PostPage
from blog.models.pages import no_restrictions
from blog.moderation.flags import set_blog_flags
from blog.tenants.hosts import resolve_site_for_host
from blog.tenants.lifecycle import create_blog
from blog.tenants.site_cache import blog_key, host_key
from tests.support.clients import host_client
from tests.support.images import make_image


def test_platform_host_serves_the_landing_page(platform_client):
    response = platform_client.get("/")
    assert response.status_code == 200
    assert "Start your blog" in response.content.decode()


@pytest.mark.parametrize("host", ["nope.localhost", "example.com", "127.0.0.1", "a.b.localhost"])
def test_unknown_hosts_get_404_not_the_landing_page(db, host):
    response = host_client(host).get("/")
    assert response.status_code == 404
    assert "Start your blog" not in response.content.decode()


def test_ports_and_case_are_ignored_when_matching_hosts(make_blogger):
    make_blogger("ported", title="Ported blog")
    for host in ("ported.localhost:8000", "PORTED.localhost:1234", "ported.localhost."):
        response = host_client(host).get("/")
        assert response.status_code == 200, host
        assert "Ported blog" in response.content.decode()
    assert host_client("localhost:8000").get("/").status_code == 200


def test_blog_hosts_have_no_dashboard_or_accounts(make_blogger):
    blog = make_blogger()
    client = host_client(blog)
    for path in ("/dashboard/", "/accounts/login/", "/_util/login/", "/dashboard/login/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert not response.cookies, path


def test_renaming_a_site_invalidates_the_host_cache(make_blogger):
    blog = make_blogger("before")
    assert resolve_site_for_host("before.localhost") is not None  # cached now
    site = Site.objects.get(root_page=blog)
    site.hostname = "after.localhost"
    site.save()
    assert resolve_site_for_host("before.localhost") is None
    assert resolve_site_for_host("after.localhost").root_page_id == blog.id


def test_a_probe_of_a_host_does_not_hide_a_blog_created_later(db, django_user_model):
    assert host_client("late.localhost").get("/").status_code == 404  # cached as missing
    user = django_user_model.objects.create_user("late", "late@example.com", "pw-12345678")
    create_blog(user, "late", title="Late blog")
    assert "Late blog" in host_client("late.localhost").get("/").content.decode()


def test_a_blog_roots_slug_is_not_part_of_its_post_urls(make_blogger, make_post):
    blog = make_blogger("slugged")
    post = make_post(blog, slug="p")
    assert post.full_url == "http://slugged.localhost:8000/p/"
    blog.slug = "renamed-root"
    blog.save()
    post = PostPage.objects.get(id=post.id)  # a new request sees a new instance
    assert post.url_path == "/renamed-root/p/"
    assert post.full_url == "http://slugged.localhost:8000/p/"


def test_admin_links_to_posts_are_absolute_on_their_blog_host(make_blogger, make_post, rf):
    blog = make_blogger("abs")
    post = make_post(blog, slug="p")
    request = rf.get("/dashboard/", HTTP_HOST="localhost")
    request._wagtail_site = Site.objects.get(is_default_site=True)
    assert post.get_url(request) == "http://abs.localhost:8000/p/"


def test_a_post_page_takes_at_most_five_queries(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="p", tags=["a", "b"])
    client = host_client(blog)
    assert client.get("/p/").status_code == 200  # warm the host cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/p/").status_code == 200
    assert len(queries) <= 5, [q["sql"] for q in queries]


def test_a_post_page_reads_the_shared_cache_in_one_round_trip(
    make_blogger, make_post, monkeypatch, settings
):
    """Once a process has served a host, its entry and the blog's row come in one read,
    before the one query for the post; the blog's row is still kept under its own key."""
    settings.READER_PAGE_CACHE_SECONDS = 0
    blog = make_blogger()
    make_post(blog, slug="p")
    client = host_client(blog)
    assert client.get("/p/").status_code == 200  # warm the host cache
    reads, inside = [], []  # the test's cache reads a get_many key by key: not counted
    for method in ("get", "get_many"):
        read = getattr(caches["default"], method)

        def counted(*args, method=method, read=read, **kwargs):
            if not inside:
                reads.append((method, *args))
            inside.append(method)
            try:
                return read(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(caches["default"], method, counted)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/p/")
    assert response.status_code == 200 and blog.title in response.text
    host = host_key(blog_hostname(blog.subdomain))
    assert reads == [("get_many", [host, blog_key(blog.pk)])]
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_a_host_that_serves_another_blog_now_gets_that_blogs_row(make_blogger, make_post):
    """The blog a process saw last at a host is only a guess of which row to read with
    it: pointed at another blog, the host serves that blog at once."""
    first, second = make_blogger("first"), make_blogger("second")
    make_post(first, slug="p", title="From the first")
    make_post(second, slug="p", title="From the second")
    client = host_client(first)
    assert "From the first" in client.get("/p/").text
    site = Site.objects.get(root_page=first)
    Site.objects.filter(root_page=second).delete()
    site.root_page = second
    site.save()
    assert "From the second" in client.get("/p/").text


def test_url_building_does_not_grow_with_the_number_of_blogs(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog, slug="p")
    for _ in range(15):
        make_blogger()
    with CaptureQueriesContext(connection) as queries:
        post.get_url_parts()
    assert len(queries) <= 2
    assert not any("wagtailcore_site" in q["sql"] and "LIMIT" not in q["sql"] for q in queries)


def test_login_cookies_are_host_only_on_the_platform_host(make_blogger):
    blog = make_blogger("cookie")
    client = host_client("localhost")
    response = client.post(
        "/accounts/login/", {"login": blog.owner.email, "password": "a-long-test-password-1"}
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    for name in ("sessionid", "csrftoken"):
        assert name in client.cookies
        assert client.cookies[name]["domain"] == ""  # no Domain: blog hosts never get it


def test_health_check_answers_on_the_platform_host(platform_client):
    response = platform_client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_changes_are_forgotten_again_when_the_transaction_commits(
    make_blogger, django_capture_on_commit_callbacks
):
    """A request racing a rename can re-cache the old answer; the commit removes it."""
    blog = make_blogger("racing")
    site = Site.objects.get(root_page=blog)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        site.hostname = "renamed.localhost"
        site.save()
        stale = resolve_site_for_host("racing.localhost")  # as if read before the rename
        cache.set(host_key("racing.localhost"), {"id": site.id, "root_page_id": blog.id})
    assert stale is None and callbacks
    for callback in callbacks:
        callback()
    assert resolve_site_for_host("racing.localhost") is None


def test_pointing_a_site_at_another_root_forgets_the_old_roots_urls(make_blogger, make_post):
    old, new = make_blogger("oldroot"), make_blogger("newroot")
    post = make_post(old, slug="p")
    assert post.full_url == "http://oldroot.localhost:8000/p/"
    Site.objects.filter(root_page=new).delete()
    site = Site.objects.get(root_page=old)
    site.root_page = new
    site.save()
    assert PostPage.objects.get(id=post.id).full_url is None  # no Site serves it now


def test_an_unpublished_blog_is_gone_from_its_host(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="p")
    blog.unpublish()
    client = host_client(blog)
    for path in ("/", "/blog/", "/p/"):
        assert client.get(path).status_code == 404, path


def test_an_overlong_host_is_refused_without_touching_the_cache(db):
    host = "a" * 250 + ".localhost"
    with CaptureQueriesContext(connection) as queries:
        assert host_client(host).get("/").status_code == 404
    assert len(queries) == 0
    assert cache.get(host_key(host)) is None


def test_a_restriction_set_on_a_post_reaches_the_blogs_cached_row(make_blogger, make_post):
    """The blog's row (kept with its host) says whether any page of it is restricted; a
    restriction made on one post, behind the dashboard's back, makes it say so at once."""
    blog = make_blogger()
    secret = make_post(blog, slug="secret", title="Secret title", body="Secret body")
    client = host_client(blog)
    assert "Secret title" in client.get("/blog/").content.decode()  # the row is cached
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="hunter2"
    )
    assert client.get("/secret/").status_code == 404
    for path in ("/blog/", "/feed/", "/sitemap.xml"):
        assert "Secret title" not in client.get(path).content.decode(), path


def test_an_unrestricted_blogs_pages_share_one_restriction_list_evaluated_once(
    make_blogger, make_post
):
    """Wagtail iterates a served page's restrictions; for a blog known to have none, that is
    one empty list per process, never a fresh queryset to compile (40 µs a request)."""
    post = make_post(make_blogger(), slug="p")
    post.unrestricted = True  # as the blog's cached row tells a page served from its host
    restrictions = post.get_view_restrictions()
    assert restrictions is no_restrictions() and restrictions._result_cache == []
    with CaptureQueriesContext(connection) as queries:
        assert list(restrictions) == []
    assert len(queries) == 0


@pytest.mark.parametrize("field", ["favicon_image", "social_image"])
def test_deleting_the_image_a_blog_shows_leaves_its_pages_working(make_blogger, field):
    blog = make_blogger()
    image = make_image(blog.collection)
    setattr(blog, field, image)
    blog.save_revision().publish()
    client = host_client(blog)
    assert client.get("/").status_code == 200  # the row, with the image, is cached
    image.delete()  # the database unsets the blog's field: no signal of the blog's
    for path in ("/", "/favicon.ico", "/apple-touch-icon.png"):
        assert client.get(path).status_code == 200, path


def test_staff_reviewing_a_blog_reaches_the_row_its_host_keeps(make_blogger, make_post, settings):
    """Flags change the row with an UPDATE, no signal: the cached row is forgotten."""
    settings.READER_PAGE_CACHE_SECONDS = 0
    blog = make_blogger()
    make_post(blog, slug="p")
    client = host_client(blog)
    noindex = '<meta name="robots" content="noindex">'
    assert noindex in client.get("/p/").text  # not reviewed yet: search engines wait
    set_blog_flags(blog, reviewed=True)
    assert noindex not in client.get("/p/").text
