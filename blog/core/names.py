"""Names and hosts: what a subdomain or a custom domain may be, the host a blog is served
on, and the paths feed readers and scanners guess.

Pure rules on strings and settings, checked wherever a name comes in (sign-up, the blog's
settings, Caddy's certificate gate, host routing); whether a name is taken is asked of
the database by the callers.
"""

import re

import idna
from django.conf import settings
from django.core.exceptions import ValidationError

RESERVED_SUBDOMAINS = frozenset(
    """
    about abuse account accounts admin administrator api app assets auth billing blog
    blogs cdn dashboard dev discover docs email feed feeds ftp help imap info legal mail
    media news noreply ns ns1 ns2 pop pop3 postmaster root security signup smtp staff
    staging static status support test webmail www
    """.split()  # noqa: SIM905 (a word list reads better than one string per line)
)
# One DNS label: a subdomain, or each part of a domain.
LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
MAX_DOMAIN_LENGTH = 253
SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://")
NOT_A_DOMAIN = (
    "Enter a domain name like blog.example.com: letters, digits and hyphens, with at "
    "least one dot, and no port, path or IP address."
)
# Path segments that only scanners ask for (WordPress, phpMyAdmin, CGI).
PROBED_NAMES = frozenset(
    {"wp-admin", "wp-content", "wp-includes", "wp-json", "wp-login", "cgi-bin", "phpmyadmin"}
)
# Where feed readers look when given only the blog's address, and Bear Blog's aliases of its
# feed; the blog advertises /feed/. A path with "rss" in it answers RSS, the others Atom.
GUESSED_FEED_PATHS = [
    "atom/",
    "rss/",
    "feed/atom/",
    "feed/rss/",
    "feed.xml",
    "atom.xml",
    "rss.xml",
    "index.xml",
]


def normalise_subdomain(value):
    return (value or "").strip().lower()


def is_a_label(label):
    """Whether an ``xn--`` label is punycode for a real international name: browsers
    refuse a host with one that is not, so a blog there could never be opened."""
    try:
        idna.decode(label)
    except (idna.IDNAError, UnicodeError):
        return False
    return True


def is_platform_host(hostname):
    """Whether ``hostname`` is, or is under, a name the platform points elsewhere: the
    target custom domains point at, the media CDN (``blog.tenants.custom_domains``)."""
    names = {settings.CUSTOM_DOMAIN_TARGET, settings.AWS_S3_CUSTOM_DOMAIN}
    names -= {"", settings.BLOG_DOMAIN}
    return any(hostname == name or hostname.endswith("." + name) for name in names)


def blog_hostname(subdomain):
    return f"{subdomain}.{settings.BLOG_DOMAIN}"


def normalise_domain(value):
    """The domain as stored: lowercase ASCII (international names in punycode), without a
    scheme, path or trailing dot, which people often paste along with it. "" if empty.

    Raises ValidationError when the text cannot be a hostname.
    """
    domain = SCHEME_RE.sub("", (value or "").strip().lower()).rstrip("/").rstrip(".")
    if not domain:
        return ""
    try:
        # IDNA 2008 with UTS 46 mapping, as browsers do: faß.de is not fass.de.
        domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise ValidationError(NOT_A_DOMAIN, code="invalid") from None
    labels = domain.split(".")
    if (
        len(domain) > MAX_DOMAIN_LENGTH
        or len(labels) < 2
        or not all(LABEL_RE.match(label) for label in labels)
        or labels[-1].isdigit()  # an IP address, or a name no one can register
    ):
        raise ValidationError(NOT_A_DOMAIN, code="invalid")
    return domain


def platform_name_of(domain):
    """The platform's own name ``domain`` is or is under, or None.

    Besides ``BLOG_DOMAIN``, the name custom domains point at and the media CDN's host
    point at the platform: a blog claiming one would get a certificate for it.
    """
    names = (settings.BLOG_DOMAIN, settings.CUSTOM_DOMAIN_TARGET, settings.AWS_S3_CUSTOM_DOMAIN)
    for name in filter(None, names):
        if domain == name or domain.endswith("." + name):
            return name
    return None


def blog_host(blog):
    """The host a blog is served on: its custom domain or its subdomain."""
    return blog.custom_domain or blog_hostname(blog.subdomain)


def validate_custom_domain(value, blog):
    """The normalised domain ``blog`` (a ``BlogPage``, saved or not) may claim, or
    ValidationError saying why not."""
    domain = normalise_domain(value)
    if not domain:
        return ""
    if platform := platform_name_of(domain):
        raise ValidationError(
            f"{domain} belongs to {platform}, this platform's own domain: your blog already "
            "has its address here. Enter a domain you own instead.",
            code="platform",
        )
    others = type(blog).objects.filter(custom_domain=domain)
    if blog.pk:
        others = others.exclude(pk=blog.pk)
    if others.exists():
        raise ValidationError(f"{domain} is already used by another blog.", code="taken")
    return domain


# An old address (a post's alias) with a dot in it, as its URL pattern:
# ``2012/01/02/cool-post.html``, with or without a slash after it. A part that is all
# dots is no path (PostPage.alias refuses it too).
OLD_ADDRESS_WITH_A_DOT = r"^(?=.*\.)((?:[\w-][\w.-]*/)*[\w-][\w.-]*/?)$"
