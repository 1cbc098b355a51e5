"""Proof that a blogger owns the domain they give their blog: a DNS TXT record.

Every custom domain points (CNAME) at the same name, ``CUSTOM_DOMAIN_TARGET``, and people
who stop using a domain here often leave that record behind. Without proof, anyone could
then claim the domain and be served on it, with a valid certificate: a "dangling DNS"
takeover, or a squatter holding a domain before its owner arrives. So a blog takes a
domain only while ``_bearcms.<domain>`` has a TXT record holding a token shown to that
blog alone: an HMAC of the blog and the domain under ``SECRET_KEY``, so nothing is stored.

The record is checked when a blogger sets or changes the domain (``blog.models.forms``), not on
every publish: a DNS hiccup must not stop someone publishing a post. Lookups go to the
system's resolver, or to ``DNS_NAMESERVERS`` when set (the tests run a DNS server of
their own). ``CUSTOM_DOMAIN_VERIFICATION`` turns the check off for development.
"""

import dns.exception
import dns.resolver
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac

RECORD_PREFIX = "_bearcms"


def record_name(domain):
    return f"{RECORD_PREFIX}.{domain}"


def ownership_token(blog, domain):
    """The TXT value that proves ``blog``'s owner controls ``domain``'s DNS."""
    digest = salted_hmac("bearcms.domain-ownership", f"{blog.pk}:{domain}").hexdigest()
    return f"bearcms-verify={digest[:32]}"


def resolver():
    resolver = dns.resolver.Resolver(configure=not settings.DNS_NAMESERVERS)
    if settings.DNS_NAMESERVERS:
        host, _, port = settings.DNS_NAMESERVERS[0].partition(":")
        resolver.nameservers = [host]
        resolver.port = int(port or 53)
    resolver.lifetime = settings.DNS_LOOKUP_SECONDS
    return resolver


def txt_values(name):
    """The TXT strings at ``name``; [] when it has none. DNSException if DNS fails."""
    try:
        answer = resolver().resolve(name, "TXT", search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    return [b"".join(record.strings).decode("ascii", "replace") for record in answer]


def verify_ownership(blog, domain):
    """Return quietly if ``domain``'s DNS holds ``blog``'s token; else ValidationError
    saying exactly which record to add."""
    if not settings.CUSTOM_DOMAIN_VERIFICATION:
        return
    token = ownership_token(blog, domain)
    try:
        found = token in txt_values(record_name(domain))
    except dns.exception.DNSException:
        raise ValidationError(
            f"Could not look up {domain}'s DNS records just now. Try again in a minute.",
            code="dns_unavailable",
        ) from None
    if not found:
        raise ValidationError(
            f"To show that {domain} is yours, add this DNS record at your domain's DNS "
            f"provider, then save again: type TXT, name {record_name(domain)}, value "
            f"{token}. New records can take a few minutes to appear.",
            code="unverified",
        )
