"""Host → blog resolution and page URLs, both independent of the number of blogs.

Stock Wagtail scans every Site to answer either question: ``Site.find_for_request``
falls back to an ``OR is_default_site`` query, and ``Page.get_url_parts`` walks
``Site.get_site_root_paths()``, a list of all Sites that is unpickled on every request
and rebuilt whenever any Site or site root changes. At 100,000 blogs that turns a 5 ms
post page into 700 ms. Here both lookups are one indexed query, kept in the shared
cache (Redis or the file cache, so every process sees the same entries) and deleted by
the signal handlers at the bottom whenever a Site or a blog root changes.

* ``BlogHostMiddleware`` resolves the request's host (port ignored) to a Site and sets
  ``request._wagtail_site``, which all Wagtail code honours. The platform host gets the
  default Site and the full URLconf; a blog host gets the reader-only URLconf; any other
  host gets a 404 and never the default site.
* ``site_root_paths_for_page`` replaces ``Page._get_site_root_paths`` so that every page
  (blog pages and the plain ``Page`` instances the admin uses alike) builds its URL from
  its own blog's Site: a page's blog is its depth-2 ancestor, ``page.path[:8]``.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpResponseNotFound
from django.http.request import split_domain_port
from django.template.loader import render_to_string
from wagtail.models import Page, Site
from wagtail.models.sites import SiteRootPath

from blog.models import BlogPage

CACHE_TIMEOUT = 24 * 3600
HOST_KEY = "bearcms:host:v1:{}"
ROOT_KEY = "bearcms:root:v1:{}"
MISSING = {}  # cached for hosts and roots that are no Site, so probes stay cheap
SITE_FIELDS = ("id", "hostname", "port", "site_name", "root_page_id", "is_default_site")
PLATFORM = "platform"
ROOT_PATH_LENGTH = Page.steplen * 2  # the path of a depth-2 page: a blog or the platform


def resolve_site_for_host(host):
    """Return the Site serving ``host`` (lowercase, no port), or None.

    ``BLOG_DOMAIN`` always means the platform's default Site; no other host falls back
    to it.
    """
    key = HOST_KEY.format(host)
    data = cache.get(key)
    if data is None:
        sites = Site.objects.all()
        if host == settings.BLOG_DOMAIN:
            sites = sites.filter(is_default_site=True)
        else:
            sites = sites.filter(hostname=host, is_default_site=False)
        data = sites.values(*SITE_FIELDS).first() or MISSING
        cache.set(key, data, CACHE_TIMEOUT)
    return Site(**data) if data else None


class BlogHostMiddleware:
    """Route each request by its host: platform, one blog, or 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The raw host: Django's ALLOWED_HOSTS check still runs later, in get_host().
        host, _port = split_domain_port(request._get_raw_host())
        site = resolve_site_for_host(host) if host else None
        if site is not None and not site.is_default_site:
            request.urlconf = settings.BLOG_URLCONF
            # Every reader view needs the blog: load it once, as the site's root page,
            # so Wagtail's routing starts from the specific BlogPage with no more queries.
            request.blog = BlogPage.objects.filter(id=site.root_page_id).first()
            site.root_page = request.blog
            if request.blog is None:
                site = None
        if site is None:
            return HttpResponseNotFound(render_to_string("404_unknown_host.html"))
        request._wagtail_site = site
        return self.get_response(request)


def _site_root_path(root_path):
    """The SiteRootPath of the Site whose root page has ``root_path`` ("platform" for
    the default Site), or None."""
    key = ROOT_KEY.format(root_path)
    data = cache.get(key)
    if data is None:
        sites = Site.objects.select_related("root_page").only(
            "hostname", "port", "root_page__url_path", "root_page__path"
        )
        if root_path == PLATFORM:
            sites = sites.filter(is_default_site=True)
        else:
            sites = sites.filter(root_page__path=root_path).order_by("-is_default_site", "id")
        site = sites.first()
        data = (
            [site.id, site.root_page.url_path, site.root_url, settings.LANGUAGE_CODE]
            if site
            else MISSING
        )
        cache.set(key, data, CACHE_TIMEOUT)
    return SiteRootPath(*data) if data else None


def site_root_paths_for_page(page, cache_object=None, **kwargs):
    """Replacement for ``Page._get_site_root_paths``: this page's Site, not all of them.

    The platform's root path follows the blog's, so that Wagtail still sees more than
    one Site and keeps links to other hosts absolute (``Page.get_url``).
    """
    memo_owner = cache_object if cache_object is not None else page
    memo = memo_owner.__dict__.setdefault("_bearcms_site_root_paths", {})
    root_path = page.path[:ROOT_PATH_LENGTH]
    if root_path not in memo:
        paths = []
        own = _site_root_path(root_path) if len(root_path) == ROOT_PATH_LENGTH else None
        if own:
            paths.append(own)
        if PLATFORM not in memo:
            memo[PLATFORM] = _site_root_path(PLATFORM)
        platform = memo[PLATFORM]
        if platform and platform not in paths:
            paths.append(platform)
        memo[root_path] = paths
    return memo[root_path]


def forget_host(hostname):
    cache.delete_many([HOST_KEY.format(hostname), HOST_KEY.format(settings.BLOG_DOMAIN)])


def forget_root(root_path):
    cache.delete_many([ROOT_KEY.format(root_path), ROOT_KEY.format(PLATFORM)])


def _remember_old_hostname(sender, instance, **kwargs):
    instance._bearcms_old_hostname = (
        Site.objects.filter(pk=instance.pk).values_list("hostname", flat=True).first()
        if instance.pk
        else None
    )


def _site_changed(sender, instance, **kwargs):
    forget_host(instance.hostname)
    old = getattr(instance, "_bearcms_old_hostname", None)
    if old and old != instance.hostname:
        forget_host(old)
    root_path = Page.objects.filter(id=instance.root_page_id).values_list("path", flat=True).first()
    if root_path:
        forget_root(root_path)


def _page_changed(sender, instance, **kwargs):
    # A site root's slug is part of every URL below it.
    if isinstance(instance, Page) and instance.depth == 2:
        forget_root(instance.path)


def connect_signals():
    pre_save.connect(_remember_old_hostname, sender=Site, dispatch_uid="bearcms-site-pre")
    post_save.connect(_site_changed, sender=Site, dispatch_uid="bearcms-site-save")
    post_delete.connect(_site_changed, sender=Site, dispatch_uid="bearcms-site-delete")
    post_save.connect(_page_changed, dispatch_uid="bearcms-page-save")
    post_delete.connect(_page_changed, dispatch_uid="bearcms-page-delete")


def install():
    """Connect the invalidation signals and make every Page build URLs from its own Site."""
    connect_signals()
    Page._get_site_root_paths = site_root_paths_for_page
