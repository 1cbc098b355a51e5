"""The analytics dashboard: a blog's reads (``blog.analytics.hits``) in the Wagtail admin.

``/dashboard/analytics/?days=7|30|90|180|365|all`` shows the period's reads as a
server-rendered SVG bar chart (``blog.analytics.charts``), totals, reads in the last five
minutes, the most read pages, referrers, countries, devices and browsers, and a table of
every post; ``&format=csv`` downloads the same figures. Two drill-downs narrow it:
``?post=<id>`` (one post's reads, referrers, countries, devices, browsers) and
``?referrer=<host>`` (the pages that referrer sent readers to). A blogger sees only the
blog they are working on and no parameter changes that (another blog's post is a 404);
staff see platform totals, or one blog with ``?blog=<id>``.

Figures come from the daily roll-ups and today's hits (``blog.analytics.figures``), so a
year costs about what a week does.
"""

import csv
import datetime
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from blog.analytics.charts import reads_chart
from blog.analytics.figures import Reads, first_day_with_reads, page_rows
from blog.analytics.rollups import utc_today
from blog.core.ids import is_id
from blog.core.spreadsheets import neutralise_formula
from blog.dashboard.blogs import chosen_blog, current_blog
from blog.models import Hit, PostPage
from blog.models.permissions import is_staff

PERIODS = ("7", "30", "90", "180", "365", "all")
DEFAULT_PERIOD = "30"
TOP = 10  # rows in each "top" list
PLATFORM_POSTS = 100  # rows in the platform's per-post table
MAX_REFERRER_LENGTH = 253
TOP_LISTS = {  # field: (heading, column, label of the empty value)
    "referrer_host": ("Referrers", "Referrer", "Direct or unknown"),
    "country": ("Countries", "Country", "Unknown"),
    "device": ("Devices", "Device", "Unknown"),
    "browser": ("Browsers", "Browser", "Unknown"),
}


def period_of(request):
    period = request.GET.get("days", "")
    return period if period in PERIODS else DEFAULT_PERIOD


def drilled_post(request, blog):
    """The post of ``?post=<id>``, or None; a post that is not ``blog``'s is a 404 (for
    staff without a blog, any post)."""
    post_id = request.GET.get("post", "")
    if not post_id:
        return None
    if not is_id(post_id):
        raise Http404
    posts = PostPage.objects.select_related("blog")
    post = (posts if blog is None else posts.filter(blog=blog)).filter(id=post_id).first()
    if post is None:
        raise Http404
    return post


def analytics_figures(blog, period, today, post=None, referrer=None):
    """Every figure of the dashboard for ``blog`` (None: all blogs), narrowed to ``post``
    or ``referrer``, over the ``period`` ending with ``today``, in a fixed number of
    queries."""
    if period == "all":
        first_day = first_day_with_reads(blog, today)
    else:
        first_day = today - datetime.timedelta(days=int(period) - 1)
    reads = Reads(blog, first_day, today, post=post, referrer=referrer)
    per_day = reads.count("day")
    reads_per_day = [
        (day, per_day[day])
        for day in (
            first_day + datetime.timedelta(days=n) for n in range((today - first_day).days + 1)
        )
    ]
    page_reads = reads.count("page") if post is None else {}
    pages = page_rows(page_reads, blog, PLATFORM_POSTS) if post is None else []
    if referrer is not None:
        pages = [row for row in pages if row["reads"]]
    return {
        "period": period,
        "first_day": first_day,
        "today": today,
        "reads_per_day": reads_per_day,
        "total_reads": sum(per_day.values()),
        "posts_read": sum(1 for (page, _post), n in page_reads.items() if page == Hit.POST and n),
        "reading_now": reads.reading_now(),
        "pages": pages,
        "top_pages": [row for row in pages[:TOP] if row["reads"]],
        "top_lists": []
        if referrer is not None
        else [
            (title, column, field, top_values(reads.count("value", field), empty))
            for field, (title, column, empty) in TOP_LISTS.items()
        ],  # fmt: skip
    }


