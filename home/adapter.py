"""django-allauth adapter: safe redirects, account mail that cannot break a request, the
client address its rate limits count by, and which email addresses an account may have."""

import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

from blog.reader_requests import client_ip
from home.email_domains import validate_signup_email

logger = logging.getLogger(__name__)


def masked(address):
    """``s***@example.com``: enough to find the case in the logs, not the whole address."""
    local, _, domain = str(address).rpartition("@")
    return f"{local[:1]}***@{domain}" if local else "***"


class AccountAdapter(DefaultAccountAdapter):
    def is_safe_url(self, url):
        # allauth trusts ALLOWED_HOSTS, which admits every blog's host (blog.hosts checks
        # hosts instead): a ?next= there would land a freshly logged-in user on a page
        # any blogger controls.
        return url_has_allowed_host_and_scheme(
            url,
            allowed_hosts={settings.BLOG_DOMAIN, self.request.get_host()},
            require_https=self.request.is_secure(),
        )

    def clean_email(self, email):
        # allauth asks here for every address a person gives: at sign-up, when adding an
        # address at /accounts/email/ (which could otherwise swap a real address for a
        # throwaway one after sign-up), and for a password reset. A reset only looks an
        # account up: refusing it would lock out an owner whose domain joined the
        # disposable list after they signed up.
        email = super().clean_email(email)
        match = getattr(self.request, "resolver_match", None)
        if match is None or match.url_name != "account_reset_password":
            validate_signup_email(email)
        return email

    def get_client_ip(self, request):
        # allauth trusts no proxy by default, so behind Caddy every person would share
        # Caddy's address and one rate limit. The reader endpoints' rule applies instead:
        # X-Forwarded-For is believed from TRUSTED_PROXIES only.
        return client_ip(request)

    def send_mail(self, template_prefix, email, context):
        # Sign-up, password reset and confirmation resend all send through here. A mail
        # outage or a wrong SMTP password must not turn them into a 500 (or roll back a
        # sign-up): log it and go on; the person can ask for the mail again. OSError
        # covers refused connections, timeouts and TLS failures.
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError) as error:
            logger.error("Could not send %s to %s: %s", template_prefix, masked(email), error)
