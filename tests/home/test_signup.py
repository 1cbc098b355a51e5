"""Sign-up, email verification, login and password reset through allauth's real URLs.

Every request goes to the platform host (``localhost``); mail arrives in Django's
locmem outbox.
"""

import re
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.test import Client
from wagtail.models import Collection, GroupPagePermission, Site

from blog.models import BlogPage
from blog.tenants.lifecycle import create_blog
from home.signup import blog_address
from tests.support.clients import PASSWORD

LINK_RE = re.compile(r"https?://localhost(?::\d+)?(/accounts/\S+/)")


@pytest.fixture
def client(platform_client):
    """In this module the test client always speaks to the platform host."""
    return platform_client


def sign_up(client, email="new@example.com", subdomain="newblog", password=PASSWORD):
    return client.post(
        "/accounts/signup/",
        {"email": email, "subdomain": subdomain, "password1": password, "password2": password},
    )


def link_in(message):
    """The path of the one platform link in an email."""
    (path,) = LINK_RE.findall(message.body)
    return path


def tenant_counts():
    return {
        "users": get_user_model().objects.count(),
        "emails": EmailAddress.objects.count(),
        "blogs": BlogPage.objects.count(),
        "sites": Site.objects.count(),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
    }


def form_errors(response, field):
    return [str(error) for error in response.context["form"].errors.get(field, [])]


# --- Sign-up creates the account and its blog


def test_signup_form_asks_for_email_subdomain_and_password(client):
    html = client.get("/accounts/signup/").content.decode()
    for name in ("email", "subdomain", "password1", "password2"):
        assert f'name="{name}"' in html


@pytest.mark.parametrize(
    "port, address",
    [(8000, "http://&lt;name&gt;.localhost:8000"), (443, "https://&lt;name&gt;.localhost")],
)
def test_the_blog_address_help_shows_the_whole_address_port_included(
    client, settings, port, address
):
    settings.SITE_PORT = port
    html = client.get("/accounts/signup/").content.decode()
    # Django renders help text as HTML; an unescaped "<name>" would vanish as a tag.
    assert f"Your blog will live at {address}. Letters, digits and hyphens." in html


def test_each_error_shows_under_its_own_field(client):
    """A refused blog address is said below the blog address box, not above it, where it
    would read as the email's; the box points at its error for screen readers."""
    response = sign_up(client, email="hazel@example.com", subdomain="www", password="short")
    page = BeautifulSoup(response.content, "html.parser")
    fields = {div.find("input")["name"]: div for div in page.select("form div.field")}
    assert "is reserved" in fields["subdomain"].select_one(".errorlist").get_text()
    assert "too short" in fields["password1"].select_one(".errorlist").get_text()
    assert fields["email"].select_one(".errorlist") is None
    box = fields["subdomain"].find("input")
    assert box.find_next(class_="errorlist")["id"] == "id_subdomain_error"
    assert box["aria-describedby"] == "id_subdomain_helptext id_subdomain_error"


def test_signup_creates_user_blog_site_group_and_collection(client):
    response = sign_up(client, email="Ann@Example.com", subdomain="AnnWrites")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = get_user_model().objects.get(email__iexact="ann@example.com")
    blog = BlogPage.objects.get(owner=user)
    assert blog.subdomain == "annwrites" and blog.depth == 2 and blog.live
    site = Site.objects.get(root_page=blog)
    assert site.hostname == "annwrites.localhost" and not site.is_default_site
    assert user.groups.filter(pk=blog.group_id).exists()
    assert GroupPagePermission.objects.filter(group=blog.group, page=blog).exists()
    assert blog.group.collection_permissions.filter(collection=blog.collection).exists()
    assert not EmailAddress.objects.get(user=user).verified


def test_signup_sends_one_confirmation_email_to_the_new_address(client):
    sign_up(client, email="ann@example.com")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ann@example.com"]
    assert link_in(mail.outbox[0]).startswith("/accounts/confirm-email/")


def test_the_confirmation_email_names_the_new_blog_and_its_whole_address(client):
    sign_up(client, email="hazel@example.com", subdomain="Hazel")
    (message,) = mail.outbox
    blog = BlogPage.objects.get(subdomain="hazel")
    # The address the form's help announced is the one the blog got.
    assert blog.full_url == blog_address("hazel") + "/" == "http://hazel.localhost:8000/"
    assert message.subject.endswith("Confirm your email for your new blog, hazel.localhost:8000")
    assert "with the new blog “hazel” at\n\nhttp://hazel.localhost:8000/\n" in message.body


