"""Spam and abuse defences: scanners' probes, sign-up bots, and rate limits on everything
that writes or mails, as a bot (or a person) would meet them through real URLs."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from blog.analytics import hits as analytics
from blog.core.names import blog_hostname
from blog.models import BlogPage, Hit, PostPage, Subscriber
from blog.reader import upvotes
from home.email_domains import validate_signup_email
from tests.support.clients import PASSWORD, host_client

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def blog(make_blogger):
    return make_blogger("pencils")


def platform(ip="198.51.100.20", **headers):
    return Client(HTTP_HOST="localhost", REMOTE_ADDR=ip, **headers)


def sign_up(client, email="new@example.com", subdomain="newblog", **extra):
    data = {"email": email, "subdomain": subdomain, "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", {**data, **extra})


def nothing_created():
    return not get_user_model().objects.exists() and not BlogPage.objects.exists()


def form_errors(response, field):
    return [str(error) for error in response.context["form"].errors.get(field, [])]


# --- Scanners' probes ----------------------------------------------------------------------

PROBES = [
    "/wp-login.php",
    "/xmlrpc.php",
    "/wp-admin/",
    "/wp-content/plugins/x/readme.txt",
    "/blog/wp-includes/wlwmanifest.xml",
    "/.env",
    "/.env.production",
    "/api/.env",
    "/.git/config",
    "/.aws/credentials",
    "/config.php.bak",
    "/phpmyadmin/index.php",
    "/cgi-bin/luci",
    "/index.aspx",
    "/WP-ADMIN/",
]


@pytest.mark.parametrize("path", PROBES)
def test_a_probe_on_a_blog_host_gets_a_cacheable_404_without_a_query(
    blog, path, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = host_client(blog).get(path)
    assert response.status_code == 404
    assert response.content == b"Not found"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", ["/wp-login.php", "/.env", "/dashboard/.git/HEAD"])
def test_a_probe_on_the_platform_or_an_unknown_host_costs_no_query_either(
    db, path, django_assert_num_queries
):
    with django_assert_num_queries(0):
        for client in (platform(), Client(HTTP_HOST="nobody.example.net")):
            assert client.get(path).status_code == 404


@pytest.mark.parametrize("slug", ["php-tips", "environment", "env", "wp-admin-tips", "phpinfo"])
def test_posts_whose_links_merely_look_like_probes_are_served(blog, make_post, slug):
    make_post(blog, title=f"About {slug}", slug=slug, body="All about it.")
    response = host_client(blog).get(f"/{slug}/")
    assert response.status_code == 200
    assert "All about it." in response.content.decode()


def test_feeds_and_well_known_paths_are_not_mistaken_for_probes(blog, make_post):
    make_post(blog, title="Hello")
    assert host_client(blog).get("/feed.xml").status_code == 200
    assert host_client(blog).get("/.well-known/security.txt").content != b"Not found"


def test_a_post_cannot_take_a_probed_name_as_its_link(blog, make_post):
    with pytest.raises(ValidationError, match="a path the blog uses itself"):
        make_post(blog, title="My WordPress days", slug="wp-admin")


# --- The sign-up honeypot --------------------------------------------------------------------


def test_the_signup_form_has_a_honeypot_people_never_see(db):
    html = platform().get("/accounts/signup/").content.decode()
    field = html[html.index('name="website"') - 300 : html.index('name="website"') + 300]
    assert "position: absolute; left: -99999px;" in field and 'tabindex="-1"' in field
    assert 'aria-hidden="true"' in field
    assert 'for="id_website"' not in html  # no label shows on the page


def test_a_filled_honeypot_looks_like_success_but_creates_and_sends_nothing(db):
    response = sign_up(platform(), website="https://cheap-pills.example.com")
    real = sign_up(platform(ip="198.51.100.21"), email="real@example.com", subdomain="real")
    assert response.status_code == real.status_code == 302
    assert response["Location"] == real["Location"] == "/accounts/confirm-email/"
    assert not BlogPage.objects.filter(subdomain="newblog").exists()
    assert not get_user_model().objects.filter(email="new@example.com").exists()
    assert [message.to for message in mail.outbox] == [["real@example.com"]]


# --- Disposable and undeliverable addresses ----------------------------------------------------


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("bot@mailinator.com", "mailinator.com hands out throwaway addresses"),
        ("bot@eu.yopmail.com", "eu.yopmail.com hands out throwaway addresses"),
        ("Bot@GuerrillaMail.COM", "guerrillamail.com hands out throwaway addresses"),
        ("me@localhost", "“localhost” is not a domain that can receive email"),
        ("me@[192.0.2.1]", "“[192.0.2.1]” is not a domain that can receive email"),
        ("me@[2001:db8::1]", "“[2001:db8::1]” is not a domain that can receive email"),
        ("me@mail.invalid", "“mail.invalid” is not a domain that can receive email"),
        ("me@my.test", "“my.test” is not a domain that can receive email"),
    ],
)
def test_throwaway_and_undeliverable_addresses_are_refused_with_the_reason(db, email, message):
    response = sign_up(platform(), email=email)
    assert response.status_code == 200
    assert any(message in error for error in form_errors(response, "email"))
    assert nothing_created() and not mail.outbox


def test_the_platform_s_own_domain_and_its_blogs_are_no_email_addresses(settings):
    settings.BLOG_DOMAIN = "bearcms.net"
    for email in ("me@bearcms.net", "me@someblog.BEARCMS.net"):
        with pytest.raises(ValidationError, match="cannot receive email. Use your own"):
            validate_signup_email(email)
    validate_signup_email("me@notbearcms.net")  # a mere suffix is another domain


def test_an_ordinary_address_signs_up(db):
    assert sign_up(platform(), email="ann@fastmail.com").status_code == 302
    assert BlogPage.objects.get(subdomain="newblog").owner.email == "ann@fastmail.com"


# --- allauth's rate limits -----------------------------------------------------------------


def test_signing_up_over_and_over_from_one_address_gets_429(db):
    bot = platform()
    for n in range(5):  # mistyped passwords: the form is shown again
        assert sign_up(bot, subdomain=f"bot{n}", password2="typo").status_code == 200
    assert sign_up(bot, subdomain="bot5").status_code == 429
    assert nothing_created()
    assert sign_up(platform(ip="198.51.100.99")).status_code == 302  # someone else


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_limit(db, proxies):
    proxies("127.0.0.1")

    def via_caddy(forwarded):
        return platform(ip="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    for n in range(5):
        sign_up(via_caddy("203.0.113.1"), subdomain=f"bot{n}", password2="typo")
    assert sign_up(via_caddy("203.0.113.1")).status_code == 429
    assert sign_up(via_caddy("203.0.113.2")).status_code == 302


def log_in(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_guessing_passwords_from_one_address_gets_429(blog):
    guesser = platform()
    for n in range(10):
        response = log_in(guesser, f"someone{n}@example.com", "guess")
        assert response.status_code == 200  # the form, with an error
    assert log_in(guesser, blog.owner.email, PASSWORD).status_code == 429


def test_five_failed_logins_lock_the_account_for_a_while_from_any_address(blog):
    for n in range(5):
        assert log_in(platform(ip=f"198.51.100.{n}"), blog.owner.email, "guess").status_code == 200
    owner = platform(ip="203.0.113.50")
    response = log_in(owner, blog.owner.email, PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in owner.session


def test_an_inbox_gets_at_most_three_password_reset_mails_an_hour(blog):
    for n in range(3):
        response = platform(ip=f"198.51.100.{n}").post(
            "/accounts/password/reset/", {"email": blog.owner.email}
        )
        assert response.status_code == 302
    response = platform(ip="198.51.100.9").post(
        "/accounts/password/reset/", {"email": blog.owner.email}
    )
    assert response.status_code == 429
    assert len(mail.outbox) == 3


def test_logging_in_unconfirmed_right_after_sign_up_sends_no_second_confirmation(db):
    person = platform()
    sign_up(person, email="fresh@example.com")
    assert len(mail.outbox) == 1
    response = log_in(platform(ip="198.51.100.77"), "fresh@example.com", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert not EmailAddress.objects.get(email="fresh@example.com").verified


# --- Reader endpoints that write: per IP, 429 with Retry-After ---------------------------------


@pytest.fixture
def post(blog, make_post):
    return make_post(blog, title="Counted", slug="counted")


def reader(blog, ip, **headers):
    headers.setdefault("HTTP_USER_AGENT", BROWSER)
    headers.setdefault("HTTP_ORIGIN", f"http://{blog_hostname(blog.subdomain)}")
    return host_client(blog, REMOTE_ADDR=ip, **headers)


def test_upvotes_behind_caddy_are_limited_per_forwarded_address(blog, post, proxies, monkeypatch):
    proxies("127.0.0.1")
    monkeypatch.setattr(upvotes, "RATE_LIMIT", 1)
    flooder = reader(blog, "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert flooder.post(f"/upvote/{post.id}/").status_code == 303
    response = flooder.post(f"/upvote/{post.id}/", HTTP_USER_AGENT="another browser")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= upvotes.RATE_WINDOW
    neighbour = reader(blog, "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert neighbour.post(f"/upvote/{post.id}/").status_code == 303
    assert PostPage.objects.get(pk=post.pk).upvote_count == 2


def test_subscribing_is_limited_per_address_with_retry_after(blog):
    flooder = reader(blog, "203.0.113.1")
    for n in range(5):
        assert flooder.post("/subscribe/", {"email": f"r{n}@example.com"}).status_code == 200
    response = flooder.post("/subscribe/", {"email": "r5@example.com"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    other = reader(blog, "203.0.113.2").post("/subscribe/", {"email": "r6@example.com"})
    assert other.status_code == 200
    assert Subscriber.objects.count() == 6


def test_subscribing_from_many_addresses_of_one_ipv6_64_shares_one_limit(blog):
    # Each subscription mails a stranger: one machine's 2^64 addresses get 5, not 5 each.
    for n in range(5):
        flooder = reader(blog, f"2001:db8:1:2::{n + 1}")
        assert flooder.post("/subscribe/", {"email": f"r{n}@example.com"}).status_code == 200
    flooder = reader(blog, "2001:db8:1:2::99")
    assert flooder.post("/subscribe/", {"email": "r5@example.com"}).status_code == 429
    other = reader(blog, "2001:db8:1:3::1").post("/subscribe/", {"email": "r6@example.com"})
    assert other.status_code == 200
    assert Subscriber.objects.count() == 6


def test_a_flooding_reader_still_gets_the_pixel_but_only_its_reads_stop_counting(
    blog, post, make_post, monkeypatch
):
    # An <img> has no use for a 429: the pixel always answers, the flood is not recorded.
    monkeypatch.setattr(analytics, "RATE_LIMIT", 1)
    for other in [post] + [make_post(blog, title=f"Post {n}") for n in range(2)]:
        response = reader(blog, "203.0.113.1").get(f"/hit/{other.id}/")
        assert response.status_code == 200 and response.content == analytics.PIXEL
    reader(blog, "203.0.113.2").get(f"/hit/{post.id}/")
    assert Hit.objects.count() == 2
