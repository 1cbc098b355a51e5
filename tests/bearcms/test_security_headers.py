"""Security headers: a script-free policy for readers and visitors, a same-origin one for the
dashboard, and the same browser-feature and referrer rules everywhere."""

import pytest

from bearcms.security_headers import DASHBOARD_POLICY, READER_POLICY
from tests.support.clients import host_client


def directives(response):
    """The response's Content-Security-Policy as {directive: [sources]}."""
    policy = response.headers["Content-Security-Policy"]
    pairs = (part.strip().split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in pairs}


def assert_no_script_can_run(response):
    policy = directives(response)
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy and "script-src-elem" not in policy
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    for sources in policy.values():
        assert "'unsafe-eval'" not in sources


def assert_common_headers(response):
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions


@pytest.fixture
def blog(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, title="Hello", slug="hello")
    return blog


@pytest.mark.parametrize("path", ["/", "/hello/", "/feed/", "/sitemap.xml", "/missing/"])
def test_reader_pages_forbid_every_script(blog, path):
    response = host_client(blog).get(path)
    assert response.status_code in (200, 404)
    assert response.headers["Content-Security-Policy"] == READER_POLICY
    assert_no_script_can_run(response)
    assert_common_headers(response)


def test_a_reader_page_from_the_page_cache_still_carries_the_policy(blog, settings):
    settings.READER_PAGE_CACHE_SECONDS = 60
    client = host_client(blog)
    first, second = client.get("/hello/"), client.get("/hello/")
    assert second.status_code == 200 and second.content == first.content
    assert second.headers["Content-Security-Policy"] == READER_POLICY


def test_a_blog_s_own_dashboard_path_gets_the_reader_policy(blog):
    response = host_client(blog).get("/dashboard/")
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"] == READER_POLICY


def test_frames_in_posts_are_limited_to_the_embed_hosts(blog):
    frames = directives(host_client(blog).get("/hello/"))["frame-src"]
    assert "https://www.youtube-nocookie.com" in frames
    assert all(source.startswith("https://") for source in frames)


@pytest.mark.parametrize("path", ["/", "/accounts/signup/", "/accounts/login/", "/discover/"])
def test_the_platform_s_own_pages_forbid_every_script(db, platform_client, path):
    response = platform_client.get(path)
    assert response.status_code == 200
    assert_no_script_can_run(response)
    assert_common_headers(response)


def test_unknown_hosts_and_blocked_blogs_get_the_script_free_policy(blog):
    blog.blocked = True
    blog.save(update_fields=["blocked"])
    for client in (host_client("nobody.localhost"), host_client(blog)):
        response = client.get("/")
        assert response.status_code in (404, 410)
        assert_no_script_can_run(response)


def test_the_dashboard_allows_scripts_from_its_own_origin_only(blog, login):
    response = login(blog.owner).get(f"/dashboard/pages/{blog.id}/")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == DASHBOARD_POLICY
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert_common_headers(response)


def test_a_post_s_preview_in_the_dashboard_is_a_reader_page_without_scripts(blog, login):
    """Wagtail renders a preview through the middleware as a request to the blog's host;
    that inner response's policy is kept, so a blogger's text runs no script in the
    dashboard either."""
    post = blog.get_children().get().specific
    response = login(blog.owner).get(f"/dashboard/pages/{post.id}/view_draft/")
    assert response.status_code == 200
    assert b"Hello" in response.content
    assert response.headers["Content-Security-Policy"] == READER_POLICY
