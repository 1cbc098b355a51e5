"""Per-day counts in the shared cache, for limits on what one account may do in a day
(blogs started, people asked to subscribe) that deleting what was done cannot reset.

A day is a UTC calendar day. The cache is shared by every web process (Redis, or the
file cache of one box); if it is emptied, the day's counts start again, which errs on
the side of the blogger. ``cache.incr`` is atomic in Redis; on the file cache two
requests at the same moment may count once, which these limits can afford.
"""

import datetime

from django.core.cache import cache

TIMEOUT = 2 * 24 * 3600  # past the end of the day, whatever time the first count came


def key(scope, identity):
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    return f"bearcms:daily:{scope}:{identity}:{today}"


def count_today(scope, identity):
    return cache.get(key(scope, identity)) or 0


def add_today(scope, identity, amount=1):
    if amount:
        cache.add(key(scope, identity), 0, timeout=TIMEOUT)
        try:
            cache.incr(key(scope, identity), amount)
        except ValueError:  # expired between the two calls: the count starts again
            cache.add(key(scope, identity), amount, timeout=TIMEOUT)