def top_values(counts, empty_label):
    """The ``TOP`` most counted values, as (value, label, reads)."""
    rows = sorted(((n, value) for value, n in counts.items() if n), key=lambda r: (-r[0], r[1]))
    return [(value, value or empty_label, n) for n, value in rows[:TOP]]


def csv_response(figures, blog):
    name = blog.subdomain if blog is not None else "platform"
    period = figures["period"] if figures["period"] == "all" else f"{figures['period']}d"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="analytics-{name}-{period}-{figures["today"]}.csv"'
    )
    writer = csv.writer(response)

    def section(title, heading, rows):
        writer.writerow([title])
        writer.writerow(heading)
        writer.writerows([neutralise_formula(cell) for cell in row] for row in rows)
        writer.writerow([])

    section("Reads per day", ["date", "reads"], figures["reads_per_day"])
    if figures["pages"]:
        section(
            "Posts",
            ["post", "reads", "upvotes"] + (["blog"] if blog is None else []),
            (
                [row["title"], row["reads"], "" if row["upvotes"] is None else row["upvotes"]]
                + ([row["blog_title"]] if blog is None else [])
                for row in figures["pages"]
            ),
        )
    for title, column, _field, rows in figures["top_lists"]:
        section(title, [column.lower(), "reads"], ((value, n) for value, _label, n in rows))
    return response


class Links:
    """The dashboard's own URLs: the current query (staff's ``blog``, the period, a
    drill-down) with some parameters changed; None drops one."""

    def __init__(self, **params):
        self.params = params

    def __call__(self, **changes):
        params = {**self.params, **changes}
        return "?" + urlencode({k: v for k, v in params.items() if v is not None})


def analytics_view(request):
    period = period_of(request)
    if is_staff(request.user):
        blog = chosen_blog(request)
    else:
        # A blogger's current blog, whatever the query string says.
        blog = current_blog(request)
        if blog is None:
            return render(request, "blog/admin/analytics_no_blog.html")
    post = drilled_post(request, blog)
    if post is not None and blog is None:
        blog = post.blog
    referrer = request.GET.get("referrer") if post is None else None
    if referrer is not None:  # PostgreSQL refuses NUL in text
        referrer = referrer.replace("\x00", "")[:MAX_REFERRER_LENGTH]
    figures = analytics_figures(blog, period, utc_today(), post, referrer)
    if request.GET.get("format") == "csv":
        return csv_response(figures, blog)
    staff = is_staff(request.user)
    link = Links(blog=blog.id if staff and blog else None, days=period)
    here = Links(**link.params, post=post and post.id, referrer=referrer)
    for row in figures["pages"]:
        row["url"] = link(post=row["post_id"]) if row["post_id"] else None
        row["blog_url"] = Links(blog=row["blog_id"], days=period)()
    chart, bar_size = reads_chart(figures["reads_per_day"])
    return render(
        request,
        "blog/admin/analytics.html",
        {
            "blog": blog,
            "post": post,
            "referrer": referrer,
            "figures": figures,
            "chart": chart,
            "bar_size": bar_size,
            "periods": [
                (value, "All time" if value == "all" else f"{value} days", here(days=value))
                for value in PERIODS
            ],
            "csv_url": here(format="csv"),
            "whole_blog_url": link() if post or referrer is not None else None,
            "all_blogs_url": Links(days=period)() if staff and blog else None,
            "lists": [
                (
                    title,
                    column,
                    [
                        (label, n, link(referrer=value) if field == "referrer_host" else None)
                        for value, label, n in rows
                    ],
                )
                for title, column, field, rows in figures["top_lists"]
            ],  # fmt: skip
            "counting_off": blog is not None and not blog.analytics_enabled,
            "settings_url": None if staff else reverse("bearcms_blog_settings"),
        },
    )
