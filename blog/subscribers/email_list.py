"""The blogger's email list: addresses added by hand or from another service's export,
each asked to confirm like a reader who subscribes on the blog (double opt-in,
``blog.subscribers.confirmations``). Nobody is subscribed without following the link.

The mail leaves from the platform's address to whoever is on the list, so a list is
capped three ways, on top of the limits every confirmation has (one per address and blog
while its link works, a few a day per address over all blogs):

* ``MAX_ADDRESSES`` a list: a migration from Bear Blog or a newsletter fits, a
  bought list of millions does not (the form refuses a longer one);
* ``ASKED_PER_DAY`` people asked a day per blog, ``ASKED_PER_DAY_UNREVIEWED`` until
  staff have reviewed the blog, so a new account cannot make the platform a spam
  cannon. Counted from the blog's audit log, where each list leaves an entry: unlike
  the subscriber rows, the blogger cannot delete it to ask more people. And as many in
  all over the account's blogs (``blog.core.daily_counts``), so that starting (or
  deleting and starting again) more blogs asks nobody more;
* a blocked blog asks nobody.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import PageLogEntry

from blog.core.daily_counts import add_today, count_today
from blog.subscribers.confirmations import BLOGGER_CONFIRMATION_WINDOW, Asked, ask_to_confirm

MAX_ADDRESSES = 1000
ASKED_PER_DAY = 1000
ASKED_PER_DAY_UNREVIEWED = 100
LOG_ACTION = "bearcms.subscribers.add"
ACCOUNT_SCOPE = "subscribers-asked"


@dataclass
class ListResult:
    """What adding a list did: how many people were asked, and why the others were not."""

    asked: int = 0
    subscribed: int = 0
    waiting: int = 0
    held_back: int = 0  # asked by several blogs today already: not stored, not mailed
    invalid: list = field(default_factory=list)


class OverDailyLimit(Exception):
    """The list would ask more people than the blog may ask today; nothing was done."""


def daily_limit(blog):
    return ASKED_PER_DAY if blog.reviewed else ASKED_PER_DAY_UNREVIEWED


def asked_today(blog):
    """How many people the blog's lists asked to confirm in the last 24 hours."""
    since = timezone.now() - timedelta(days=1)
    entries = PageLogEntry.objects.filter(page=blog, action=LOG_ACTION, timestamp__gte=since)
    return sum(data.get("asked", 0) for data in entries.values_list("data", flat=True))


def left_today(blog, user):
    """How many more people ``user`` may ask for ``blog`` today."""
    by_account = count_today(ACCOUNT_SCOPE, user.pk)
    return max(daily_limit(blog) - max(asked_today(blog), by_account), 0)


def add_to_list(blog, user, addresses, invalid):
    """Ask each address of the list that is not subscribed or waiting to confirm;
    return a ``ListResult``. Raises ``OverDailyLimit`` before anything is done when
    the list holds more people to ask than the blog may still ask today.

    One transaction: the confirmations leave after the commit, and the log entry that
    counts them towards the day is written with the rows. Two lists sent at the same
    moment can pass the daily check together, by at most one list.
    """
    result = ListResult(invalid=invalid)
    to_ask = addresses_to_ask(blog, addresses, result)
    left = left_today(blog, user)
    if len(to_ask) > left:
        raise OverDailyLimit(
            f"This list would ask {len(to_ask):,} people to confirm, but your blog can ask "
            f"{left:,} more today (at most {daily_limit(blog):,} in 24 hours). Send a "
            "shorter list now and the rest tomorrow."
        )
    with transaction.atomic():
        for address in to_ask:
            outcome = ask_to_confirm(blog, address, by_blogger=True)
            if outcome is Asked.MAILED:
                result.asked += 1
            elif outcome is Asked.SUBSCRIBED:  # confirmed in the meantime
                result.subscribed += 1
            elif outcome is Asked.WAITING:
                result.waiting += 1
            else:
                result.held_back += 1
        if result.asked:
            log(instance=blog, action=LOG_ACTION, user=user, data={"asked": result.asked})
    add_today(ACCOUNT_SCOPE, user.pk, result.asked)
    return result


def addresses_to_ask(blog, addresses, result):
    """The addresses to ask, as the blog already has them when it does; counts the
    subscribed and the waiting into ``result``. One query for the whole list."""
    known = {
        row.email_lower: row
        for row in blog.email_subscribers.annotate(email_lower=Lower("email")).filter(
            email_lower__in=[address.lower() for address in addresses]
        )
    }
    recent = timezone.now() - BLOGGER_CONFIRMATION_WINDOW
    to_ask = []
    for address in addresses:
        row = known.get(address.lower())
        if row is None:
            to_ask.append(address)
        elif row.confirmed_at is not None:
            result.subscribed += 1
        elif row.created_at >= recent:
            result.waiting += 1
        else:
            to_ask.append(row.email)
    return to_ask
