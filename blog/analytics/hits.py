"""Counting reads without cookies, JavaScript or anything that follows a reader around.

A post's page carries a 1x1 image, ``/hit/<post id>/``; the home page ``/hit/home/`` and
the post list (``/blog/``, tag filters too) ``/hit/blog/``. The page itself can be cached
by the CDN and the app and never writes; the pixel is never cached, so every page view
that loads images asks for it once, and that request records the read (``hit``). A blog
whose blogger turned counting off (``BlogPage.analytics_enabled``) renders no pixel, and
the pixel counts nothing there (a page cached before the switch may still ask).

A read is stored as a ``Hit``: post (or page kind), blog, time, referrer host, country,
device class and browser family, and ``visitor_hash``, an HMAC of the reader's network (an
IPv4 address or an IPv6 /64, ``blog.core.reader_requests.reader_network``) and page keyed
with a salt that exists for one UTC day (``AnalyticsSalt``). The unique (day, visitor_hash)
constraint counts each reader once per page and day at the cost of nothing but the
INSERT that tolerates the duplicate. The user agent is left out on purpose: the client
chooses it, so with it one address could count as any number of readers; without it,
readers sharing an address count once. The IP address is never stored;
``manage.py scrub_analytics`` blanks hashes older than 24 hours and deletes past days'
salts, after which even someone with the database and SECRET_KEY cannot tell whether two
old reads came from the same reader.

Bots, other blogs' posts, drafts, scheduled posts and flooding addresses get the same
pixel and are not counted: an ``<img>`` has no use for a 404.
"""

import base64
import datetime
import functools
import hashlib
import hmac
import re
import secrets
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from wagtail.models import Page

from blog.core.ids import MAX_ID
from blog.core.reader_requests import reader_network, seconds_until_allowed
from blog.core.user_agents import browser_family, device_class, is_bot
from blog.models import AnalyticsSalt, BlogPage, Hit, PostPage
from blog.tenants.hosts import resolve_site_for_host
from blog.wagtail_overrides.requests import request_host

HIT_PATH = re.compile(r"/hit/(\d{1,19}|home|blog)/")
# The smallest transparent GIF: 1x1, one transparent colour.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
RATE_LIMIT = 120  # hits per window from one reader network: a reader skimming a whole blog
RATE_WINDOW = 60  # seconds
REFERRER_PARAMS = ("ref", "utm_source")
MAX_REFERRER_LENGTH = 253
COUNTRY = re.compile(r"[A-Z]{2}")
# Cloudflare's codes for "unknown" and "Tor": no country.
NO_COUNTRY = frozenset({"XX", "T1"})

# This process's copy of today's salt: {day: salt}, one entry.
_salts = {}


def daily_salt(day):
    """The secret of ``day`` (a UTC date), made by whichever process needs it first."""
    salt = _salts.get(day)
    if salt is None:
        # get_or_create retries the read when another process inserted the day first.
        row, _created = AnalyticsSalt.objects.get_or_create(
            day=day, defaults={"salt": secrets.token_hex(32)}
        )
        salt = row.salt
        _salts.clear()
        _salts[day] = salt
    return salt


def visitor_hash(salt, network, page):
    """The reader of ``page`` (a post id, or "home" or "blog") on the salt's day."""
    message = f"{network}\n{page}".encode()
    return hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()


def clean_label(value):
    """A referrer as a short, lowercase, printable label; hostile input stays inert."""
    value = "".join(ch for ch in value if ch.isprintable()).strip().lower()
    return value.removeprefix("www.")[:MAX_REFERRER_LENGTH]


def url_parts(url):
    """``(host, query)`` of a URL; empty for a malformed one (e.g. a broken IPv6 literal)."""
    try:
        parts = urlsplit(url)
        return parts.hostname or "", parts.query
    except ValueError:
        return "", ""


def referrer_host(request):
    """Where the reader came from, as far as a pixel can tell.

    The pixel's Referer is the post's own page, so the page's referrer is lost: what is
    left is a ``ref`` or ``utm_source`` parameter in the page's address, or the Referer's
    host when the pixel was loaded by a page elsewhere (a feed reader, an archive, an
    embed). Empty means direct or unknown.
    """
    host, query = url_parts(request.META.get("HTTP_REFERER", ""))
    params = parse_qs(query)
    for name in REFERRER_PARAMS:
        if params.get(name):
            source = params[name][0]
            # ?ref=https://example.com/some/page keeps the host only, like a Referer.
            return clean_label(url_parts(source)[0] if "://" in source else source)
    if host and host != request_host(request):
        return clean_label(host)
    return ""


def country(request):
    """The CDN's two-letter country code for the reader, or "" when it has none."""
    code = request.META.get(settings.ANALYTICS_COUNTRY_HEADER, "").strip().upper()
    if COUNTRY.fullmatch(code) and code not in NO_COUNTRY:
        return code
    return ""


