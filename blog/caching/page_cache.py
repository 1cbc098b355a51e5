"""Whole reader pages kept in the shared cache, forgotten when what they show changes.

A reader page is the same for every reader (no sessions, no cookies on blog hosts), so
a rendered response can be served again without touching the database. Two version
numbers in the cache are part of every page's key:

* the blog's: bumping it (on publishing, unpublishing or deleting a page of the blog, or
  staff blocking it) makes all of the blog's cached pages unreachable at once, in every
  process. A post may show on any page of its blog (the home, ``/blog/``, the feeds, and
  any page whose ``{{ posts }}`` lists it, with its content even), so a publish forgets
  them all;
* the path's (``/my-post/``, with any query string): an upvote changes the count one
  page shows, the post's own, so it forgets that page alone (``forget_page``) and the
  blog's other pages stay cached.

Entries also expire after ``READER_PAGE_CACHE_SECONDS``, which bounds how late a scheduled
post appears on its blog's home.

The middleware sits between ``ReaderCacheMiddleware`` (outside) and ``BlogHostMiddleware``:
a hit costs three cache reads (host, the two versions in one, page) and no query. Only
GET/HEAD 200 responses marked public by ``ReaderCacheMiddleware`` and setting no cookie
are stored.
"""

import time
from hashlib import sha1

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from wagtail.models import Page

from blog.core.fediverse import asks_for_activity_json
from blog.core.tree import ROOT_DEPTH, blog_root_path
from blog.tenants.hosts import resolve_site_for_host
from blog.wagtail_overrides.requests import request_host

VERSION_KEY = "bearcms:blog-version:{}"
PATH_VERSION_KEY = "bearcms:path-version:{}:{}"


def path_version_key(blog_id, path):
    digest = sha1(path.encode(), usedforsecurity=False).hexdigest()
    return PATH_VERSION_KEY.format(blog_id, digest)


def forget_blog_pages(blog_id):
    """Make every cached page of the blog unreachable (each process sees it at once)."""
    new_version(VERSION_KEY.format(blog_id))


def forget_page(blog_id, path):
    """Make the cached copies of one page of the blog unreachable: ``path`` with any query
    string, on any of the blog's hosts.

    The path's version needs to outlive only the pages cached under the one before it.
    """
    new_version(path_version_key(blog_id, path), max(settings.READER_PAGE_CACHE_SECONDS, 1))


def new_version(key, lifetime=None):
    """Give ``key`` a version number it never had (now and on commit): the clock's, in
    nanoseconds. Not a counter: one that expired or was evicted would count up to numbers
    it had before, and pages cached under those would come back."""
    now_and_on_commit(lambda: cache.set(key, time.time_ns(), lifetime))


def now_and_on_commit(forget):
    """Call ``forget`` now and, inside a transaction (a dashboard POST is one:
    ``blog.dashboard.atomic_page_writes``), again on commit: a reader request in between
    still reads the old rows, and would otherwise cache the old page anew."""
    forget()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(forget, robust=True)


def keep(key, response):
    """Cache ``response`` under ``key`` for ``READER_PAGE_CACHE_SECONDS`` if it is the same
    for every reader: a complete 200, public, setting no cookie."""
    if (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and "public" in response.get("Cache-Control", "")
    ):
        if hasattr(response, "render"):
            response.render()
        cache.set(key, response, settings.READER_PAGE_CACHE_SECONDS)


def page_key(request, blog_id):
    url = f"{request.method}:{request.get_host()}{request.get_full_path()}"
    digest = sha1(url.encode(), usedforsecurity=False).hexdigest()
    blog_key, path_key = VERSION_KEY.format(blog_id), path_version_key(blog_id, request.path)
    versions = cache.get_many([blog_key, path_key])  # one round trip
    version = f"{versions.get(blog_key, 0)}.{versions.get(path_key, 0)}"
    return f"bearcms:page:{blog_id}:{version}:{digest}"


class ReaderPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        blog_id = self.blog_id_for(request)
        if blog_id is None:
            return self.get_response(request)
        key = page_key(request, blog_id)
        response = cache.get(key)
        if response is not None:
            return response
        response = self.get_response(request)
        keep(key, response)
        return response

    @staticmethod
    def blog_id_for(request):
        """The blog a cacheable request is for, or None."""
        if request.method not in ("GET", "HEAD") or not settings.READER_PAGE_CACHE_SECONDS:
            return None
        if asks_for_activity_json(request.headers.get("Accept")):
            return None  # a page is kept by its address alone; this asks for the blog's actor
        host = request_host(request)
        if not host:
            return None
        site = resolve_site_for_host(host)
        if site is None or site.is_default_site:
            return None
        return site.root_page_id


def forget_pages_of(sender, instance, **kwargs):
    """A page of a blog was published, unpublished or deleted: its blog's pages go."""
    if not isinstance(instance, Page) or instance.depth < ROOT_DEPTH:
        return
    blog_id = instance.id
    if instance.depth > ROOT_DEPTH:
        blog_path = blog_root_path(instance.path)
        blog_id = Page.objects.filter(path=blog_path).values_list("id", flat=True).first()
    if blog_id is not None:
        forget_blog_pages(blog_id)
