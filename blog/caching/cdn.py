"""Purging the CDN when a blog changes (``wagtail.contrib.frontend_cache``, Cloudflare).

Reader pages are cached by the CDN for ``READER_S_MAXAGE`` (``blog.caching.http_cache``).
Wagtail purges a page's own URL when it is published or unpublished; a post also
appears on its blog's home, post index, feeds and sitemap, and a blog's settings
(title, nav, theme) appear on every one of its pages, so those are purged here too.

Purges go through ``WAGTAILFRONTENDCACHE``'s backend, Wagtail's own Cloudflare backend as
``blog.wagtail_overrides.cloudflare`` adjusts it.
"""

import posixpath

from django.conf import settings
from django.db import transaction
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.models import Site

from blog.core.font_files import font_extension
from blog.core.names import GUESSED_FEED_PATHS
from blog.models import BlogPage, PostPage
from blog.tenants.site_cache import previous_hostname

# The paths of a blog that list its posts (feeds answer on several guessed paths).
LISTING_PATHS = ["", "blog/", "feed/", "feed/?type=rss", *GUESSED_FEED_PATHS, "sitemap.xml"]
# The blog's icons (blog.reader.favicon): only its settings change them.
ICON_PATHS = [
    "favicon.svg",
    "favicon.ico",
    "apple-touch-icon.png",
    "apple-touch-icon-precomposed.png",
]
MAX_POSTS_PURGED = 1_000  # a blog-wide change purges at most this many post URLs


def blog_base_url(blog, root_url=None):
    """The blog's home URL on its host (or on ``root_url``); None when it has no Site."""
    root = blog.get_url_parts()
    if root is None:
        return None
    _site_id, current_root_url, root_path = root
    return (root_url or current_root_url) + root_path


def blog_urls(blog, with_posts=False, root_url=None):
    """The URLs of ``blog``'s listings (and its posts and icons, the rest of a blog-wide
    change), on its host or on ``root_url``."""
    base = blog_base_url(blog, root_url)
    if base is None:
        return []
    urls = [base + path for path in LISTING_PATHS]
    if with_posts:
        urls += [base + path for path in ICON_PATHS]
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


def purge_font(sender, instance, **kwargs):
    """A blog's font replaced (Wagtail keeps its file name) or deleted: its ``/fonts/``
    address (``blog.reader.fonts``), which the CDN would keep for ``READER_S_MAXAGE``."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    name = posixpath.basename(instance.file.name or "")
    blog = BlogPage.objects.filter(collection_id=instance.collection_id).first()
    base = blog and font_extension(name) and blog_base_url(blog)
    if base:
        purge_urls_from_cache([f"{base}fonts/{name}"])


def purge_after_publishing(sender, instance, **kwargs):
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    if isinstance(instance, PostPage):
        listings = blog_urls(instance.blog)
        purge_urls_from_cache(listings)
        urls = [instance.get_full_url(), *listings]
    elif isinstance(instance, BlogPage):
        urls = blog_urls(instance, with_posts=True)
        purge_urls_from_cache(urls)
    else:
        return
    # Inside a transaction (a dashboard POST is one: blog.dashboard.atomic_page_writes) readers see
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
    blog = BlogPage.objects.filter(pk=instance.root_page_id).first()
    if blog is not None:
        old_root_url = Site(hostname=previous, port=instance.port).root_url
        purge_urls_from_cache(blog_urls(blog, with_posts=True, root_url=old_root_url))
