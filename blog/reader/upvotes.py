"""Upvotes: a JavaScript-free form POST on a post, one per reader, counted on the post.

A reader is a network address, an IPv4 address or an IPv6 /64
(``blog.core.reader_requests.reader_network``), and is stored only as a salted HMAC of it and
the post (``visitor_hash``): enough to refuse a second vote, and the raw IP is never
stored, logged or used as a cache key. Nothing the client chooses (User-Agent, Origin)
goes into it, so a script on one machine votes once per post however it dresses up.
Readers behind one address (an office, a mobile network's NAT) share that one vote. The
form is protected like every reader endpoint that writes (``blog.core.reader_requests``):
same-origin check against other sites' pages, and a per-network rate limit.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.crypto import salted_hmac

from blog.core.discovery import hot_score
from blog.core.reader_requests import (
    reader_network,
)
from blog.models import PostPage, Upvote

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

    For staff removing upvotes (``blog.moderation.upvotes``): call it in the transaction
    that deleted them, holding the post's row lock, so that no upvote counted meanwhile
    by ``record_upvote`` is overwritten. ``in_discovery`` does not depend on the count.
    """
    count = Upvote.objects.filter(post=post).count()
    PostPage.objects.filter(pk=post.pk).update(
        upvote_count=count, score=hot_score(count, post.discovery_date)
    )
    return count