def test_logging_in_before_confirming_mails_the_sign_up_confirmation_again(client):
    sign_up(client, email="hazel@example.com", subdomain="hazel")
    mail.outbox.clear()
    cache.clear()  # allauth sends one confirmation per address every three minutes
    client.post("/accounts/login/", {"login": "hazel@example.com", "password": PASSWORD})
    (message,) = mail.outbox
    assert "with the new blog “hazel” at" in message.body
    assert link_in(message).startswith("/accounts/confirm-email/")


def test_the_confirmation_link_confirms_logs_in_and_lands_in_the_dashboard(client):
    sign_up(client, email="ann@example.com", subdomain="ann")
    path = link_in(mail.outbox[0])
    assert client.get(path).status_code == 200  # a page asking to confirm; GET changes nothing
    assert not EmailAddress.objects.get(email="ann@example.com").verified
    response = client.post(path, follow=True)
    assert EmailAddress.objects.get(email="ann@example.com").verified
    assert response.redirect_chain[0][0] == "/dashboard/"
    assert response.status_code == 200
    assert response.context["user"].email == "ann@example.com"
    assert response.wsgi_request.path == "/dashboard/"


def test_a_new_blog_is_served_on_its_subdomain(client):
    sign_up(client, subdomain="fresh")
    response = Client(HTTP_HOST="fresh.localhost").get("/")
    assert response.status_code == 200
    assert "fresh" in response.content.decode()


