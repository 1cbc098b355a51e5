"""Host → blog routing, independent of the number of blogs.

Stock Wagtail's ``Site.find_for_request`` falls back to an ``OR is_default_site`` query
that scans the Site table, and serves the default site for unknown hosts. Here the host
(port ignored) is one indexed, cached lookup (``blog.site_cache``), and:

* the platform host (``BLOG_DOMAIN``) gets the default Site and the full URLconf;
* a blog's host gets the reader-only URLconf and ``request.blog``, loaded once;
* any other host, or a blog that is not live, gets a 404 and never the default site.

``request._wagtail_site`` is set for all of them; every Wagtail view honours it.
"""

from django.conf import settings
from django.http import HttpResponseNotFound
from django.http.request import split_domain_port
from django.template.loader import render_to_string
from wagtail.models import Site

from blog.models import BlogPage
from blog.site_cache import cached, host_key

SITE_FIELDS = ("id", "hostname", "port", "site_name", "root_page_id", "is_default_site")
MAX_HOST_LENGTH = 253  # DNS's limit; longer "hosts" are junk


def resolve_site_for_host(host):
    """Return the Site serving ``host`` (lowercase, no port), or None.

    ``BLOG_DOMAIN`` always means the platform's default Site; no other host falls back
    to it.
    """

    def lookup():
        if host == settings.BLOG_DOMAIN:
            sites = Site.objects.filter(is_default_site=True)
        else:
            sites = Site.objects.filter(hostname=host, is_default_site=False)
        return sites.values(*SITE_FIELDS).first()

    data = cached(host_key(host), lookup)
    return Site(**data) if data else None


class BlogHostMiddleware:
    """Route each request by its host: platform, one blog, or 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The raw host: Django's ALLOWED_HOSTS check still runs later, in get_host().
        host, _port = split_domain_port(request._get_raw_host())
        site = None
        if host and len(host) <= MAX_HOST_LENGTH:
            site = resolve_site_for_host(host)
        if site is not None and not site.is_default_site:
            request.urlconf = settings.BLOG_URLCONF
            # Every reader view needs the blog: load it once, as the site's root page,
            # so Wagtail's routing starts from the specific BlogPage with no more queries.
            request.blog = BlogPage.objects.filter(id=site.root_page_id, live=True).first()
            site.root_page = request.blog
            if request.blog is None:
                site = None
        if site is None:
            return HttpResponseNotFound(render_to_string("404_unknown_host.html"))
        request._wagtail_site = site
        return self.get_response(request)
