"""``handler500`` of both URLconfs: a database outage answers 503, not "server error".

Django turns an exception raised anywhere below a middleware (the view, the session
middleware, ``blog.tenants.hosts``' lookup, the reader page cache's) into a response through the
``handler500`` of the request's URLconf, called inside the ``except`` block, so
``sys.exc_info()`` still holds the exception. When it is the database refusing us
(PostgreSQL restarting, a failover, the connection dropped) the fault is passing and not
the reader's: a 503 with ``Retry-After`` tells browsers, crawlers and the CDN to come back
instead of recording an error page, and the neutral page renders without the database.
A full disk (SQLite's file, PostgreSQL's volume, an upload's file) answers its own 503
page: nothing was saved, and trying again soon will not help. Every other exception
keeps Django's plain ``500.html``.

Django still logs the request at ERROR with its traceback (``django.request``), so an
outage reaches the logs and Slack. The connection itself heals on the next request:
``CONN_HEALTH_CHECKS`` (settings) drops a dead persistent connection before reuse.
"""

import errno
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

DATABASE_ERRORS = (OperationalError, InterfaceError)
# A restart of PostgreSQL takes seconds; clients that honour the header come back soon.
RETRY_AFTER_SECONDS = 10


# A full disk does not pass in seconds: nothing can be saved until an operator frees space.
DISK_FULL_RETRY_AFTER_SECONDS = 600
DISK_FULL_SQLSTATE = "53100"  # PostgreSQL's disk_full


def server_error(request):
    _type, exception, _traceback = sys.exc_info()
    if is_disk_full(exception):
        return disk_full()
    if isinstance(exception, DATABASE_ERRORS):
        return database_unavailable()
    return django_server_error(request)


def is_disk_full(exception):
    """SQLite's "database or disk is full" (also PRAGMA max_page_count reached),
    PostgreSQL's disk_full, or a file write that found no space (ENOSPC)."""
    if isinstance(exception, OSError):
        return exception.errno == errno.ENOSPC
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__  # psycopg2 names the SQLSTATE pgcode, psycopg 3 sqlstate
    sqlstate = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    return "database or disk is full" in str(exception) or sqlstate == DISK_FULL_SQLSTATE


def disk_full():
    """Nothing of the request was saved (its transaction rolled back), and reads still
    work: the page says so, so that the person keeps their text and tries later."""
    response = HttpResponse(render_to_string("503_disk_full.html"), status=503)
    response["Retry-After"] = str(DISK_FULL_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable():
    """The outage page: no request context (its processors would query), no caching."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
