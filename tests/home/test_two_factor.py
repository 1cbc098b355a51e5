"""Two-factor sign-in: turning it on with an authenticator app, signing in with its codes
or a recovery code, its secrets encrypted at rest, the scripts its pages may run, and
staff required to use it.

The codes are made by pyotp, an implementation of RFC 6238 written by others, as an
authenticator app would make them from the secret the page shows.
"""

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from bs4 import BeautifulSoup
from django.test import Client

from home.two_factor import SecretsUnreadable, TwoFactorAdapter
from tests.support.clients import PASSWORD


def signed_in(blog):
    """A platform client signed in with the password, as allauth records it."""
    client = Client(HTTP_HOST="localhost")
    response = client.post("/accounts/login/", {"login": blog.owner.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def turn_on(client, password=PASSWORD):
    """Turn on two-factor sign-in as a person does: confirm the password again (asked
    before any change to how one signs in), scan the secret, type the app's code."""
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": password})
    page = BeautifulSoup(client.get("/accounts/2fa/totp/activate/").text, "html.parser")
    secret = page.find(id="authenticator_secret")["value"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.content
    return secret


def test_a_blogger_turns_it_on_with_an_authenticator_app(make_blogger):
    blog = make_blogger()
    client = signed_in(blog)
    assert "Off." in client.get("/dashboard/account/").text
    secret = turn_on(client)
    totp = Authenticator.objects.get(user=blog.owner, type=Authenticator.Type.TOTP)
    assert "On." in client.get("/dashboard/account/").text
    # Stored encrypted: the database alone cannot make codes.
    assert secret not in str(totp.data)
    assert TwoFactorAdapter().decrypt(totp.data["secret"]) == secret


def test_a_wrong_code_does_not_turn_it_on(make_blogger):
    blog = make_blogger()
    client = signed_in(blog)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert response.status_code == 200 and "Incorrect code" in response.text
    assert not Authenticator.objects.filter(user=blog.owner).exists()


@pytest.fixture
def protected(make_blogger):
    """A blogger who turned two-factor sign-in on, and the secret of their app."""
    blog = make_blogger()
    client = signed_in(blog)
    secret = turn_on(client)
    client.post("/accounts/logout/")
    return blog, secret


def test_signing_in_asks_for_the_code_after_the_password(protected):
    blog, secret = protected
    client = Client(HTTP_HOST="localhost")
    response = client.post("/accounts/login/", {"login": blog.owner.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/dashboard/").status_code == 302  # the password alone is not enough
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200 and "Incorrect code" in response.text
    response = client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_a_recovery_code_signs_in_once(protected):
    blog, _secret = protected
    codes = Authenticator.objects.get(user=blog.owner, type=Authenticator.Type.RECOVERY_CODES)
    code = codes.wrap().get_unused_codes()[0]
    for expected in ("/dashboard/", None):
        client = Client(HTTP_HOST="localhost")
        client.post("/accounts/login/", {"login": blog.owner.email, "password": PASSWORD})
        response = client.post("/accounts/2fa/authenticate/", {"code": code})
        assert response.get("Location") == expected


def test_secrets_survive_a_rotated_secret_key(protected, settings):
    """Rotating SECRET_KEY as Django documents (the old one in SECRET_KEY_FALLBACKS)
    keeps every authenticator app working."""
    blog, secret = protected
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    client = Client(HTTP_HOST="localhost")
    client.post("/accounts/login/", {"login": blog.owner.email, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and client.get("/dashboard/").status_code == 200


def test_a_secret_whose_key_is_gone_says_how_to_get_it_back(protected, settings):
    """A key dropped from rotation too soon: the operator is told what to put back, rather
    than the account's codes silently failing as if they were wrong."""
    blog, secret = protected
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    client = Client(HTTP_HOST="localhost", raise_request_exception=True)
    client.post("/accounts/login/", {"login": blog.owner.email, "password": PASSWORD})
    with pytest.raises(SecretsUnreadable, match="SECRET_KEY_FALLBACKS"):
        client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})


def test_guessing_codes_is_stopped_after_five_tries(protected):
    """Each wrong code counts as a failed sign-in of the account (``login_failed``: 5 in
    15 minutes), so guessing 6-digit codes gets about 480 tries a day, not millions."""
    blog, secret = protected
    client = Client(HTTP_HOST="localhost")
    client.post("/accounts/login/", {"login": blog.owner.email, "password": PASSWORD})
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    response = client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and "Too many failed" in response.text
    assert client.get("/dashboard/").status_code == 302


def test_one_account_never_sees_anothers_second_factor(protected, make_blogger):
    """The pages show the signed-in account's own authenticators: they take no ids."""
    blog, _secret = protected
    codes = Authenticator.objects.get(user=blog.owner, type=Authenticator.Type.RECOVERY_CODES)
    other = signed_in(make_blogger())
    assert "is not active" in other.get("/accounts/2fa/").text
    other.post("/accounts/reauthenticate/", {"password": PASSWORD})
    for path in ("/accounts/2fa/recovery-codes/", "/accounts/2fa/recovery-codes/download/"):
        page = other.get(path)
        assert not any(code in page.content.decode() for code in codes.wrap().get_unused_codes())
    assert other.get("/accounts/2fa/totp/deactivate/").status_code in (302, 404)


def test_only_the_two_factor_pages_run_the_platforms_own_script_files(make_blogger):
    """Security keys are reachable only from JavaScript: the two-factor pages may load the
    platform's own script files, never inline or another host's; sign-in runs none."""
    client = signed_in(make_blogger())
    policy = client.get("/accounts/2fa/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'none'"
    login = Client(HTTP_HOST="localhost").get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src" not in login and "default-src 'none'" in login


STAFF_PASSWORD = "pw-staff-1"  # tests/conftest.py's staff


@pytest.fixture
def staff_must_use_it(settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True


def test_staff_without_a_second_factor_are_sent_to_turn_one_on(
    staff_must_use_it, staff_client, make_blogger
):
    response = staff_client.get("/dashboard/pages/")
    assert response["Location"] == "/accounts/2fa/"
    assert "Staff accounts sign in with a second factor" in staff_client.get("/accounts/2fa/").text
    turn_on(staff_client, STAFF_PASSWORD)
    assert staff_client.get("/dashboard/pages/").status_code == 200
    # Bloggers are not required to.
    assert signed_in(make_blogger()).get("/dashboard/").status_code == 200


def test_staff_cannot_turn_off_their_last_second_factor(staff_must_use_it, staff, staff_client):
    turn_on(staff_client, STAFF_PASSWORD)
    response = staff_client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert "Staff accounts must keep two-factor sign-in on" in response.text
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_with_the_requirement_off_staff_may_turn_it_off(settings, staff, staff_client):
    settings.STAFF_TWO_FACTOR_REQUIRED = False
    turn_on(staff_client, STAFF_PASSWORD)
    assert staff_client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
