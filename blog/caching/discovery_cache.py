"""The discovery pages as anonymous readers get them, kept in the shared cache.

``/discover/`` and its feeds are the platform's busiest pages and the same for every
reader who is not signed in (a signed-in reader's leave out the blogs they hid, and are
never shared). One version number in the cache is part of every entry's key; anything that
changes what discovery lists bumps it (``forget_discovery``), so the next request renders
afresh, in every process:

* a page of any blog published, unpublished or deleted (a post enters or leaves, a blog's
  title, address or "discoverable" changes: ``blog.caching.signals``);
* an upvote counted or removed (the order is the hot score, ``blog.reader.upvotes``,
  ``blog.moderation.upvotes``);
* staff hiding, blocking or reviewing a blog, or hiding a post (``blog.moderation``);
* a blog's new address (``home.blog_address``).

What changes with the clock alone (a scheduled post's date arriving, scores ageing, a
blog's flood window passing) shows within ``READER_PAGE_CACHE_SECONDS``, the entries'
lifetime; 0 turns this cache off, as it does the blogs' page cache.
"""

from functools import wraps
from hashlib import sha1

from django.conf import settings
from django.core.cache import cache
from wagtail.models import Page

from blog.caching.page_cache import keep, new_version
from blog.core.tree import ROOT_DEPTH

VERSION_KEY = "bearcms:discovery-version"


def forget_discovery():
    """Make every cached discovery page unreachable."""
    new_version(VERSION_KEY)


def forget_discovery_of(sender, instance, **kwargs):
    """A page of a blog was published, unpublished or deleted."""
    if isinstance(instance, Page) and instance.depth >= ROOT_DEPTH:
        forget_discovery()


def cached_for_anonymous_readers(view):
    """Serve ``view``'s GET responses to readers who are not signed in from the cache.

    Only what ``keep`` keeps: complete 200 responses, public, setting no cookie.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.READER_PAGE_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        url = f"{request.method}:{request.get_host()}{request.get_full_path()}"
        digest = sha1(url.encode(), usedforsecurity=False).hexdigest()
        key = f"bearcms:discovery:{cache.get(VERSION_KEY, 0)}:{digest}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            keep(key, response)
        return response

    return wrapper
