"""The dashboard's page writes are all-or-nothing.

Wagtail's "create and publish" runs in autocommit: it adds the page to the tree, saves
a revision, then publishes it, each step committed on its own. A database that goes away
between the steps (PostgreSQL restarting, a failover) or a worker killed mid-request
would leave a post half-written: in the tree, but with no revision, or never made live.
Each POST to the page views (add, edit, publish, unpublish, move, delete, ...) is run in
one transaction instead, so a publish cut short is not there at all and the blogger's
retry starts clean. GETs stay outside a transaction: on SQLite (``transaction_mode``
IMMEDIATE) one would take the write lock for a mere read.
"""

import functools

from django.db import transaction


def atomic_post(view):
    """Run ``view`` in one transaction when the request is a POST."""

    @functools.wraps(view)
    def atomic_when_posting(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    return atomic_when_posting
