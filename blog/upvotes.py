"""Upvotes: a JavaScript-free form POST on a post, one per reader, counted on the post.

Blog hosts set no cookies, so neither a session nor Django's CSRF token can identify
the reader or protect the form:

* a reader is a salted HMAC of IP address, user agent and post (``visitor_hash``): enough
  to refuse a second vote, and the raw IP is never stored, logged or used as a cache key;
* cross-site forgery is refused by checking that the ``Origin`` header (or, from browsers
  that send none, the ``Referer``) is this blog's own scheme, host and port;
* a fixed-window counter per (hashed) IP in the shared cache limits how fast one address
  can vote, so a script cannot inflate counts by cycling user agents.
"""

import time
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from blog.models import PostPage, Upvote
from blog.page_cache import forget_blog_pages

RATE_LIMIT = 10  # upvotes per window from one IP address
RATE_WINDOW = 60  # seconds


def client_ip(request):
    """The reader's IP address.

    REMOTE_ADDR only, for now: behind a proxy it is the proxy's address. Trusted proxy
    handling (X-Forwarded-For from known proxies only) comes with a later issue.
    """
    return request.META.get("REMOTE_ADDR", "")


def visitor_hash(request, post_id):
    """The reader's identity for one post: HMAC-SHA256 keyed from SECRET_KEY.

    Keyed, so the 2^32 IPv4 addresses cannot be hashed offline to recover who voted;
    per post, so hashes cannot be joined across posts to follow one reader.
    """
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    value = f"{client_ip(request)}\n{user_agent}\n{post_id}"
    return salted_hmac("bearcms.upvotes.visitor", value, algorithm="sha256").hexdigest()


def same_origin(request):
    """Did this POST come from a page of this very blog (scheme, host and port)?

    Browsers send ``Origin`` on every cross-site form POST; older ones and some privacy
    settings send only ``Referer``. With neither, the request is refused: voting needs a
    browser, not a script pretending to be one.
    """
    expected = f"{request.scheme}://{request.get_host()}".lower()
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        referer = urlsplit(request.META.get("HTTP_REFERER", ""))
        if not referer.scheme or not referer.netloc:
            return False
        origin = f"{referer.scheme}://{referer.netloc}"
    return origin.lower() == expected


def seconds_until_allowed(request):
    """Count this request in its IP's fixed window; 0 when allowed, else the wait.

    ``cache.add`` starts a window only if none is running, ``cache.incr`` is atomic in
    Redis and LocMem, so parallel requests from web processes share one count.
    """
    now = int(time.time())
    window = now // RATE_WINDOW
    ip_hash = salted_hmac("bearcms.upvotes.rate", client_ip(request)).hexdigest()
    key = f"upvote-rate:{ip_hash}:{window}"
    cache.add(key, 0, timeout=RATE_WINDOW + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.add(key, 1, timeout=RATE_WINDOW + 5)
        count = 1
    if count <= RATE_LIMIT:
        return 0
    return (window + 1) * RATE_WINDOW - now


def record_upvote(post, visitor):
    """Count one upvote unless this reader gave one already; True if it counted.

    The unique (post, visitor_hash) constraint decides under concurrency, and the count
    moves with F() in the same transaction only when the insert succeeded, so it stays
    equal to the number of Upvote rows on SQLite and PostgreSQL alike.
    """
    try:
        with transaction.atomic():
            Upvote.objects.create(post=post, visitor_hash=visitor)
            PostPage.objects.filter(pk=post.pk).update(upvote_count=F("upvote_count") + 1)
    except IntegrityError:
        return False
    return True


@csrf_exempt  # no CSRF cookie may be set on a blog host: same_origin() guards instead
@never_cache
@require_POST
def upvote(request, post_id):
    """``POST /upvote/<post_id>/``: upvote a visible post of this blog, then show it again."""
    if not same_origin(request):
        return HttpResponseForbidden("Upvotes come only from this blog's own pages.")
    wait = seconds_until_allowed(request)
    if wait:
        response = HttpResponse("Too many upvotes. Try again in a minute.", status=429)
        response["Retry-After"] = str(wait)
        return response
    post = (
        PostPage.objects.child_of(request.blog)
        .live()
        .filter(id=post_id, is_page=False, published_date__lte=timezone.now())
        .first()
    )
    if post is None or post.get_view_restrictions().exists():
        raise Http404("No such post.")
    if record_upvote(post, visitor_hash(request, post.id)):
        forget_blog_pages(request.blog.id)  # the app's cached pages show the old count
    # "See the post": the browser GETs it and shows the count. The query string makes it
    # a URL no browser or CDN has cached with the old count.
    response = HttpResponseRedirect(post.get_url(request) + "?upvoted#upvote")
    response.status_code = 303
    return response
