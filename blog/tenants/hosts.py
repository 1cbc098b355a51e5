"""Host → blog routing, independent of the number of blogs.

Stock Wagtail's ``Site.find_for_request`` falls back to an ``OR is_default_site`` query
that scans the Site table, and serves the default site for unknown hosts. Here the host
(port ignored) is one indexed, cached lookup (``blog.tenants.site_cache``), and:

* the platform host (``BLOG_DOMAIN``) gets the default Site and the full URLconf;
* a blog's host (its Site's hostname: the subdomain, or the custom domain when it has
  one) gets the reader-only URLconf and ``request.blog``, loaded once;
* the subdomain of a blog that moved to a custom domain gets a permanent redirect there
  (``blog.tenants.custom_domains``), and so does a subdomain a blog had before it was
  renamed, for as long as it rests in quarantine (``blog.tenants.lifecycle.rename_blog``);
* any other host, or a blog that is not live, gets a 404 and never the default site;
* a blog staff blocked gets a 410 with a neutral page: none of its content, whatever the
  path (``blog.moderation.flags``).

The Site found is the request's Site for every Wagtail view (``remember_site``).
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseGone, HttpResponseNotFound, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from wagtail.models import Site

from blog.core.names import blog_host
from blog.models import BlogPage
from blog.tenants.lifecycle import redirects_since
from blog.tenants.site_cache import blog_key, cached, host_key
from blog.wagtail_overrides.requests import remember_site, request_host

SITE_FIELDS = ("id", "hostname", "port", "site_name", "root_page_id", "is_default_site")


def host_entry(host, found=None):
    """What ``host`` (lowercase, no port) is, from the shared cache: a Site's fields, or
    ``{"moved_to": host}`` for a subdomain the blog left, for its own domain or by a
    rename (``{"blocked": True}`` when staff blocked that blog), or None.

    ``BLOG_DOMAIN`` always means the platform's default Site; no other host falls back
    to it. ``found``: the cache's answers already read, as ``cached`` takes them.
    """

    def lookup():
        if host == settings.BLOG_DOMAIN:
            return Site.objects.filter(is_default_site=True).values(*SITE_FIELDS).first()
        site = Site.objects.filter(hostname=host, is_default_site=False).values(*SITE_FIELDS)
        if site := site.first():
            return site
        subdomain = host.removesuffix("." + settings.BLOG_DOMAIN)
        if subdomain == host:
            return None
        blogs = BlogPage.objects.filter(live=True).only("subdomain", "custom_domain", "blocked")
        moved = blogs.filter(subdomain=subdomain, custom_domain__isnull=False).first()
        entry = {}
        if moved is None:
            # A subdomain the blog had before it was renamed (blog.tenants.lifecycle).
            moved = blogs.filter(
                former_subdomains__subdomain=subdomain,
                former_subdomains__left_at__gte=redirects_since(),
            ).first()
            entry["renamed"] = True
        if moved is None:
            return None
        return {"blocked": True} if moved.blocked else {**entry, "moved_to": blog_host(moved)}

    return cached(host_key(host), lookup, found)


def blog_for_host(blog_id, found=None):
    """The live blog ``blog_id`` as its host serves it, with ``unrestricted`` (no view
    restriction on it or its pages), or None: from the shared cache, which forgets it
    whenever its row changes or a restriction is set (``blog.tenants.site_cache``).
    ``found``: the cache's answers already read, as ``cached`` takes them."""

    def lookup():
        blogs = BlogPage.objects.filter(id=blog_id, live=True).order_by()
        return blogs.annotate(unrestricted=BlogPage.unrestricted_flag()).first()

    return cached(blog_key(blog_id), lookup, found)


# The blog each host served last in this process. Only a guess of which blog row to read
# with the host (the entry read with it always decides), so it needs no invalidation;
# emptied when it grows past the bound, as a crawl of the long tail would make it.
ROOTS_SEEN = {}
MOST_ROOTS_SEEN = 10_000


def host_and_blog(host):
    """``host_entry(host)`` and, for a blog's host, ``blog_for_host`` of its blog (else
    None), in one round trip to the cache when this process has served the host before.

    The host's entry says which blog it serves; reading the two one after the other
    cost a second round trip on every rendered reader page, 0.1 ms of CPU of about 2.
    The blog's row stays under its own key, so everything that forgets it
    (``blog.tenants.site_cache``) still reaches every host serving it.
    """
    guess = ROOTS_SEEN.get(host)
    found = cache.get_many([host_key(host), blog_key(guess)]) if guess else None
    entry = host_entry(host, found)
    if not entry or "id" not in entry or entry["is_default_site"]:
        return entry, None
    blog_id = entry["root_page_id"]
    if blog_id != guess:
        if len(ROOTS_SEEN) >= MOST_ROOTS_SEEN:
            ROOTS_SEEN.clear()
        ROOTS_SEEN[host] = blog_id
        found = None
    return entry, blog_for_host(blog_id, found)


def resolve_site_for_host(host):
    """The Site serving ``host`` (lowercase, no port), or None."""
    data = host_entry(host)
    return Site(**data) if data and "id" in data else None


def redirect_to_blog_host(request, entry):
    """The answer of a subdomain the blog left (for its own domain, or another
    subdomain): the same path on the blog's host.

    Browsers keep a 301 for good unless told otherwise; an hour lets a blogger who removes
    the domain get their subdomain back the same day. A renamed blog may take its old
    name back at once, and a browser still keeping old → new would then loop between the
    two: that redirect is kept only as long as a reader page.
    """
    root_url = Site(hostname=entry["moved_to"], port=settings.SITE_PORT).root_url
    response = HttpResponsePermanentRedirect(root_url + request.get_full_path())
    max_age = settings.READER_MAX_AGE if entry.get("renamed") else 3600
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def blog_unavailable():
    response = HttpResponseGone(render_to_string("410_blog_unavailable.html"))
    # Short, so that unblocking shows at once; not "no-store", so a blocked blog's
    # traffic stays cheap at the CDN.
    response["Cache-Control"] = f"public, max-age={settings.READER_MAX_AGE}"
    return response


class BlogHostMiddleware:
    """Route each request by its host: platform, one blog, or 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Django's ALLOWED_HOSTS check still runs later, in get_host().
        host = request_host(request)
        entry, blog = host_and_blog(host) if host else (None, None)
        if entry and "moved_to" in entry:
            return redirect_to_blog_host(request, entry)
        if entry and "blocked" in entry:
            return blog_unavailable()
        site = Site(**entry) if entry else None
        if site is not None and not site.is_default_site:
            request.urlconf = settings.BLOG_URLCONF
            # Every reader view needs the blog: load it once, as the site's root page,
            # so Wagtail's routing starts from the specific BlogPage with no more queries.
            request.blog = blog
            site.root_page = request.blog
            if request.blog is None:
                site = None
            elif request.blog.blocked:
                return blog_unavailable()
        if site is None:
            return HttpResponseNotFound(render_to_string("404_unknown_host.html"))
        remember_site(request, site)
        return self.get_response(request)
