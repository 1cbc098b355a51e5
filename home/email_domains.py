"""Which email addresses may sign up: not throwaway, not obviously undeliverable.

An account's address is how its owner gets back in (password reset) and how staff
reach them, so sign-up, and adding an address to an account later, refuse (through
``home.adapter.AccountAdapter.clean_email``), with a message saying why:

* disposable domains, from ``disposable_email_domains.txt`` (kept in the repository,
  small, grown as abuse shows up), and their subdomains;
* domains that cannot receive mail from the internet: no dot at all (``me@localhost``),
  an IP address (``me@[192.0.2.1]``), a reserved top-level name (``.invalid``,
  ``.test``...), and the platform's own domain and its blogs' hosts.

Nothing here looks anything up in DNS: sign-up must not wait on, or fail with, a
resolver; confirming the address by mail is the real test.
"""

import functools
import ipaddress
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

DISPOSABLE_DOMAINS_FILE = Path(__file__).with_name("disposable_email_domains.txt")
# RFC 2606 and RFC 6761 names, and mDNS's .local: never on the public internet.
RESERVED_TLDS = frozenset({"example", "invalid", "localhost", "test", "local"})


@functools.cache
def disposable_domains():
    lines = DISPOSABLE_DOMAINS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip()[:1] not in ("", "#"))


def is_within(domain, parent):
    return domain == parent or domain.endswith(f".{parent}")


def is_ip_address(domain):
    try:
        ipaddress.ip_address(domain.strip("[]"))
    except ValueError:
        return False
    return True


def validate_signup_email(address):
    """Raise ``ValidationError`` if ``address`` (already a valid email) may not sign up."""
    domain = address.rpartition("@")[2].lower().rstrip(".")
    if is_ip_address(domain) or "." not in domain or domain.rsplit(".", 1)[1] in RESERVED_TLDS:
        raise ValidationError(
            f"“{domain}” is not a domain that can receive email. Check the address for typos.",
            code="undeliverable_email",
        )
    if is_within(domain, settings.BLOG_DOMAIN):
        raise ValidationError(
            f"Addresses at {domain} cannot receive email. Use your own email address.",
            code="platform_email",
        )
    if is_disposable(domain):
        raise ValidationError(
            f"{domain} hands out throwaway addresses. Sign up with an address you will keep: "
            "it is how you get back into your blog.",
            code="disposable_email",
        )


def is_disposable(domain):
    """Is ``domain``, or a domain it is under, on the disposable list?"""
    labels = domain.split(".")
    return any(".".join(labels[i:]) in disposable_domains() for i in range(len(labels) - 1))
