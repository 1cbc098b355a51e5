"""Upvotes: one per reader (a network address: an IPv4 address, an IPv6 /64) per post,
from this blog's own pages only, rate limited, counted on the post, and never a cookie or
a raw IP address."""

import pytest
from django.utils import timezone

from blog.core.names import blog_hostname
from blog.models import PostPage, Upvote
from blog.reader import upvotes
from tests.support.clients import host_client
from tests.support.scripts import without_json_ld

UA = "Mozilla/5.0 (test reader)"


def reader(blog, ip="203.0.113.7", user_agent=UA, origin=True, **headers):
    """A client on the blog's host that sends, by default, the blog's own Origin."""
    host = blog_hostname(blog.subdomain)
    if origin:
        headers.setdefault("HTTP_ORIGIN", f"http://{host}")
    return host_client(blog, REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent, **headers)


def upvote(client, post):
    return client.post(f"/upvote/{post.id}/")


def count(post):
    return PostPage.objects.get(pk=post.pk).upvote_count


@pytest.fixture
def blog(make_blogger):
    return make_blogger()


@pytest.fixture
def post(blog, make_post):
    return make_post(blog, title="Vote for me", slug="vote-for-me")


def test_an_upvote_counts_and_redirects_to_the_post(blog, post):
    response = upvote(reader(blog), post)
    assert response.status_code == 303
    assert response["Location"] == "/vote-for-me/?upvoted#upvote-form"
    assert count(post) == 1
    assert Upvote.objects.filter(post=post).count() == 1


def test_the_same_reader_upvoting_again_still_counts_once(blog, post):
    client = reader(blog)
    upvote(client, post)
    response = upvote(client, post)
    assert response.status_code == 303
    assert count(post) == 1


def test_the_post_tells_the_reader_whether_their_upvote_counted(blog, post):
    client = reader(blog)
    assert upvote(client, post)["Location"] == "/vote-for-me/?upvoted#upvote-form"
    assert "Thanks for your upvote." in client.get("/vote-for-me/?upvoted").content.decode()
    again = upvote(client, post)["Location"]
    assert again == "/vote-for-me/?already-upvoted#upvote-form"
    page = client.get("/vote-for-me/?already-upvoted").content.decode()
    assert "You have upvoted this post already." in page
    assert "Thanks" not in page


def post_page(blog):
    return reader(blog).get("/vote-for-me/").content.decode()


def test_ten_user_agents_on_one_address_are_one_reader(blog, post):
    # A script sets the blog's Origin and a new User-Agent each time: still one reader.
    first, *others = [
        upvote(reader(blog, user_agent=f"Mozilla/5.0 (browser {n})"), post)["Location"]
        for n in range(10)
    ]
    assert first == "/vote-for-me/?upvoted#upvote-form"
    assert others == ["/vote-for-me/?already-upvoted#upvote-form"] * 9
    assert count(post) == 1
    assert 'upvote-count">1</small>' in post_page(blog)


def test_two_addresses_in_one_ipv6_64_are_one_reader(blog, post):
    upvote(reader(blog, ip="2001:db8:1:2::1"), post)
    upvote(reader(blog, ip="2001:db8:1:2:a5e7:99ff:fe01:42"), post)
    assert count(post) == 1


def test_two_ipv4_addresses_or_two_ipv6_64s_are_two_readers_each(blog, post):
    for ip in ("203.0.113.7", "198.51.100.1", "2001:db8:1:2::1", "2001:db8:1:3::1"):
        upvote(reader(blog, ip=ip), post)
    assert count(post) == 4
    assert 'upvote-count">4</small>' in post_page(blog)


