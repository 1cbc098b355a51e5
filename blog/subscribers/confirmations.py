"""Asking an address to confirm a subscription: the one double opt-in path, shared by
the reader's form on the blog (``blog.subscribers.views``) and the blogger's email list
in the dashboard (``blog.subscribers.email_list``).

Anyone can type anyone's address into any blog's form, and a blogger can paste any
list, so confirmation mail is rationed here, whoever asks: one for an address on a blog
within a window (a day when a reader asks, the link's whole life when the blogger does),
a few a day for an address over all blogs, and for the form a cap on how many addresses
a blog may be waiting to hear from. A real reader asks once and confirms within
minutes, and never meets these limits.
"""

import enum
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from blog.models import Subscriber
from blog.subscribers.tasks import CONFIRM_LINK_MAX_AGE, send_confirmation_later

# How long a blog does not mail an unconfirmed address again when a reader asks again.
CONFIRMATION_WINDOW = timedelta(days=1)
# The same when the blogger adds the address again: while the link of the last mail still
# works, a second one would only nag someone who has not (yet) chosen to confirm.
BLOGGER_CONFIRMATION_WINDOW = CONFIRM_LINK_MAX_AGE
# Confirmations to one address over all blogs in CONFIRMATION_WINDOW: a reader who finds
# a few blogs at once still gets each link.
CONFIRMATIONS_PER_ADDRESS = 5
# Addresses a blog's form mailed a confirmation in CONFIRMATION_WINDOW that have not
# confirmed: more than a popular post brings, as real readers confirm within minutes.
# The blogger's own list has its caps (``blog.subscribers.email_list``) and does not
# count here, so an import never closes the form to readers.
PENDING_PER_BLOG = 100


class Asked(enum.Enum):
    """What asking an address came to."""

    MAILED = "mailed"  # a confirmation is on its way
    SUBSCRIBED = "subscribed"  # confirmed already: nothing is sent
    WAITING = "waiting"  # mailed within the window, not confirmed yet: nothing is sent
    HELD_BACK = "held back"  # a limit stopped it today: nothing is stored or sent


def ask_to_confirm(blog, email, *, by_blogger=False):
    """Record ``email`` as an unconfirmed subscriber of ``blog`` and mail it the link,
    within the limits on confirmation mail; return what happened (``Asked``).

    The address's daily slot is taken first: a row stamped as mailed when no mail could
    go would leave the reader waiting a day for nothing.
    """
    if not take_address_slot(email):
        return Asked.HELD_BACK
    outcome, subscriber = confirmation_to_send(blog, email, by_blogger)
    if subscriber is not None:
        send_confirmation_later(subscriber)
    return outcome


def confirmation_to_send(blog, email, by_blogger):
    """(``Asked``, the unconfirmed subscriber to mail now or None).

    Nothing is mailed when the address is confirmed, was mailed by this blog within the
    window, or, for the form, the blog has PENDING_PER_BLOG addresses waiting (then
    nothing new is stored either).

    The database keeps this, in the subscriber rows every process shares: an unconfirmed
    row's ``created_at`` is when it was last mailed, and ``added_by_blogger`` who asked
    for that mail. A new row is mailed; an older one is stamped again by a conditional
    UPDATE that one request alone can win, and only once the window has passed. The
    form's pending count is those rows within the window that readers asked for, so
    readers who confirm free their place. Parallel requests may pass the count together,
    going over the cap by at most their number.
    """
    now = timezone.now()
    if not by_blogger:
        pending = blog.email_subscribers.filter(
            confirmed_at__isnull=True,
            created_at__gte=now - CONFIRMATION_WINDOW,
            added_by_blogger=False,
        )
        if pending[:PENDING_PER_BLOG].count() >= PENDING_PER_BLOG:
            return Asked.HELD_BACK, None
    subscriber, created = Subscriber.objects.get_or_create(
        blog=blog, email=email, defaults={"added_by_blogger": by_blogger}
    )
    if created:
        return Asked.MAILED, subscriber
    if subscriber.confirmed_at is not None:
        return Asked.SUBSCRIBED, None
    window = BLOGGER_CONFIRMATION_WINDOW if by_blogger else CONFIRMATION_WINDOW
    due = Subscriber.objects.filter(
        pk=subscriber.pk, confirmed_at__isnull=True, created_at__lt=now - window
    )
    if not due.update(created_at=now, added_by_blogger=by_blogger):
        return Asked.WAITING, None
    subscriber.added_by_blogger = by_blogger
    return Asked.MAILED, subscriber


def take_address_slot(email):
    """Take one of the address's CONFIRMATIONS_PER_ADDRESS slots, each kept for
    CONFIRMATION_WINDOW; False when all are taken.

    In the shared cache, not the database: subscriber rows are indexed by blog, so
    counting one address over all blogs would read the whole table on every request,
    and a slot need only last a day. ``cache.add`` is atomic in Redis and LocMem, so
    processes cannot take one slot twice (the file cache of a single box can, in a burst),
    and as each slot expires a day after it was taken, the limit holds in any 24 hours.
    The address is kept as a keyed hash.
    """
    digest = salted_hmac("bearcms.subscriptions.address", email.lower()).hexdigest()
    timeout = CONFIRMATION_WINDOW.total_seconds()
    return any(
        cache.add(f"bearcms:confirmation-slot:{digest}:{n}", True, timeout)
        for n in range(CONFIRMATIONS_PER_ADDRESS)
    )
