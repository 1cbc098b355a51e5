"""The reads chart: an SVG bar chart drawn on the server, no JavaScript, no library.

Up to 90 days get a bar a day. Longer periods get a bar a week (up to a year: 53 bars)
or a month: 365 bars of a pixel or two each cannot be told apart or pointed at. Each
bar's ``<title>`` is its tooltip and what a screen reader announces.
"""

import datetime

from django.utils.html import format_html, format_html_join

WIDTH = 730  # viewBox units
HEIGHT = 160
DAILY_UP_TO = 90  # days
WEEKLY_UP_TO = 371  # days: a year, and the partial weeks at its ends


def bucket_size(days):
    """ "day", "week" or "month": the bars of a period of ``days`` days."""
    if days <= DAILY_UP_TO:
        return "day"
    return "week" if days <= WEEKLY_UP_TO else "month"


def bucket_start(day, size):
    if size == "week":
        return day - datetime.timedelta(days=day.weekday())  # Monday
    if size == "month":
        return day.replace(day=1)
    return day


def bucket_label(start, size):
    if size == "week":
        return f"Week of {start.isoformat()}"
    if size == "month":
        return start.strftime("%B %Y")
    return start.isoformat()


def bars(reads_per_day, size):
    """[(label, reads)] of ``reads_per_day`` ([(day, reads)], in order) added up by
    ``size``; a bucket cut by the period's first day starts there."""
    totals = {}
    for day, reads in reads_per_day:
        start = max(bucket_start(day, size), reads_per_day[0][0])
        totals[start] = totals.get(start, 0) + reads
    return [(bucket_label(start, size), reads) for start, reads in totals.items()]


def reads_chart(reads_per_day):
    """The chart of ``reads_per_day`` ([(day, reads)], every day of the period), and
    the size of its bars."""
    size = bucket_size(len(reads_per_day))
    shown = bars(reads_per_day, size)
    peak = max(reads for _label, reads in shown) or 1
    slot = WIDTH / len(shown)
    width = slot * 0.8 if len(shown) <= 60 else slot
    scale = HEIGHT / peak
    rects = format_html_join(
        "",
        '<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {} reads</title></rect>',
        (
            (
                f"{n * slot:.2f}",
                f"{HEIGHT - reads * scale:.2f}",
                f"{width:.2f}",
                f"{reads * scale:.2f}",
                label,
                reads,
            )
            for n, (label, reads) in enumerate(shown)
        ),
    )
    total = sum(reads for _label, reads in shown)
    label = (
        f"Reads per {size}, {len(reads_per_day)} days from {reads_per_day[0][0].isoformat()}: "
        f"{total} in all, at most {max(reads for _label, reads in shown)} in a {size}"
    )
    chart = format_html(
        '<svg class="analytics-chart" viewBox="0 0 {} {}" preserveAspectRatio="none" '
        'role="img" aria-label="{}"><title>{}</title>'
        '<line class="baseline" x1="0" y1="{}" x2="{}" y2="{}"></line>{}</svg>',
        WIDTH,
        HEIGHT,
        label,
        label,
        HEIGHT,
        WIDTH,
        HEIGHT,
        rects,
    )
    return chart, size