def test_login_before_confirming_the_email_is_refused(client):
    sign_up(client, email="ann@example.com")
    other = Client(HTTP_HOST="localhost")
    response = other.post("/accounts/login/", {"login": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in other.session
    assert other.get("/dashboard/").status_code == 302


# --- Subdomains that cannot be had: a form error, and nothing created


@pytest.mark.parametrize(
    "subdomain, message",
    [
        ("www", "“www” is reserved. Choose another."),
        ("Dashboard", "“dashboard” is reserved. Choose another."),
        ("-dash", "Use lowercase letters, digits and hyphens only"),
        ("ünïcode", "Use lowercase letters, digits and hyphens only"),
        ("", "This field is required."),
    ],
)
def test_a_reserved_or_invalid_subdomain_is_a_form_error_and_creates_nothing(
    client, subdomain, message
):
    before = tenant_counts()
    response = sign_up(client, subdomain=subdomain)
    assert response.status_code == 200
    assert any(message in error for error in form_errors(response, "subdomain"))
    assert message in response.content.decode()
    assert tenant_counts() == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    "subdomain, suggestion",
    [("Hazel_Notes", "hazel-notes"), ("hazel notes", "hazel-notes"), ("two.parts", "two-parts")],
)
def test_words_joined_otherwise_than_by_hyphens_get_the_hyphenated_name_suggested(
    client, subdomain, suggestion
):
    before = tenant_counts()
    response = sign_up(client, subdomain=subdomain)
    assert form_errors(response, "subdomain") == [
        f"Try “{suggestion}”: a blog address cannot contain underscores, spaces or dots."
    ]
    assert tenant_counts() == before


def test_a_hyphenated_name_that_is_taken_is_not_suggested(client, make_blogger):
    make_blogger("hazel-notes")
    response = sign_up(client, subdomain="hazel_notes")
    assert form_errors(response, "subdomain") == [
        "Put hyphens between words: a blog address cannot contain underscores, spaces or dots."
    ]


def test_a_taken_subdomain_in_other_case_is_a_form_error_and_creates_nothing(client):
    sign_up(client, email="first@example.com", subdomain="taken")
    before = tenant_counts()
    response = sign_up(client, email="second@example.com", subdomain="TaKeN")
    assert response.status_code == 200
    assert form_errors(response, "subdomain") == ["“taken” is taken. Choose another."]
    assert "is taken. Choose another." in response.content.decode()
    assert tenant_counts() == before
    assert not get_user_model().objects.filter(email="second@example.com").exists()


# --- One transaction: a blog that fails half-way leaves no account behind


def test_a_failure_after_the_blog_is_half_made_leaves_no_user_and_no_blog(client):
    before = tenant_counts()

    def create_then_fail(user, subdomain, **kwargs):
        assert user.pk is not None  # the user row exists by now ...
        create_blog(user, subdomain, **kwargs)  # ... and so does the whole blog
        raise RuntimeError("the disk is full")

    with (
        mock.patch("home.signup.create_blog", side_effect=create_then_fail),
        pytest.raises(RuntimeError, match="the disk is full"),
    ):
        sign_up(client, email="doomed@example.com", subdomain="doomed")
    assert tenant_counts() == before
    assert not get_user_model().objects.filter(email="doomed@example.com").exists()
    assert not Group.objects.filter(name="Blog: doomed").exists()
    assert mail.outbox == []


def test_losing_a_race_for_the_subdomain_is_a_form_error_and_creates_nothing(client):
    """Two sign-ups pass the form check for one subdomain; the second to insert loses."""
    sign_up(client, email="winner@example.com", subdomain="raced")
    before = tenant_counts()

    # The loser's checks ran before the winner's insert: let both of them pass.
    def passes(value, blog=None):
        return value.lower()

    with (
        mock.patch("home.signup.validate_subdomain", side_effect=passes),
        mock.patch("blog.tenants.lifecycle.validate_subdomain", side_effect=passes),
    ):
        response = sign_up(client, email="loser@example.com", subdomain="raced")
    assert response.status_code == 200
    assert form_errors(response, "subdomain") == ["“raced” was taken a moment ago. Choose another."]
    assert tenant_counts() == before
    assert not get_user_model().objects.filter(email="loser@example.com").exists()
    assert len(mail.outbox) == 1  # the winner's confirmation only


# --- Login


def test_login_redirects_to_the_dashboard(client, make_blogger):
    blog = make_blogger("login")
    response = client.post("/accounts/login/", {"login": blog.owner.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_login_with_a_wrong_password_is_a_form_error(client, make_blogger):
    blog = make_blogger("wrongpw")
    response = client.post("/accounts/login/", {"login": blog.owner.email, "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "password you specified are not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- Password reset by email, end to end


def test_password_reset_by_email_sets_a_new_password_that_logs_in(client, make_blogger):
    blog = make_blogger("forgetful")
    email = blog.owner.email
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [email]
    path = link_in(mail.outbox[0])
    assert path.startswith("/accounts/password/reset/key/")

    # The key in the link is swapped for a session token, then the form is shown.
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_path = response.redirect_chain[-1][0]
    new_password = "another-long-password-2"
    response = client.post(form_path, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302

    fresh = Client(HTTP_HOST="localhost")
    response = fresh.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 200  # the old password no longer works
    response = fresh.post("/accounts/login/", {"login": email, "password": new_password})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"


def test_a_password_reset_link_works_only_once(client, make_blogger):
    blog = make_blogger("once")
    client.post("/accounts/password/reset/", {"email": blog.owner.email})
    path = link_in(mail.outbox[0])
    form_path = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_path, {"password1": "new-pass-phrase-3", "password2": "new-pass-phrase-3"})
    response = Client(HTTP_HOST="localhost").get(path, follow=True)
    assert "bad token" in response.content.decode().lower()


# --- Only allauth logs people in


def test_wagtails_own_login_and_password_reset_lead_to_allauth(client):
    response = client.get("/dashboard/login/?next=/dashboard/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/pages/"
    assert client.get("/dashboard/password_reset/").status_code == 404
    assert client.get("/_util/login/").status_code == 404


def test_an_unconfirmed_account_cannot_log_in_through_the_dashboard(client):
    sign_up(client, email="unconfirmed@example.com", subdomain="unconfirmed")
    user = get_user_model().objects.get(email="unconfirmed@example.com")
    fresh = Client(HTTP_HOST="localhost")
    response = fresh.post(
        "/dashboard/login/", {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert fresh.get("/dashboard/").status_code == 302  # still not logged in
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    "next_url", ["http://evil.localhost/", "//evil.localhost/", "https://example.com/"]
)
def test_login_never_redirects_to_a_blog_or_another_site(client, make_blogger, next_url):
    blog = make_blogger("safe")
    response = client.post(
        f"/accounts/login/?next={next_url}", {"login": blog.owner.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_login_follows_a_next_path_on_the_platform(client, make_blogger):
    blog = make_blogger("nexty")
    response = client.post(
        "/accounts/login/?next=/dashboard/pages/", {"login": blog.owner.email, "password": PASSWORD}
    )
    assert response["Location"] == "/dashboard/pages/"
