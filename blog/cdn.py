"""Purging the CDN when a blog changes (``wagtail.contrib.frontend_cache``, Cloudflare).

Reader pages are cached by the CDN for ``READER_S_MAXAGE`` (``blog.http_cache``).
Wagtail purges a page's own URL when it is published or unpublished; a post also
appears on its blog's home, post index, feeds and sitemap, and a blog's settings
(title, nav, theme) appear on every one of its pages, so those are purged here too.

``CloudflareBackend`` is Wagtail's, with the API address configurable
(``CLOUDFLARE_API_URL``) so that tests can stand a local recording server in for
Cloudflare.
"""

import logging

import requests
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from wagtail.contrib.frontend_cache.backends.cloudflare import (
    CloudflareBackend as WagtailCloudflareBackend,
)
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished

from blog.feeds import GUESSED_FEED_PATHS
from blog.site_cache import previous_hostname

logger = logging.getLogger(__name__)

CLOUDFLARE_API_URL = "https://api.cloudflare.com/client/v4"
# The paths of a blog that list its posts (feeds answer on several guessed paths).
LISTING_PATHS = ["", "blog/", "feed/", "feed/?type=rss", *GUESSED_FEED_PATHS, "sitemap.xml"]
MAX_POSTS_PURGED = 1_000  # a blog-wide change purges at most this many post URLs


class CloudflareBackend(WagtailCloudflareBackend):
    def __init__(self, params):
        self.api_url = params.pop("API_URL", CLOUDFLARE_API_URL).rstrip("/")
        super().__init__(params)

    def _purge_urls(self, urls):
        headers = {"Authorization": f"Bearer {self.cloudflare_token}"}
        endpoint = f"{self.api_url}/zones/{self.cloudflare_zoneid}/purge_cache"
        try:
            response = requests.post(endpoint, json={"files": urls}, headers=headers, timeout=10)
            response.raise_for_status()
        except requests.RequestException:
            # A failed purge must not fail the publish: pages expire at s-maxage anyway.
            logger.exception("Could not purge %d URLs from Cloudflare", len(urls))


def blog_urls(blog, with_posts=False, root_url=None):
    """The URLs of ``blog``'s listings (and posts), on its host or on ``root_url``."""
    root = blog.get_url_parts()
    if root is None:
        return []
    _site_id, current_root_url, root_path = root
    base = (root_url or current_root_url) + root_path
    urls = [base + path for path in LISTING_PATHS]
    if with_posts:
        posts = blog.get_children().live().order_by("-last_published_at")[:MAX_POSTS_PURGED]
        urls += [base + post.slug + "/" for post in posts.only("slug")]
    return urls


def purge_blog(blog):
    """Every listing and post of the blog (a change that shows on all its pages)."""
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        purge_urls_from_cache(blog_urls(blog, with_posts=True))


def purge_post(post):
    """A post that has just become visible: its own URL and its blog's listings."""
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        purge_urls_from_cache([post.get_full_url(), *blog_urls(post.blog)])


def purge_after_publishing(sender, instance, **kwargs):
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from blog.models import BlogPage, PostPage

    if isinstance(instance, PostPage):
        listings = blog_urls(instance.blog)
        purge_urls_from_cache(listings)
        urls = [instance.get_full_url(), *listings]
    elif isinstance(instance, BlogPage):
        urls = blog_urls(instance, with_posts=True)
        purge_urls_from_cache(urls)
    else:
        return
    # Inside a transaction (a dashboard POST is one: blog.atomic_page_writes) readers see
    # the old rows until it commits, and a CDN fetch in between would keep the old page
    # for READER_S_MAXAGE: purge again once it has (Wagtail's own purge of the page's
    # URL comes before the commit too).
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: purge_urls_from_cache(urls), robust=True)


def purge_previous_host(sender, instance, created, **kwargs):
    """A blog moving to or from a custom domain leaves its pages cached under its old
    host: purge them there, so that the old host's redirect is what readers get."""
    previous = previous_hostname(instance)
    if created or not previous or previous == instance.hostname:
        return
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from blog.models import BlogPage

    blog = BlogPage.objects.filter(pk=instance.root_page_id).first()
    if blog is not None:
        old_root_url = Site(hostname=previous, port=instance.port).root_url
        purge_urls_from_cache(blog_urls(blog, with_posts=True, root_url=old_root_url))


def connect_signals():
    page_published.connect(purge_after_publishing, dispatch_uid="bearcms-cdn-publish")
    page_unpublished.connect(purge_after_publishing, dispatch_uid="bearcms-cdn-unpublish")
    post_save.connect(purge_previous_host, sender=Site, dispatch_uid="bearcms-cdn-site")
