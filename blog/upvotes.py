"""Upvotes: a JavaScript-free form POST on a post, one per reader, counted on the post.

A reader is a network address, an IPv4 address or an IPv6 /64
(``blog.reader_requests.reader_network``), and is stored only as a salted HMAC of it and
the post (``visitor_hash``): enough to refuse a second vote, and the raw IP is never
stored, logged or used as a cache key. Nothing the client chooses (User-Agent, Origin)
goes into it, so a script on one machine votes once per post however it dresses up.
Readers behind one address (an office, a mobile network's NAT) share that one vote. The
form is protected like every reader endpoint that writes (``blog.reader_requests``):
same-origin check against other sites' pages, and a per-network rate limit.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpResponseForbidden, HttpResponseRedirect
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from blog.discovery import hot_score
from blog.models import PostPage, Upvote
from blog.page_cache import forget_blog_pages
from blog.reader_requests import (
    reader_network,
    same_origin,
    seconds_until_allowed,
    too_many_requests,
)

RATE_LIMIT = 10  # upvotes per window from one reader network
RATE_WINDOW = 60  # seconds


def visitor_hash(request, post_id):
    """The reader's identity for one post: HMAC-SHA256 keyed from SECRET_KEY.

    Keyed, so the 2^32 IPv4 addresses cannot be hashed offline to recover who voted;
    per post, so hashes cannot be joined across posts to follow one reader.
    """
    value = f"{reader_network(request)}\n{post_id}"
    return salted_hmac("bearcms.upvotes.visitor", value, algorithm="sha256").hexdigest()


def record_upvote(post, visitor):
    """Count one upvote unless this reader gave one already; True if it counted.

    The unique (post, visitor_hash) constraint decides under concurrency, and the count
    moves with F() in the same transaction only when the insert succeeded, so it stays
    equal to the number of Upvote rows on SQLite and PostgreSQL alike. The discovery
    score follows from the count read back inside the transaction: the row stays locked
    by the update until commit, so the last upvote to commit writes the final score.
    """
    try:
        with transaction.atomic():
            Upvote.objects.create(post=post, visitor_hash=visitor)
            row = PostPage.objects.filter(pk=post.pk)
            row.update(upvote_count=F("upvote_count") + 1)
            count = row.values_list("upvote_count", flat=True).get()
            row.update(score=hot_score(count, post.discovery_date))
    except IntegrityError:
        return False
    return True


def recount_upvotes(post):
    """Set the post's count to its number of Upvote rows, and its score to match.

    For staff removing upvotes (``blog.upvote_moderation``): call it in the transaction
    that deleted them, holding the post's row lock, so that no upvote counted meanwhile
    by ``record_upvote`` is overwritten. ``in_discovery`` does not depend on the count.
    """
    count = Upvote.objects.filter(post=post).count()
    PostPage.objects.filter(pk=post.pk).update(
        upvote_count=count, score=hot_score(count, post.discovery_date)
    )
    return count


@csrf_exempt  # no CSRF cookie may be set on a blog host: same_origin() guards instead
@never_cache
@require_POST
def upvote(request, post_id):
    """``POST /upvote/<post_id>/``: upvote a visible post of this blog, then show it again."""
    if not same_origin(request):
        return HttpResponseForbidden("Upvotes come only from this blog's own pages.")
    wait = seconds_until_allowed(request, "upvote", RATE_LIMIT, RATE_WINDOW)
    if wait:
        return too_many_requests("Too many upvotes. Try again in a minute.", wait)
    post = (
        PostPage.objects.child_of(request.blog)
        .live()
        .filter(id=post_id, is_page=False, published_date__lte=timezone.now())
        .first()
    )
    if post is None or post.get_view_restrictions().exists():
        raise Http404("No such post.")
    counted = record_upvote(post, visitor_hash(request, post.id))
    if counted:
        forget_blog_pages(request.blog.id)  # the app's cached pages show the old count
    # "See the post": the browser GETs it and shows the count, and whether this upvote
    # counted (post_page.html). The query string makes it a URL no browser or CDN has
    # cached with the old count.
    outcome = "upvoted" if counted else "already-upvoted"
    response = HttpResponseRedirect(f"{post.get_url(request)}?{outcome}#upvote")
    response.status_code = 303
    return response