@functools.cache
def insert_hit_sql(page):
    """INSERT the read only if the post is a live, visible post of the live blog (or, for
    the home page and post list, the blog is live) and the blog counts reads, and do
    nothing if this reader's read of the day is in already: one statement.

    Hand-written because this is the one write on every page view: the ORM would need a
    SELECT to check the post and then an INSERT, two round trips and two query
    compilations, which cost more than the write itself (``bench/hits.py``).
    """
    hit, post, page_table = Hit._meta.db_table, PostPage._meta.db_table, Page._meta.db_table
    blog_table = BlogPage._meta.db_table
    columns = f"""
        INSERT INTO {hit}
            (post_id, page, blog_id, created_at, day, visitor_hash, referrer_host, country,
             device, browser)
    """
    if page != Hit.POST:
        return f"""{columns}
            SELECT NULL, %s, blog.id, %s, %s, %s, %s, %s, %s, %s
            FROM {page_table} blog
            JOIN {blog_table} settings ON settings.page_ptr_id = blog.id
            WHERE blog.id = %s AND blog.live AND settings.analytics_enabled
            ON CONFLICT DO NOTHING
        """  # noqa: S608 (only table names are put in; every value is a parameter)
    return f"""{columns}
        SELECT post.page_ptr_id, %s, post.blog_id, %s, %s, %s, %s, %s, %s, %s
        FROM {post} post
        JOIN {page_table} page ON page.id = post.page_ptr_id
        JOIN {page_table} blog ON blog.id = post.blog_id
        JOIN {blog_table} settings ON settings.page_ptr_id = post.blog_id
        WHERE post.page_ptr_id = %s AND post.blog_id = %s AND post.published_date <= %s
            AND page.live AND blog.live AND settings.analytics_enabled
        ON CONFLICT DO NOTHING
    """  # noqa: S608 (only table names are put in; every value is a parameter)


def record_hit(request, blog_id, target):
    """Count one read of ``target`` (a post id, or "home" or "blog") of blog ``blog_id``,
    unless a bot or a flood asks, readers cannot see that page, or the blog counts no
    reads. A second read by the same reader on the same day changes nothing."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    is_post = target not in {Hit.HOME, Hit.POST_LIST}
    if (is_post and int(target) > MAX_ID) or is_bot(user_agent):
        return
    if seconds_until_allowed(request, "hit", RATE_LIMIT, RATE_WINDOW):
        return
    page = Hit.POST if is_post else target
    page_key = str(int(target)) if is_post else target
    now = timezone.now()
    day = now.astimezone(datetime.UTC).date()
    ops = connection.ops
    created_at = ops.adapt_datetimefield_value(now)
    params = [
        page,
        created_at,
        ops.adapt_datefield_value(day),
        # The id as a number: /hit/05/ is the same post, and the same reader, as /hit/5/.
        visitor_hash(daily_salt(day), reader_network(request), page_key),
        referrer_host(request),
        country(request),
        device_class(user_agent),
        browser_family(user_agent),
    ]
    params += [int(target), blog_id, created_at] if is_post else [blog_id]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Waiting for the disk to confirm each read would cost most of the request;
            # a crash can lose the last fraction of a second of reads, never corrupt.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(insert_hit_sql(page), params)


def pixel_response():
    response = HttpResponse(PIXEL, content_type="image/gif")
    # Never cached, by the browser or the CDN: each view of the page must reach us.
    response["Cache-Control"] = "no-store, private"
    return response


class HitPixelMiddleware:
    """``GET /hit/<post id>/`` (or ``/hit/home/``, ``/hit/blog/``) on a blog's host: record
    a read (``record_hit``) and answer the pixel, before the rest of the middleware runs.

    Every view of every post asks for the pixel, uncached, so it must cost as little as
    a request can: one cached host lookup, the rate-limit counter, one indexed query and
    the INSERT. Going through the URL resolver would also pay for the page cache's
    lookups (useless for a response that is never stored), loading the whole blog row,
    sessions, CSRF and authentication, which together cost more than recording itself.
    Any other host (the platform's, unknown ones) falls through to the usual 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = HIT_PATH.fullmatch(request.path_info)
        if match is None:
            return self.get_response(request)
        host = request_host(request)
        site = resolve_site_for_host(host) if host else None
        if site is None or site.is_default_site:
            return self.get_response(request)
        if request.method == "GET":
            record_hit(request, site.root_page_id, match[1])
        return pixel_response()


def scrub(now=None):
    """Forget who read what: blank visitor hashes older than 24 hours and delete the salts
    of days before yesterday (UTC). Returns (hashes blanked, salts deleted); idempotent."""
    now = now or timezone.now()
    blanked = Hit.objects.filter(
        created_at__lt=now - datetime.timedelta(hours=24), visitor_hash__isnull=False
    ).update(visitor_hash=None)
    yesterday = now.astimezone(datetime.UTC).date() - datetime.timedelta(days=1)
    deleted, _ = AnalyticsSalt.objects.filter(day__lt=yesterday).delete()
    return blanked, deleted
