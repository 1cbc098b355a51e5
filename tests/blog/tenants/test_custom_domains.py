"""A blogger moves their blog to their own domain, and back; Caddy asks before certifying.

The domain is set where the blogger sets everything else, the blog's Settings tab in the
dashboard, and takes effect when they publish. These tests post that form as the browser
does, and read the blog through the hosts readers use.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.models import Site

from blog.core.domain_ownership import ownership_token, record_name
from blog.core.names import normalise_domain, validate_custom_domain
from blog.models import BlogPage
from blog.moderation.flags import set_blog_flags
from blog.tenants.lifecycle import delete_blog
from tests.support.clients import host_client
from tests.support.custom_domains import DOMAIN, on_domain, prove_ownership
from tests.support.dashboard_forms import blog_form, edit_url, form_errors


@pytest.fixture
def blog(make_blogger):
    return make_blogger("writer", title="The Writer")


@pytest.fixture
def admin(blog, login):
    return login(blog.owner)


@pytest.fixture(autouse=True)
def dns(dns_records):
    return dns_records


@pytest.fixture
def set_domain(admin, dns):
    def publish(blog, domain, proven=True):
        """Publish the blog's settings with ``domain``, its ownership proven in DNS
        unless ``proven`` is False; the response of the edit view."""
        blog.refresh_from_db()
        if proven and domain:
            prove_ownership(dns, blog, normalise_domain(domain))
        return admin.post(edit_url(blog), blog_form(blog, custom_domain=domain))

    return publish


# --- What a blogger may enter


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("Blog.Example.COM", "blog.example.com"),
        ("  blog.example.com.  ", "blog.example.com"),
        ("https://blog.example.com/", "blog.example.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("faß.de", "xn--fa-hia.de"),  # IDNA 2008, as browsers: not fass.de
        ("", ""),
    ],
)
def test_domains_are_stored_lowercase_and_in_punycode(entered, stored):
    assert normalise_domain(entered) == stored


@pytest.mark.parametrize(
    "entered",
    [
        "localhost",
        "example",
        "1.2.3.4",
        "blog.example.com:8080",
        "blog.example.com/path",
        "exa mple.com",
        "-blog.example.com",
        "blog..example.com",
        "a" * 64 + ".example.com",
        ("a" * 60 + ".") * 5 + "com",
        "blog_example.com",
    ],
)
def test_what_cannot_be_a_hostname_is_refused_with_a_clear_message(entered):
    with pytest.raises(ValidationError, match="domain name like blog.example.com"):
        normalise_domain(entered)


@pytest.mark.parametrize("entered", ["localhost", "LOCALHOST", "other.localhost", "a.b.localhost"])
def test_the_platforms_own_domain_and_its_subdomains_are_refused(db, entered):
    # BLOG_DOMAIN is "localhost" in the tests; a single label is refused as a hostname.
    with pytest.raises(ValidationError) as refused:
        validate_custom_domain(entered, BlogPage())
    assert refused.value.code in {"platform", "invalid"}


def test_a_subdomain_of_the_platform_is_refused_as_the_platforms(db, settings):
    settings.BLOG_DOMAIN = "bearcms.example"
    with pytest.raises(ValidationError, match="belongs to bearcms.example") as refused:
        validate_custom_domain("mine.BEARCMS.example", BlogPage())
    assert refused.value.code == "platform"


@pytest.mark.parametrize("entered", ["domains.bearcms.example", "x.media.bearcms.example"])
def test_the_platforms_other_names_are_refused(db, settings, entered):
    # The name custom domains point at and the media CDN are the platform's: a blog that
    # claimed one would get a certificate for it.
    settings.CUSTOM_DOMAIN_TARGET = "domains.bearcms.example"
    settings.AWS_S3_CUSTOM_DOMAIN = "media.bearcms.example"
    with pytest.raises(ValidationError, match="this platform's own domain"):
        validate_custom_domain(entered, BlogPage())


def test_a_domain_another_blog_has_is_refused_whatever_its_case(blog, make_blogger, set_domain):
    assert set_domain(blog, DOMAIN).status_code == 302
    other = make_blogger("other")
    with pytest.raises(ValidationError, match="already used by another blog"):
        validate_custom_domain("BLOG.Example.com", other)
    assert validate_custom_domain(DOMAIN, BlogPage.objects.get(pk=blog.pk)) == DOMAIN


def test_a_second_claim_never_reaches_the_database(blog, make_blogger):
    blog.custom_domain = DOMAIN
    blog.save_revision().publish()
    other = make_blogger("other")
    other.custom_domain = DOMAIN
    other.save()  # keeps the domain it had (none)
    assert BlogPage.objects.get(pk=other.pk).custom_domain is None
    with pytest.raises(IntegrityError), transaction.atomic():
        BlogPage.objects.filter(pk=other.pk).update(custom_domain=DOMAIN)


def test_publishing_an_old_revision_whose_domain_was_taken_since_still_publishes(
    blog, admin, make_blogger, dns
):
    blog.refresh_from_db()
    prove_ownership(dns, blog, DOMAIN)
    draft = blog_form(blog, custom_domain=DOMAIN, title="Renamed")
    del draft["action-publish"]
    assert admin.post(edit_url(blog), draft).status_code == 302  # a draft, for later
    other = make_blogger("other")
    other.custom_domain = DOMAIN
    other.save_revision().publish()
    BlogPage.objects.get(pk=blog.pk).get_latest_revision().publish()
    blog.refresh_from_db()
    assert (blog.title, blog.custom_domain) == ("Renamed", None)
    assert "Blog of other" in on_domain().get("/").content.decode()


def test_the_form_shows_the_error_and_keeps_the_published_settings(blog, make_blogger, set_domain):
    make_blogger("first")
    assert set_domain(blog, "not a domain", proven=False).status_code == 200
    response = set_domain(blog, "localhost", proven=False)
    errors = form_errors(response)
    assert "custom_domain" in errors
    blog.refresh_from_db()
    assert blog.custom_domain is None
    assert host_client(blog).get("/").status_code == 200


# --- Proof of ownership: a DNS TXT record only this blog is shown


def test_a_domain_without_the_proof_record_is_refused_with_the_record_to_add(blog, set_domain):
    response = set_domain(blog, DOMAIN, proven=False)
    assert response.status_code == 200
    [message] = form_errors(response)["custom_domain"]
    token = ownership_token(blog, DOMAIN)
    assert f"type TXT, name _bearcms.{DOMAIN}, value {token}" in message
    assert token.startswith("bearcms-verify=") and len(token) == 47
    assert BlogPage.objects.get(pk=blog.pk).custom_domain is None
    assert on_domain().get("/").status_code == 404


def test_another_blogs_proof_does_not_prove_ownership(blog, make_blogger, set_domain, dns):
    # The dangling-DNS takeover: the domain's records still name its previous blog.
    previous = make_blogger("previous")
    prove_ownership(dns, previous, DOMAIN)
    response = set_domain(blog, DOMAIN, proven=False)
    assert "To show that blog.example.com is yours" in str(form_errors(response))
    assert ownership_token(previous, DOMAIN) != ownership_token(blog, DOMAIN)
    assert ownership_token(blog, "other.example.com") != ownership_token(blog, DOMAIN)


def test_with_the_proof_among_other_txt_records_the_domain_is_taken(blog, set_domain, dns):
    dns.txt[record_name(DOMAIN)] = ["v=spf1 -all", ownership_token(blog, DOMAIN)]
    assert set_domain(blog, DOMAIN, proven=False).status_code == 302
    assert on_domain().get("/").status_code == 200


def test_dns_that_does_not_answer_is_a_retry_later_error(blog, set_domain, dns, settings):
    dns.down()
    settings.DNS_LOOKUP_SECONDS = 1
    response = set_domain(blog, DOMAIN)
    assert "Could not look up blog.example.com's DNS records" in str(form_errors(response))


def test_a_domain_already_the_blogs_is_not_checked_again(blog, admin, set_domain, dns):
    # Publishing a post or a setting must not depend on DNS answering.
    assert set_domain(blog, DOMAIN).status_code == 302
    dns.txt.clear()
    dns.down()
    blog.refresh_from_db()
    response = admin.post(edit_url(blog), blog_form(blog, custom_domain=DOMAIN, title="New"))
    assert response.status_code == 302, form_errors(response)
    assert "New" in on_domain().get("/").content.decode()


def test_without_verification_no_record_is_needed(blog, set_domain, settings):
    settings.CUSTOM_DOMAIN_VERIFICATION = False
    assert set_domain(blog, DOMAIN, proven=False).status_code == 302


def test_the_form_tells_the_blogger_where_to_point_their_dns(admin, blog, settings):
    settings.CUSTOM_DOMAIN_TARGET = "domains.bearcms.example"
    html = admin.get(edit_url(blog)).content.decode()
    assert 'name="custom_domain"' in html
    assert "CNAME pointing at domains.bearcms.example" in html


# --- Serving the blog on its domain


def test_once_published_the_blog_is_served_on_its_domain(blog, make_post, set_domain):
    make_post(blog, title="Hello there", slug="hello")
    response = set_domain(blog, "Blog.Example.com")
    assert response.status_code == 302, form_errors(response)
    page = on_domain().get("/hello/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hello there" in html
    assert '<link rel="canonical" href="http://blog.example.com:8000/hello/">' in html
    # The port is ignored when matching hosts, as for subdomains.
    assert on_domain("blog.example.com:443").get("/hello/").status_code == 200


def test_the_subdomain_redirects_permanently_to_the_same_path_on_the_domain(blog, set_domain):
    set_domain(blog, DOMAIN)
    response = host_client(blog).get("/some/path/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "http://blog.example.com:8000/some/path/?page=2"
    # Browsers may keep it an hour, not forever: removing the domain must win back.
    assert response["Cache-Control"] == "public, max-age=3600"


def test_feeds_and_the_sitemap_use_the_domain(blog, make_post, set_domain):
    make_post(blog, title="Feed me", slug="feed-me")
    set_domain(blog, DOMAIN)
    reader = on_domain()
    feed = reader.get("/feed/").content.decode()
    assert "http://blog.example.com:8000/feed-me/" in feed
    assert "writer.localhost" not in feed
    sitemap = reader.get("/sitemap.xml").content.decode()
    assert "<loc>http://blog.example.com:8000/feed-me/</loc>" in sitemap


def test_discovery_links_to_posts_on_the_domain(blog, make_post, platform_client, set_domain):
    set_blog_flags(blog, reviewed=True)
    make_post(blog, title="Discover me", slug="discover-me", body="words " * 50)
    set_domain(blog, DOMAIN)
    html = platform_client.get("/discover/?newest=1").content.decode()
    assert 'href="http://blog.example.com:8000/discover-me/"' in html


def test_a_draft_with_a_new_domain_changes_nothing_until_published(blog, admin, dns):
    blog.refresh_from_db()
    prove_ownership(dns, blog, DOMAIN)
    data = blog_form(blog, custom_domain=DOMAIN)
    del data["action-publish"]
    assert admin.post(edit_url(blog), data).status_code == 302
    assert host_client(blog).get("/").status_code == 200
    assert on_domain().get("/").status_code == 404


def test_removing_the_domain_reverts_both_hosts(blog, set_domain):
    set_domain(blog, DOMAIN)
    assert on_domain().get("/").status_code == 200
    assert set_domain(blog, "").status_code == 302
    assert host_client(blog).get("/").status_code == 200
    assert on_domain().get("/").status_code == 404
    assert Site.objects.get(root_page=blog).hostname == "writer.localhost"


def test_changing_the_domain_moves_the_blog_and_the_subdomains_redirect(blog, set_domain):
    set_domain(blog, DOMAIN)
    host_client(blog).get("/")  # the redirect to the first domain is now cached
    set_domain(blog, "www.writer.example")
    assert on_domain().get("/").status_code == 404
    assert on_domain("www.writer.example").get("/").status_code == 200
    assert host_client(blog).get("/")["Location"] == "http://www.writer.example:8000/"


def test_an_unpublished_blog_is_not_served_on_its_domain(blog, set_domain):
    set_domain(blog, DOMAIN)
    BlogPage.objects.get(pk=blog.pk).unpublish()
    assert on_domain().get("/").status_code == 404


def test_an_unpublished_or_deleted_blogs_subdomain_stops_redirecting(blog, set_domain):
    set_domain(blog, DOMAIN)
    assert host_client(blog).get("/").status_code == 301  # and now cached
    BlogPage.objects.get(pk=blog.pk).unpublish()
    assert host_client(blog).get("/").status_code == 404
    BlogPage.objects.get(pk=blog.pk).save_revision().publish()
    assert host_client(blog).get("/").status_code == 301
    delete_blog(BlogPage.objects.get(pk=blog.pk))
    assert host_client(blog).get("/").status_code == 404


def test_another_blogs_domain_is_never_this_blogs(blog, make_blogger, set_domain):
    set_domain(blog, DOMAIN)
    other = make_blogger("other", title="Other Blog")
    assert "Other Blog" in host_client(other).get("/").content.decode()
    assert "The Writer" in on_domain().get("/").content.decode()


def test_the_dashboard_is_never_served_on_a_custom_domain(blog, admin, set_domain):
    set_domain(blog, DOMAIN)
    client = on_domain()
    client.cookies = admin.cookies  # even with the platform's session cookie
    assert client.get("/dashboard/").status_code == 404
    assert client.get("/accounts/login/").status_code == 404


def test_the_subdomains_redirect_costs_two_indexed_lookups_then_none(
    blog, django_assert_max_num_queries, set_domain
):
    set_domain(blog, DOMAIN)
    with django_assert_max_num_queries(2):  # Site by hostname, then blog by subdomain
        host_client(blog).get("/x/")
    with django_assert_max_num_queries(0):  # from the shared cache from then on
        host_client(blog).get("/x/")
        host_client(blog).get("/y/")


# --- Caddy's on-demand TLS gate


def ask(platform_client, domain=None):
    return platform_client.get("/caddy/ask/", {} if domain is None else {"domain": domain})


def test_caddy_may_certify_a_live_blogs_domain(blog, platform_client, set_domain):
    set_domain(blog, DOMAIN)
    response = ask(platform_client, DOMAIN)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert ask(platform_client, "BLOG.example.com.").status_code == 200


def test_caddy_may_not_certify_unknown_or_unusable_domains(blog, platform_client, set_domain):
    set_domain(blog, DOMAIN)
    assert ask(platform_client, "unknown.example.com").status_code == 404
    assert ask(platform_client, "x" * 300 + ".com").status_code == 404
    assert ask(platform_client).status_code == 400
    assert ask(platform_client, "").status_code == 400
    assert platform_client.post("/caddy/ask/?domain=" + DOMAIN).status_code == 405
    # Subdomains only when the operator chose on-demand TLS for them too.
    assert ask(platform_client, "writer.localhost").status_code == 404


def test_a_blocked_or_unpublished_blog_gets_no_new_certificate(blog, platform_client, set_domain):
    set_domain(blog, DOMAIN)
    set_blog_flags(BlogPage.objects.get(pk=blog.pk), blocked=True)
    assert ask(platform_client, DOMAIN).status_code == 404
    set_blog_flags(BlogPage.objects.get(pk=blog.pk), blocked=False)
    assert ask(platform_client, DOMAIN).status_code == 200
    BlogPage.objects.get(pk=blog.pk).unpublish()
    assert ask(platform_client, DOMAIN).status_code == 404


def test_subdomains_may_be_certified_when_the_operator_says_so(blog, platform_client, settings):
    settings.CADDY_ASK_SUBDOMAINS = True
    assert ask(platform_client, "writer.localhost").status_code == 200
    assert ask(platform_client, "localhost").status_code == 200
    assert ask(platform_client, "nobody.localhost").status_code == 404
    assert ask(platform_client, "a.writer.localhost").status_code == 404


def test_the_ask_endpoint_is_only_on_the_platform_host(blog, set_domain):
    set_domain(blog, DOMAIN)
    assert host_client(blog).get("/caddy/ask/", {"domain": DOMAIN}).status_code == 301
    assert on_domain().get("/caddy/ask/", {"domain": DOMAIN}).status_code == 404
