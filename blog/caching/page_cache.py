"""Whole reader pages kept in the shared cache, forgotten when their blog changes.

A reader page is the same for every reader (no sessions, no cookies on blog hosts), so
a rendered response can be served again without touching the database. Each blog has a
version number in the cache; it is part of every page's key, and bumping it (on
publishing, unpublishing, deleting a page of the blog, or an upvote) makes all of the
blog's cached pages unreachable at once, in every process. Entries also expire after
``READER_PAGE_CACHE_SECONDS``, which bounds how late a scheduled post appears on its
blog's home.

The middleware sits between ``ReaderCacheMiddleware`` (outside) and ``BlogHostMiddleware``:
a hit costs three cache reads (host, version, page) and no query. Only GET/HEAD 200
responses marked public by ``ReaderCacheMiddleware`` and setting no cookie are stored.
"""

from hashlib import sha1

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from wagtail.models import Page

from blog.core.tree import ROOT_DEPTH, blog_root_path
from blog.tenants.hosts import resolve_site_for_host
from blog.wagtail_overrides.requests import request_host

VERSION_KEY = "bearcms:blog-version:{}"


def blog_version(blog_id):
    return cache.get_or_set(VERSION_KEY.format(blog_id), 1, timeout=None)


def forget_blog_pages(blog_id):
    """Make every cached page of the blog unreachable (each process sees it at once).

    Inside a transaction (a dashboard POST is one: ``blog.dashboard.atomic_page_writes``) it is done
    again on commit: a reader request in between still reads the old rows, and would
    otherwise cache the old page under the new version.
    """
    key = VERSION_KEY.format(blog_id)
    _bump(key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(key), robust=True)


def _bump(key):
    try:
        cache.incr(key)
    except ValueError:  # no version yet: nothing is cached under one either
        cache.set(key, 2, timeout=None)


def page_key(request, blog_id):
    url = f"{request.method}:{request.get_host()}{request.get_full_path()}"
    digest = sha1(url.encode(), usedforsecurity=False).hexdigest()
    return f"bearcms:page:{blog_id}:{blog_version(blog_id)}:{digest}"


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
        if self.is_storable(response):
            if hasattr(response, "render"):
                response.render()
            cache.set(key, response, settings.READER_PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def blog_id_for(request):
        """The blog a cacheable request is for, or None."""
        if request.method not in ("GET", "HEAD") or not settings.READER_PAGE_CACHE_SECONDS:
            return None
        host = request_host(request)
        if not host:
            return None
        site = resolve_site_for_host(host)
        if site is None or site.is_default_site:
            return None
        return site.root_page_id

    @staticmethod
    def is_storable(response):
        return (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and "public" in response.get("Cache-Control", "")
        )


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
