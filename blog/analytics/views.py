"""The analytics dashboard: a blog's reads (``blog.analytics.hits``) in the Wagtail admin.

``/dashboard/analytics/?days=7|30|365`` shows reads per day as a server-rendered SVG bar
chart, totals, top posts, referrers, countries, devices and browsers, and a per-post
table; ``&format=csv`` downloads the same figures. A blogger sees only their own blog and
no parameter changes that; staff see platform totals, or one blog with ``?blog=<id>``.

Every figure is one aggregate query on the hits of the period (indexed by blog and time),
so the page costs the same number of queries however many posts and reads there are.
"""

import csv
import datetime

from django.db.models import Count, F
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from blog.core.spreadsheets import neutralise_formula
from blog.dashboard.blogs import chosen_blog, current_blog
from blog.models import Hit, PostPage
from blog.models.permissions import is_staff

PERIODS = (7, 30, 365)
DEFAULT_PERIOD = 30
TOP = 10  # rows in each "top" list
PLATFORM_POSTS = 100  # rows in the platform's per-post table
CHART_WIDTH = 730  # viewBox units: two per day of the longest period
CHART_HEIGHT = 160
TOP_LISTS = {  # field: (heading, column, label of the empty value)
    "referrer_host": ("Referrers", "Referrer", "Direct or unknown"),
    "country": ("Countries", "Country", "Unknown"),
    "device": ("Devices", "Device", "Unknown"),
    "browser": ("Browsers", "Browser", "Unknown"),
}


def period_days(request):
    days = request.GET.get("days", "")
    return int(days) if days in {str(period) for period in PERIODS} else DEFAULT_PERIOD


def analytics_figures(blog, days, today):
    """Every figure of the dashboard for ``blog`` (None: all blogs) over ``days`` UTC days
    ending with ``today``, in a fixed number of queries."""
    first_day = today - datetime.timedelta(days=days - 1)
    start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=datetime.UTC)
    hits = Hit.objects.filter(created_at__gte=start)
    if blog is not None:
        hits = hits.filter(blog=blog)
    daily = dict(hits.values_list("day").annotate(reads=Count("id")).order_by())
    reads_per_day = [
        (day, daily.get(day, 0))
        for day in (first_day + datetime.timedelta(days=n) for n in range(days))
    ]
    totals = hits.aggregate(reads=Count("id"), posts=Count("post", distinct=True))
    posts = post_rows(hits, blog)
    return {
        "days": days,
        "first_day": first_day,
        "today": today,
        "reads_per_day": reads_per_day,
        "total_reads": totals["reads"],
        "posts_read": totals["posts"],
        "peak": max(reads for _day, reads in reads_per_day),
        "posts": posts,
        "top_posts": [row for row in posts[:TOP] if row["reads"]],
        "top_lists": [
            (title, column, top_values(hits, field, empty))
            for field, (title, column, empty) in TOP_LISTS.items()
        ],
    }


def top_values(hits, field, empty_label):
    rows = hits.values_list(field).annotate(reads=Count("id")).order_by("-reads", field)[:TOP]
    return [(value or empty_label, reads) for value, reads in rows]


def post_rows(hits, blog):
    """Per post: id, title, reads in the period and upvotes, most read first.

    A blog lists every post, read or not; the platform lists its most read posts, with
    their blogs.
    """
    if blog is None:
        rows = (
            hits.values(
                "post_id",
                "blog_id",
                title=F("post__title"),
                upvotes=F("post__upvote_count"),
                blog_title=F("blog__title"),
            )
            .annotate(reads=Count("id"))
            .order_by("-reads", "post_id")
        )
        return list(rows[:PLATFORM_POSTS])
    reads = dict(hits.values_list("post_id").annotate(reads=Count("id")).order_by())
    posts = PostPage.objects.filter(blog=blog).values_list("id", "title", "upvote_count")
    rows = [
        {"post_id": pk, "title": title, "upvotes": upvotes, "reads": reads.get(pk, 0)}
        for pk, title, upvotes in posts
    ]
    return sorted(rows, key=lambda row: (-row["reads"], row["title"], row["post_id"]))


def reads_chart(reads_per_day, peak):
    """An SVG bar chart with one bar per day (zero-height on days without reads); each
    bar's <title> is its tooltip and what a screen reader announces."""
    slot = CHART_WIDTH / len(reads_per_day)
    width = slot * 0.8 if len(reads_per_day) <= 31 else slot
    scale = CHART_HEIGHT / (peak or 1)
    bars = format_html_join(
        "",
        '<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {} reads</title></rect>',
        (
            (
                f"{n * slot:.2f}",
                f"{CHART_HEIGHT - reads * scale:.2f}",
                f"{width:.2f}",
                f"{reads * scale:.2f}",
                day.isoformat(),
                reads,
            )
            for n, (day, reads) in enumerate(reads_per_day)
        ),
    )
    total = sum(reads for _day, reads in reads_per_day)
    label = f"Reads per day, last {len(reads_per_day)} days: {total} in all, at most {peak}"
    return format_html(
        '<svg class="analytics-chart" viewBox="0 0 {} {}" preserveAspectRatio="none" '
        'role="img" aria-label="{}"><title>{}</title>'
        '<line class="baseline" x1="0" y1="{}" x2="{}" y2="{}"></line>{}</svg>',
        CHART_WIDTH,
        CHART_HEIGHT,
        label,
        label,
        CHART_HEIGHT,
        CHART_WIDTH,
        CHART_HEIGHT,
        bars,
    )


def csv_response(figures, blog):
    name = blog.subdomain if blog is not None else "platform"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="analytics-{name}-{figures["days"]}d-{figures["today"]}.csv"'
    )
    writer = csv.writer(response)

    def section(title, heading, rows):
        writer.writerow([title])
        writer.writerow(heading)
        writer.writerows([neutralise_formula(cell) for cell in row] for row in rows)
        writer.writerow([])

    section("Reads per day", ["date", "reads"], figures["reads_per_day"])
    post_heading = ["post", "reads", "upvotes"] + (["blog"] if blog is None else [])
    section(
        "Posts",
        post_heading,
        (
            [row["title"], row["reads"], row["upvotes"]]
            + ([row["blog_title"]] if blog is None else [])
            for row in figures["posts"]
        ),
    )
    for title, column, rows in figures["top_lists"]:
        section(title, [column.lower(), "reads"], rows)
    return response


def analytics_view(request):
    days = period_days(request)
    if is_staff(request.user):
        blog = chosen_blog(request)
    else:
        # A blogger's own blog, whatever the query string says.
        blog = current_blog(request)
        if blog is None:
            return render(request, "blog/admin/analytics_no_blog.html")
    figures = analytics_figures(blog, days, timezone.now().astimezone(datetime.UTC).date())
    if request.GET.get("format") == "csv":
        return csv_response(figures, blog)
    staff_on_one_blog = blog is not None and is_staff(request.user)
    query = f"blog={blog.id}&" if staff_on_one_blog else ""
    return render(
        request,
        "blog/admin/analytics.html",
        {
            "blog": blog,
            "figures": figures,
            "chart": reads_chart(figures["reads_per_day"], figures["peak"]),
            "periods": [(period, f"?{query}days={period}") for period in PERIODS],
            "csv_url": f"?{query}days={days}&format=csv",
            "all_blogs_url": f"?days={days}" if staff_on_one_blog else None,
        },
    )
