"""Daily roll-ups: each finished UTC day's hits summed into ``DailyReads``.

A busy blog gets millions of hits a year; counting them again for every look at the
dashboard would make a year's figures cost seconds. Once a UTC day is over its hits never
change (a read is stored with the day it happened), so ``roll_up`` sums them once, a few
``INSERT ... SELECT ... GROUP BY`` statements, and the dashboard reads those sums for
finished days and the raw hits of today only (``blog.analytics.figures``).

Raw hits are deleted ``RAW_HITS_KEPT_DAYS`` after their day was rolled up: every figure
comes from the sums by then, and a read's exact time, referrer, country, device and browser
together say more about one reader than the dashboard needs. The weeks kept let a day be
rolled up again (``manage.py rollup_analytics --day``) after a fix, and let a missed run
catch up.
"""

import datetime
import functools

from django.db import connection, transaction
from django.utils import timezone

from blog.models import DailyReads, Hit, RolledUpDay

RAW_HITS_KEPT_DAYS = 30
LATE_READS = datetime.timedelta(minutes=10)


class RawHitsGone(ValueError):
    """Rolling up this day again would replace its sums with those of no hits."""


def utc_today():
    return timezone.now().astimezone(datetime.UTC).date()


def finished_by():
    """Days before this one are over, reads that were on their way included: a read
    counted at 23:59:59 may be stored a little after midnight, and a day's sums are never
    made again by the hourly run."""
    return (timezone.now() - LATE_READS).astimezone(datetime.UTC).date()


@functools.cache
def page_sums_sql(dimension):
    """Per blog and page, the day's reads (``dimension`` empty) or its reads per value of
    ``dimension``: one GROUP BY over the day's hits, inserted as they come out."""
    rollups, hits = DailyReads._meta.db_table, Hit._meta.db_table
    value, group = (dimension, f", {dimension}") if dimension else ("''", "")
    return f"""
        INSERT INTO {rollups} (blog_id, day, page, post_id, dimension, value, reads)
        SELECT blog_id, day, page, post_id, %s, {value}, COUNT(*)
        FROM {hits} WHERE day = %s
        GROUP BY blog_id, day, page, post_id{group}
    """  # noqa: S608 (only table and column names are put in; values are parameters)


@functools.cache
def blog_sums_sql():
    """The blog-wide rows: the day's page rows added up, without reading the hits again."""
    rollups = DailyReads._meta.db_table
    return f"""
        INSERT INTO {rollups} (blog_id, day, page, post_id, dimension, value, reads)
        SELECT blog_id, day, '', NULL, dimension, value, SUM(reads)
        FROM {rollups} WHERE day = %s AND page <> ''
        GROUP BY blog_id, day, dimension, value
    """  # noqa: S608 (only the table name is put in)


def roll_up(day, today=None):
    """Replace ``day``'s ``DailyReads`` by the sums of its hits and mark it rolled up.

    Running it again for the same day gives the same rows. Refused for a day not over yet,
    and for a rolled-up day whose hits are deleted already (``RawHitsGone``).
    """
    today = today or utc_today()
    if day >= today:
        raise ValueError(f"{day} is not over yet (UTC).")
    kept_since = today - datetime.timedelta(days=RAW_HITS_KEPT_DAYS)
    if day < kept_since and RolledUpDay.objects.filter(day=day).exists():
        raise RawHitsGone(f"The hits of {day} are deleted; its sums stay as they are.")
    param = connection.ops.adapt_datefield_value(day)
    with transaction.atomic():
        DailyReads.objects.filter(day=day).delete()
        with connection.cursor() as cursor:
            for dimension in (DailyReads.TOTAL, *Hit.DIMENSIONS):
                cursor.execute(page_sums_sql(dimension), [dimension, param])
            cursor.execute(blog_sums_sql(), [param])
        RolledUpDay.objects.update_or_create(day=day, defaults={"rolled_up_at": timezone.now()})


def days_to_roll_up(today):
    """Finished days with hits that are not rolled up yet, and yesterday in any case (so
    that the dashboard knows it is done, reads or not), oldest first."""
    rolled = RolledUpDay.objects.values("day")
    days = set(
        Hit.objects.filter(day__lt=today)
        .exclude(day__in=rolled)
        .values_list("day", flat=True)
        .distinct()
        .order_by()
    )
    yesterday = today - datetime.timedelta(days=1)
    if not RolledUpDay.objects.filter(day=yesterday).exists():
        days.add(yesterday)
    return sorted(days)


def delete_old_hits(today):
    """Delete the hits of rolled-up days more than ``RAW_HITS_KEPT_DAYS`` ago."""
    kept_since = today - datetime.timedelta(days=RAW_HITS_KEPT_DAYS)
    old = Hit.objects.filter(day__lt=kept_since, day__in=RolledUpDay.objects.values("day"))
    deleted, _ = old.delete()
    return deleted


def roll_up_finished_days(today=None):
    """Roll up every finished day not rolled up yet, then delete hits past keeping.
    Returns (days rolled up, hits deleted); a second run does nothing."""
    today = today or finished_by()
    days = days_to_roll_up(today)
    for day in days:
        roll_up(day, today)
    return days, delete_old_hits(today)
