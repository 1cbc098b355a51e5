"""Two-factor sign-in in a real Chromium: a blogger finds it on the Account page, turns it
on with the code an authenticator app makes (pyotp, from the secret the page shows),
keeps the recovery codes, signs out, and signs in with the password then a code. The
pages are checked by axe-core and photographed at 1280 and 390 px (tests/artifacts/)."""

from urllib.parse import urlsplit

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.support.accessibility import serious_violations
from tests.support.browser import csp_violations, needs_chromium, photograph
from tests.support.clients import PASSWORD

pytestmark = [*needs_chromium, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in_with_password(page, platform, email):
    page.goto(f"{platform}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")


def test_a_blogger_turns_on_two_factor_sign_in_and_signs_in_with_a_code(
    live_server, browser_page, shoot, make_blogger
):
    page = browser_page
    platform = f"http://localhost:{urlsplit(live_server.url).port}"
    blog = make_blogger("wren")
    email = blog.owner.email
    sign_in_with_password(page, platform, email)
    page.wait_for_url(f"{platform}/dashboard/")

    page.goto(f"{platform}/dashboard/account/")
    panel = page.get_by_role("region", name="Two-factor sign-in")
    expect(panel).to_contain_text("Off.")
    panel.get_by_role("link", name="your two-factor sign-in page").click()
    page.wait_for_url(f"{platform}/accounts/2fa/")
    photograph(page, shoot, "two-factor-off")
    page.get_by_role("link", name="Activate").click()
    # Changing how one signs in asks for the password again.
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{platform}/accounts/2fa/totp/activate/")
    assert serious_violations(page) == []
    photograph(page, shoot, "two-factor-activate")
    app = pyotp.TOTP(page.input_value("#authenticator_secret"))
    page.fill("input[name=code]", app.now())
    page.click("form button[type=submit]")
    page.wait_for_url(f"{platform}/accounts/2fa/recovery-codes/")
    expect(page.locator(".messages")).to_contain_text("Authenticator app activated")
    photograph(page, shoot, "two-factor-recovery-codes")
    codes = page.input_value("#recovery_codes").split()
    assert len(codes) == 10
    assert Authenticator.objects.filter(user=blog.owner).count() == 2  # the app, the codes

    # Signed out, the password alone no longer opens the dashboard.
    page.context.clear_cookies()
    sign_in_with_password(page, platform, email)
    page.wait_for_url(f"{platform}/accounts/2fa/authenticate/")
    page.fill("input[name=code]", "000000")
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator("form[action='/accounts/2fa/authenticate/']").first).to_contain_text(
        "Incorrect code"
    )
    assert serious_violations(page) == []
    photograph(page, shoot, "two-factor-wrong-code")
    page.fill("input[name=code]", app.now())
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{platform}/dashboard/")
    page.goto(f"{platform}/dashboard/account/")
    expect(page.get_by_role("region", name="Two-factor sign-in")).to_contain_text("On.")
    assert csp_violations(page) == []


def plug_in_a_security_key(page):
    """A virtual FIDO2 security key in Chromium (its DevTools WebAuthn domain): the browser
    runs the real WebAuthn ceremony with it, as with a USB key the person touches."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "usb",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    key = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return devtools, key["authenticatorId"]


def test_a_blogger_adds_a_security_key_and_signs_in_with_it(
    live_server, browser_page, shoot, make_blogger
):
    page = browser_page
    platform = f"http://localhost:{urlsplit(live_server.url).port}"
    blog = make_blogger("finch")
    email = blog.owner.email
    devtools, key = plug_in_a_security_key(page)
    sign_in_with_password(page, platform, email)
    page.wait_for_url(f"{platform}/dashboard/")
    page.goto(f"{platform}/dashboard/account/")
    photograph(page, shoot, "account-two-factor-panel")

    page.goto(f"{platform}/accounts/2fa/")
    page.get_by_role("link", name="Add").last.click()
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{platform}/accounts/2fa/webauthn/add/")
    assert serious_violations(page) == []
    photograph(page, shoot, "security-key-add")
    page.fill("input[name=name]", "Blue key")
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".messages")).to_contain_text("Security key added")
    photograph(page, shoot, "security-key-added")
    keys = Authenticator.objects.filter(user=blog.owner, type=Authenticator.Type.WEBAUTHN)
    assert [k.wrap().name for k in keys] == ["Blue key"]
    stored = devtools.send("WebAuthn.getCredentials", {"authenticatorId": key})
    assert len(stored["credentials"]) == 1

    # Signed out, the password alone no longer opens the dashboard; the key does.
    page.context.clear_cookies()
    sign_in_with_password(page, platform, email)
    page.wait_for_url(f"{platform}/accounts/2fa/authenticate/")
    photograph(page, shoot, "security-key-sign-in")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(f"{platform}/dashboard/")
    page.goto(f"{platform}/dashboard/account/")
    expect(page.get_by_role("region", name="Two-factor sign-in")).to_contain_text("On.")
    assert csp_violations(page) == []
