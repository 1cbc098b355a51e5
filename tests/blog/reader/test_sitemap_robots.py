"""A blog's /sitemap.xml and /robots.txt, through real URLs on the blog's host."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.support.clients import host_client

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def blog(make_blogger):
    return make_blogger(subdomain="bear")


def sitemap_urls(blog):
    response = host_client(blog).get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    return [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]


def test_sitemap_lists_the_home_posts_and_pages_with_absolute_urls(blog, make_post):
    make_post(blog, slug="a-post")
    make_post(blog, slug="about", is_page=True)
    assert sorted(sitemap_urls(blog)) == [
        "http://bear.localhost:8000/",
        "http://bear.localhost:8000/a-post/",
        "http://bear.localhost:8000/about/",
    ]


def test_sitemap_leaves_out_drafts_and_scheduled_posts(blog, make_post):
    make_post(blog, slug="draft", live=False)
    make_post(blog, slug="later", published_date=timezone.now() + timedelta(days=1))
    assert sitemap_urls(blog) == ["http://bear.localhost:8000/"]


def test_sitemap_leaves_out_password_protected_posts(blog, make_post):
    secret = make_post(blog, slug="secret")
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="hunter2"
    )
    assert sitemap_urls(blog) == ["http://bear.localhost:8000/"]


def test_sitemap_leaves_out_other_blogs(blog, make_blogger, make_post):
    make_post(make_blogger(subdomain="fox"), slug="theirs")
    make_post(blog, slug="mine")
    urls = sitemap_urls(blog)
    assert urls == ["http://bear.localhost:8000/", "http://bear.localhost:8000/mine/"]


def test_sitemap_gives_each_url_its_last_modification(blog, make_post):
    post = make_post(blog, slug="a-post")
    response = host_client(blog).get("/sitemap.xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    lastmods = [node.text for node in root.findall("sm:url/sm:lastmod", SITEMAP_NS)]
    assert post.last_published_at.date().isoformat() in lastmods


def test_sitemap_is_xml(blog):
    assert host_client(blog).get("/sitemap.xml")["Content-Type"] == "application/xml"


def test_robots_txt_by_default_allows_all_and_names_the_sitemap(blog):
    response = host_client(blog).get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\nAllow: /\nSitemap: http://bear.localhost:8000/sitemap.xml\n"
    )


def test_robots_txt_is_the_blogs_own_text_when_set(blog):
    blog.robots_txt = "User-agent: *\r\nDisallow: /drafts/\r\n"
    blog.save_revision().publish()
    response = host_client(blog).get("/robots.txt")
    assert response.content.decode() == "User-agent: *\nDisallow: /drafts/\n"


def test_robots_txt_of_one_blog_is_not_another_blogs(blog, make_blogger):
    blog.robots_txt = "User-agent: *\nDisallow: /"
    blog.save_revision().publish()
    other = make_blogger(subdomain="fox")
    assert "Disallow" not in host_client(other).get("/robots.txt").content.decode()


@pytest.mark.parametrize("url", ["/sitemap.xml", "/robots.txt"])
def test_sitemap_and_robots_set_no_cookies(blog, make_post, url):
    make_post(blog)
    response = host_client(blog).get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert not response.cookies


def test_a_password_protected_blog_has_an_empty_sitemap(blog, make_post):
    make_post(blog, slug="a-post")
    PageViewRestriction.objects.create(
        page=blog, restriction_type=PageViewRestriction.PASSWORD, password="hunter2"
    )
    assert sitemap_urls(blog) == []