def test_a_made_up_x_forwarded_for_is_not_another_reader(blog, post, proxies):
    proxies()  # no proxy trusted: the header is the client's own invention
    for n in range(10):
        upvote(reader(blog, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"), post)
    proxies("127.0.0.1")  # behind Caddy: addresses left of the one it saw are made up too
    for n in range(10):
        caddy = reader(blog, ip="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9")
        upvote(caddy, post)
    assert count(post) == 2  # 203.0.113.7, and 203.0.113.9 behind Caddy


def test_a_post_without_origin_or_referer_is_refused(blog, post):
    response = upvote(reader(blog, origin=False), post)
    assert response.status_code == 403
    assert count(post) == 0


def test_a_foreign_origin_is_refused(blog, post, make_blogger):
    other = blog_hostname(make_blogger().subdomain)
    for origin in (f"http://{other}", "https://evil.example", "null", f"https://{other}:8000"):
        response = upvote(reader(blog, HTTP_ORIGIN=origin), post)
        assert response.status_code == 403, origin
    assert count(post) == 0


def test_the_blogs_own_referer_is_accepted_when_origin_is_absent(blog, post):
    host = blog_hostname(blog.subdomain)
    response = upvote(reader(blog, origin=False, HTTP_REFERER=f"http://{host}/vote-for-me/"), post)
    assert response.status_code == 303
    assert count(post) == 1


def test_a_foreign_referer_is_refused(blog, post):
    client = reader(blog, origin=False, HTTP_REFERER="http://evil.example/vote-for-me/")
    assert upvote(client, post).status_code == 403
    assert count(post) == 0


def test_get_is_not_allowed(blog, post):
    response = reader(blog).get(f"/upvote/{post.id}/")
    assert response.status_code == 405
    assert count(post) == 0


def test_another_blogs_post_is_not_found_on_this_blogs_host(blog, make_blogger, make_post):
    foreign = make_post(make_blogger())
    assert upvote(reader(blog), foreign).status_code == 404
    assert count(foreign) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"live": False},
        {"published_date": timezone.now() + timezone.timedelta(days=1)},
        {"is_page": True},
    ],
    ids=["draft", "scheduled", "page"],
)
def test_drafts_scheduled_posts_and_pages_cannot_be_upvoted(blog, make_post, fields):
    hidden = make_post(blog, **fields)
    assert upvote(reader(blog), hidden).status_code == 404
    assert count(hidden) == 0


@pytest.mark.usefixtures("steady_rate_window")
def test_too_many_upvotes_from_one_address_get_429_with_retry_after(blog, make_post, monkeypatch):
    monkeypatch.setattr(upvotes, "RATE_LIMIT", 2)
    posts = [make_post(blog, title=f"Post {n}") for n in range(3)]
    for post in posts[:2]:
        assert upvote(reader(blog), post).status_code == 303
    response = upvote(reader(blog), posts[2])
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= upvotes.RATE_WINDOW
    assert [count(post) for post in posts] == [1, 1, 0]


@pytest.mark.usefixtures("steady_rate_window")
def test_the_rate_limit_is_per_ip(blog, post, monkeypatch):
    monkeypatch.setattr(upvotes, "RATE_LIMIT", 1)
    upvote(reader(blog), post)
    assert upvote(reader(blog, ip="198.51.100.1"), post).status_code == 303
    assert count(post) == 2


@pytest.mark.usefixtures("steady_rate_window")
def test_the_rate_limit_holds_for_a_whole_ipv6_64(blog, make_post, monkeypatch):
    monkeypatch.setattr(upvotes, "RATE_LIMIT", 1)
    first, second = make_post(blog, title="First"), make_post(blog, title="Second")
    assert upvote(reader(blog, ip="2001:db8:1:2::1"), first).status_code == 303
    assert upvote(reader(blog, ip="2001:db8:1:2::2"), second).status_code == 429
    assert upvote(reader(blog, ip="2001:db8:1:3::1"), second).status_code == 303
    assert (count(first), count(second)) == (1, 1)


def test_the_upvote_response_sets_no_cookie_and_is_not_cacheable(blog, post):
    response = upvote(reader(blog), post)
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_the_post_page_shows_the_count_and_the_form_and_sets_no_cookie(blog, post):
    upvote(reader(blog), post)
    response = reader(blog).get("/vote-for-me/")
    html = response.content.decode()
    assert f'<form method="post" action="/upvote/{post.id}/" id="upvote-form"' in html
    assert '<small class="upvote-count">1</small></button>' in html
    assert "<script" not in without_json_ld(html)
    assert "Set-Cookie" not in response.headers and not response.cookies


def test_a_page_shows_no_upvote_form(blog, make_post):
    make_post(blog, title="About", slug="about", is_page=True)
    assert "/upvote/" not in reader(blog).get("/about/").content.decode()


def test_the_stored_hash_neither_is_nor_contains_the_ip(blog, post):
    upvote(reader(blog, ip="203.0.113.7"), post)
    stored = Upvote.objects.get(post=post).visitor_hash
    assert len(stored) == 64
    assert "203.0.113.7" not in stored and "203" not in stored


def test_publishing_a_revision_saved_before_an_upvote_keeps_the_count(blog, post):
    post.body = "Edited"
    revision = post.save_revision(user=blog.owner)
    upvote(reader(blog), post)
    revision.publish()
    assert count(post) == 1


@pytest.mark.parametrize("outcome", ["upvoted", "already-upvoted"])
def test_the_page_after_an_upvote_is_the_reader_s_own_and_never_kept_by_a_cdn(blog, post, outcome):
    response = reader(blog).get(f"/vote-for-me/?{outcome}")
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert "public" not in cache_control and "s-maxage" not in cache_control
    assert "public" in reader(blog).get("/vote-for-me/")["Cache-Control"]
