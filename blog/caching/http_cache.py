"""Cache headers for reader pages, so browsers and a CDN can keep them.

Every successful GET on a blog host is public: readers have no sessions there. Browsers
may keep a page for ``READER_MAX_AGE`` seconds, shared caches (the CDN) for
``READER_S_MAXAGE``; publishing purges the CDN (``blog.caching.cdn``), so a longer shared
lifetime costs no staleness. Django's ConditionalGetMiddleware, after this one, adds
an ETag from the content and answers a matching ``If-None-Match`` with 304.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control

CACHEABLE_STATUSES = {200, 301}  # a 404 may be a post scheduled for a minute from now
# The post as a reader sees it right after their own upvote (blog.reader.upvotes): theirs alone.
# A CDN keeping it would show the next voter an older count (purges name the bare URL).
OWN_ACTION_FLAGS = ("upvoted", "already-upvoted")


class ReaderCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "blog", None) is not None and any(
            flag in request.GET for flag in OWN_ACTION_FLAGS
        ):
            patch_cache_control(response, private=True, no_store=True)
        elif (
            getattr(request, "blog", None) is not None
            and request.method in ("GET", "HEAD")
            and response.status_code in CACHEABLE_STATUSES
            and not response.has_header("Cache-Control")
            and not response.cookies
        ):
            patch_cache_control(
                response,
                public=True,
                max_age=settings.READER_MAX_AGE,
                s_maxage=settings.READER_S_MAXAGE,
            )
        return response
