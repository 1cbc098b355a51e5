"""A blog's own domain: validating it, serving the blog on it, and Caddy's certificate gate.

The domain is stored on the blog (``BlogPage.custom_domain``: lowercase, punycode, unique)
and, while the blog is live with it, is also its Site's hostname. That one choice makes
every URL Wagtail builds (canonical links, feeds, sitemaps, "view live") use the custom
domain, and keeps host resolution the same single indexed lookup (``blog.hosts``): no
extra Site row per domain. The old ``<subdomain>.<BLOG_DOMAIN>`` host then finds no
Site, and ``blog.hosts`` answers it with a permanent redirect to the custom domain.

Caddy issues certificates on demand, for any name a client asks for, unless the
``/caddy/ask/`` view below says no: it answers 200 only for a live, unblocked blog's
domain, so nobody can make the proxy request certificates for names that are no blog.
"""

import re

import idna
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Site

from blog.site_cache import forget, host_key

LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
MAX_DOMAIN_LENGTH = 253
SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://")
NOT_A_DOMAIN = (
    "Enter a domain name like blog.example.com: letters, digits and hyphens, with at "
    "least one dot, and no port, path or IP address."
)


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


def validate_custom_domain(value, blog=None):
    """The normalised domain ``blog`` may claim, or ValidationError saying why not."""
    from blog.models import BlogPage

    domain = normalise_domain(value)
    if not domain:
        return ""
    if platform := platform_name_of(domain):
        raise ValidationError(
            f"{domain} belongs to {platform}, this platform's own domain: your blog already "
            "has its address here. Enter a domain you own instead.",
            code="platform",
        )
    others = BlogPage.objects.filter(custom_domain=domain)
    if blog is not None and blog.pk:
        others = others.exclude(pk=blog.pk)
    if others.exists():
        raise ValidationError(f"{domain} is already used by another blog.", code="taken")
    return domain


def blog_host(blog):
    """The host a blog is served on: its custom domain or its subdomain."""
    from blog.tenancy import blog_hostname

    return blog.custom_domain or blog_hostname(blog.subdomain)


def sync_site_hostname(blog):
    """Point the blog's Site at the blog's current (live) host.

    Site saves clear the cached lookups of the old and new hostnames (``blog.site_cache``);
    the subdomain's entry is cleared here as well, since it may hold a redirect to a
    domain that has just changed.
    """
    from blog.tenancy import blog_hostname

    host = blog_host(blog)
    site = Site.objects.filter(root_page_id=blog.pk).first()
    if site is not None and site.hostname != host:
        site.hostname = host
        site.save(update_fields=["hostname"])
    forget([host_key(blog_hostname(blog.subdomain))])


def may_have_certificate(domain):
    """Whether Caddy may get a certificate for ``domain`` (lowercase ASCII)."""
    from blog.models import BlogPage

    blogs = BlogPage.objects.filter(live=True, blocked=False)
    if blogs.filter(custom_domain=domain).exists():
        return True
    if not settings.CADDY_ASK_SUBDOMAINS:
        return False
    if domain == settings.BLOG_DOMAIN:
        return True
    subdomain = domain.removesuffix("." + settings.BLOG_DOMAIN)
    return subdomain != domain and blogs.filter(subdomain=subdomain).exists()


@require_GET
@never_cache
def caddy_ask(request):
    """Caddy's on-demand TLS permission check: 200 yes, 404 no, 400 without a domain."""
    domain = request.GET.get("domain", "").strip().lower().rstrip(".")
    if not domain:
        return HttpResponseBadRequest("Missing ?domain=\n", content_type="text/plain")
    if len(domain) <= MAX_DOMAIN_LENGTH and may_have_certificate(domain):
        return HttpResponse("OK\n", content_type="text/plain")
    return HttpResponseNotFound("No blog has this domain.\n", content_type="text/plain")
