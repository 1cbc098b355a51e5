"""A blog's own domain: validating it, serving the blog on it, and Caddy's certificate gate.

The domain is stored on the blog (``BlogPage.custom_domain``: lowercase, punycode, unique)
and, while the blog is live with it, is also its Site's hostname. That one choice makes
every URL Wagtail builds (canonical links, feeds, sitemaps, "view live") use the custom
domain, and keeps host resolution the same single indexed lookup (``blog.tenants.hosts``): no
extra Site row per domain. The old ``<subdomain>.<BLOG_DOMAIN>`` host then finds no
Site, and ``blog.tenants.hosts`` answers it with a permanent redirect to the custom domain.

Caddy issues certificates on demand, for any name a client asks for, unless the
``/caddy/ask/`` view (``blog.tenants.views``) says no: it answers 200 only for a live,
unblocked blog's domain, so nobody can make the proxy request certificates for names that
are no blog.
"""

from django.conf import settings
from wagtail.models import Site

from blog.core.names import blog_host
from blog.models import BlogPage
from blog.tenants.site_cache import blog_subdomain_keys, forget


def sync_site(blog):
    """Point the blog's Site at the blog's current (live) host, under its current title.

    The Site's name is what Wagtail's admin calls the blog (the dashboard's heading, the
    site lists), so it follows a renamed blog. Site saves clear the cached lookups of the
    old and new hostnames (``blog.tenants.site_cache``); the subdomains' entries are cleared
    here as well, since they may hold a redirect to a host that has just changed.
    """
    wanted = {"hostname": blog_host(blog), "site_name": blog.title}
    site = Site.objects.filter(root_page_id=blog.pk).first()
    changed = [name for name, value in wanted.items() if getattr(site, name, value) != value]
    if changed:
        for name in changed:
            setattr(site, name, wanted[name])
        site.save(update_fields=changed)
    forget(blog_subdomain_keys(blog))


def may_have_certificate(domain):
    """Whether Caddy may get a certificate for ``domain`` (lowercase ASCII)."""
    blogs = BlogPage.objects.filter(live=True, blocked=False)
    if blogs.filter(custom_domain=domain).exists():
        return True
    if not settings.CADDY_ASK_SUBDOMAINS:
        return False
    if domain == settings.BLOG_DOMAIN:
        return True
    subdomain = domain.removesuffix("." + settings.BLOG_DOMAIN)
    return subdomain != domain and blogs.filter(subdomain=subdomain).exists()
