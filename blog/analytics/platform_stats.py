"""Platform statistics for staff at ``/dashboard/platform-stats/``: sign-ups, posts first
published and reads per UTC day over the last 7, 30 or 90 days, with totals.

Sign-ups and posts are one aggregate query each (rows grouped by ``TruncDate`` in UTC),
reads come from the daily roll-ups and today's hits (``blog.analytics.figures``), so the
page costs a handful of queries at any size; days without rows are filled in with 0 here,
not in SQL. Posts are found through an indexed time column; sign-ups scan the users
table (``date_joined`` has no index): it is a staff page, not a reader's. The table
draws its bars in CSS: no JavaScript.

The namespace is a staff area (``blog.dashboard.staff``): a blogger gets 403 here and never
sees the menu item.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.template.response import TemplateResponse
from django.utils import timezone

from blog.analytics.figures import Reads
from blog.models import PostPage

NAMESPACE = "bearcms_platform_stats"
PERIODS = (7, 30, 90)  # days
DEFAULT_PERIOD = 30
FIGURES = ("signups", "posts", "reads")


def per_day(queryset, field, since):
    """{UTC date: number of rows whose ``field`` falls on it}, for rows since ``since``."""
    rows = (
        queryset.filter(**{f"{field}__gte": since})
        .annotate(utc_day=TruncDate(field, tzinfo=datetime.UTC))
        .values("utc_day")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["utc_day"]: row["count"] for row in rows}


def daily_figures(days):
    """One row per UTC day of the last ``days`` days (today included), oldest first, with
    the sign-ups, posts that went public and reads of that day; and the totals."""
    today = timezone.now().astimezone(datetime.UTC).date()
    first = today - datetime.timedelta(days=days - 1)
    since = datetime.datetime.combine(first, datetime.time(), tzinfo=datetime.UTC)
    counts = {
        "signups": per_day(get_user_model().objects.all(), "date_joined", since),
        # When posts went public here: an imported file's dates could fill any day. Posts
        # still waiting in an import (blog.transfer.tasks) have no blog yet.
        "posts": per_day(PostPage.objects.filter(blog__isnull=False), "public_since", since),
        "reads": Reads(None, first, today).count("day"),
    }
    rows = [
        {"day": day, **{name: counts[name].get(day, 0) for name in FIGURES}}
        for day in (first + datetime.timedelta(days=n) for n in range(days))
    ]
    totals = {name: sum(row[name] for row in rows) for name in FIGURES}
    return rows, totals


def with_bar_widths(rows):
    """Add ``<figure>_percent`` to each row: its share of the figure's busiest day."""
    for name in FIGURES:
        busiest = max((row[name] for row in rows), default=0) or 1
        for row in rows:
            row[f"{name}_percent"] = round(100 * row[name] / busiest)
    return rows


def platform_stats(request):
    try:
        days = int(request.GET.get("days", DEFAULT_PERIOD))
    except ValueError:
        days = DEFAULT_PERIOD
    if days not in PERIODS:
        days = DEFAULT_PERIOD
    rows, totals = daily_figures(days)
    return TemplateResponse(
        request,
        "blog/admin/platform_stats.html",
        {"rows": with_bar_widths(rows), "totals": totals, "days": days, "periods": PERIODS},
    )
