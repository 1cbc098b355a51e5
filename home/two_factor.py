"""Two-factor sign-in: allauth's MFA (``/accounts/2fa/``), its secrets encrypted at rest,
its place on the dashboard's Account page, and staff required to use it.

allauth stores an authenticator app's secret, and the seed its recovery codes are made
from, in the database as they are. Whoever reads a copy of the database (a leaked
backup, a replica) could then make every account's codes. ``TwoFactorAdapter`` encrypts
them with Fernet (cryptography's authenticated encryption) under a key derived from
``SECRET_KEY``, which lives in the environment, never in the database. A key in
``SECRET_KEY_FALLBACKS`` still opens what it encrypted, so rotating ``SECRET_KEY`` the
way Django documents it keeps everyone's second factor working.

Staff can open every blog, so with ``STAFF_TWO_FACTOR_REQUIRED`` (on in production) a
staff account without a second factor is sent from the dashboard to the page that turns
one on, and cannot turn off the last one it has.
"""

import base64
import functools

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import salted_hmac

from blog.models.permissions import is_staff
from home.account_panels import InfoPanel

KEY_SALT = "bearcms.two_factor.secrets"


def fernet_key(secret_key):
    """A Fernet key (32 bytes, URL-safe base64) of its own for this purpose."""
    digest = salted_hmac(KEY_SALT, "fernet", secret=secret_key, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest)


def secrets_cipher():
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([Fernet(fernet_key(key)) for key in keys])


class SecretsUnreadable(Exception):
    """The key that encrypted an account's second factor is gone: the operator must act,
    and the message says how (the account cannot sign in with its codes until then)."""


def must_use_second_factor(user):
    return settings.STAFF_TWO_FACTOR_REQUIRED and is_staff(user)


class TwoFactorAdapter(DefaultMFAAdapter):
    """allauth's MFA, with its secrets encrypted and staff's last factor kept (the hooks
    allauth provides for both)."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Staff accounts must keep two-factor sign-in on. To change your authenticator "
            "app, add a security key first, or ask another staff member."
        ),
    }

    def encrypt(self, text):
        return secrets_cipher().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text):
        try:
            return secrets_cipher().decrypt(encrypted_text.encode()).decode()
        except InvalidToken:
            raise SecretsUnreadable(
                "A two-factor secret cannot be decrypted: it was encrypted under a "
                "SECRET_KEY that is neither SECRET_KEY nor in SECRET_KEY_FALLBACKS now. "
                "Put the old key back in SECRET_KEY_FALLBACKS."
            ) from None

    def can_delete_authenticator(self, authenticator):
        """Staff may remove a factor only while another one (not recovery codes) remains."""
        if not must_use_second_factor(authenticator.user):
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id).exclude(
            pk=authenticator.pk
        )
        return others.exclude(type=Authenticator.Type.RECOVERY_CODES).exists()


def staff_second_factor_required(view):
    """Wrap a dashboard view so that staff without a second factor are sent to turn one on
    (``bearcms.urls`` wraps every dashboard URL with this)."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and must_use_second_factor(user) and not is_mfa_enabled(user):
            messages.info(
                request,
                "Staff accounts sign in with a second factor. Turn one on here to open the "
                "dashboard.",
            )
            return redirect("mfa_index")
        return view(request, *args, **kwargs)

    return guarded


class TwoFactorSettingsPanel(InfoPanel):
    """Whether the account signs in with a second factor, and the way to change it."""

    name = "two_factor"
    title = "Two-factor sign-in"
    order = 160  # under the email panel (150)
    template_name = "home/admin/account_two_factor_panel.html"

    def get_context_data(self):
        return {"enabled": is_mfa_enabled(self.user), "manage_url": reverse("mfa_index")}
