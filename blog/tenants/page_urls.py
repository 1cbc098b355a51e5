"""Page URLs built from the page's own blog, not from a scan of every Site.

Stock ``Page.get_url_parts`` walks ``Site.get_site_root_paths()``: every Site, unpickled
from the cache on each request and rebuilt whenever any Site or site root changes. At
100,000 blogs that turns a 5 ms post page into 700 ms. A page's blog is its blog root
(``blog.core.tree``), so ``site_root_paths_for_page`` stands in for
``Page._get_site_root_paths`` (``blog.wagtail_overrides.page_urls`` installs it) with one
cached, indexed lookup of that root's Site.
"""

from django.conf import settings
from wagtail.models import Site
from wagtail.models.sites import SiteRootPath

from blog.core.tree import ROOT_PATH_LENGTH, blog_root_path
from blog.tenants.site_cache import PLATFORM, cached, root_key


def site_root_path(root_path):
    """The SiteRootPath of the Site whose root page has ``root_path`` (PLATFORM: the
    default Site), or None."""

    def lookup():
        sites = Site.objects.select_related("root_page").only(
            "hostname", "port", "root_page__url_path", "root_page__path"
        )
        if root_path == PLATFORM:
            sites = sites.filter(is_default_site=True)
        else:
            sites = sites.filter(root_page__path=root_path).order_by("-is_default_site", "id")
        site = sites.first()
        if site is None:
            return None
        return [site.id, site.root_page.url_path, site.root_url, settings.LANGUAGE_CODE]

    data = cached(root_key(root_path), lookup)
    return SiteRootPath(*data) if data else None


def site_root_paths_for_page(page, cache_object=None, **kwargs):
    """Replacement for ``Page._get_site_root_paths``: this page's Site, not all of them.

    The platform's root path follows the blog's, so that Wagtail still sees more than
    one Site and keeps links to other hosts absolute (``Page.get_url``).
    """
    memo_owner = cache_object if cache_object is not None else page
    memo = memo_owner.__dict__.setdefault("_bearcms_site_root_paths", {})
    root_path = blog_root_path(page.path)
    if root_path not in memo:
        paths = []
        own = site_root_path(root_path) if len(root_path) == ROOT_PATH_LENGTH else None
        if own:
            paths.append(own)
        if PLATFORM not in memo:
            memo[PLATFORM] = site_root_path(PLATFORM)
        platform = memo[PLATFORM]
        if platform and platform not in paths:
            paths.append(platform)
        memo[root_path] = paths
    return memo[root_path]
