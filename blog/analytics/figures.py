"""The dashboard's figures for any period: rolled-up days from ``DailyReads``, the rest
(today, and any day the roll-up has not reached yet) from ``Hit``.

Each figure is a count of reads grouped one way (per day, per value of a dimension, per
page) and is asked of both tables, for days that do not overlap, and added up: two
indexed queries whose cost depends on the number of days and pages, not of reads.
``tests/blog/analytics/test_rollups.py`` checks that the two sources agree.
"""

import collections
import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from blog.models import DailyReads, Hit, PostPage, RolledUpDay

READING_NOW = datetime.timedelta(minutes=5)
PAGE_TITLES = {Hit.HOME: "Home page", Hit.POST_LIST: "Post list (/blog/)"}
ROLLUP_GROUPS = {"day": ("day",), "page": ("page", "post_id")}


def day_start(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


class Reads:
    """The reads of a blog (None: every blog), of one ``post`` of it or from one
    ``referrer`` host, from ``first`` to ``today`` (UTC days)."""

    def __init__(self, blog, first, today, *, post=None, referrer=None):
        self.blog, self.post, self.referrer = blog, post, referrer
        self.first, self.today = first, today
        self.rolled_through = RolledUpDay.last_day()

    def count(self, by, dimension=DailyReads.TOTAL):
        """{key: reads}: ``by`` "day" (a date), "page" (``(page, post id)``) or "value"
        (a value of ``dimension``, one of ``Hit.DIMENSIONS``)."""
        counts = collections.Counter()
        for rows in (self.rolled_up(by, dimension), self.raw(by, dimension)):
            for *key, reads in rows:
                counts[key[0] if len(key) == 1 else tuple(key)] += reads
        return counts

    def rolled_up(self, by, dimension):
        last = min(self.today, self.rolled_through or self.first - datetime.timedelta(days=1))
        if last < self.first:
            return []
        rows = DailyReads.objects.filter(day__gte=self.first, day__lte=last)
        if self.blog is not None:
            rows = rows.filter(blog=self.blog)
        if self.post is not None:
            rows = rows.filter(page=Hit.POST, post=self.post)
        elif by == "page":
            rows = rows.filter(page__in=[page for page, _label in Hit.PAGES])
        else:
            rows = rows.filter(page=DailyReads.WHOLE_BLOG)
        if self.referrer is not None:
            rows = rows.filter(dimension="referrer_host", value=self.referrer)
        else:
            rows = rows.filter(dimension=dimension)
        group = ROLLUP_GROUPS.get(by, ("value",))
        return rows.values_list(*group).annotate(reads=Sum("reads")).order_by()

    def raw(self, by, dimension):
        if self.rolled_through is not None and self.rolled_through >= self.today:
            return []
        first = self.first
        if self.rolled_through is not None:
            first = max(first, self.rolled_through + datetime.timedelta(days=1))
        # By time, not day: the (blog, created_at) and (created_at) indexes find it.
        hits = self.hits().filter(created_at__gte=day_start(first))
        group = ROLLUP_GROUPS.get(by, (dimension,))
        return hits.values_list(*group).annotate(reads=Count("id")).order_by()

    def hits(self):
        hits = Hit.objects.all()
        if self.blog is not None:
            hits = hits.filter(blog=self.blog)
        if self.post is not None:
            hits = hits.filter(post=self.post)
        if self.referrer is not None:
            hits = hits.filter(referrer_host=self.referrer)
        return hits

    def reading_now(self):
        """Reads in the last five minutes (readers, as far as the pixel can tell: one a
        page and day)."""
        return self.hits().filter(created_at__gte=timezone.now() - READING_NOW).count()


def first_day_with_reads(blog, today):
    """The first UTC day of ``blog``'s reads (every blog's for None), or ``today``."""
    rolled = DailyReads.objects.filter(page=DailyReads.WHOLE_BLOG, dimension=DailyReads.TOTAL)
    hits = Hit.objects.all()
    if blog is not None:
        rolled, hits = rolled.filter(blog=blog, value=""), hits.filter(blog=blog)
    days = [
        rolled.order_by("day").values_list("day", flat=True).first(),
        hits.order_by("created_at").values_list("day", flat=True).first(),
    ]
    return min([day for day in days if day is not None], default=today)


def page_rows(page_reads, blog, limit):
    """Rows of the pages table, most read first: for a blog every post (read or not) and
    its home page and post list when read; for every blog the ``limit`` most read posts.

    Each row: page, post_id, title, reads, upvotes (None for a page that is not a post),
    blog_id, blog_title.
    """
    post_reads = {post: reads for (page, post), reads in page_reads.items() if page == Hit.POST}
    if blog is None:
        ids = sorted(post_reads, key=lambda pk: (-post_reads[pk], pk))[:limit]
        posts = PostPage.objects.filter(id__in=ids)
        others = []
    else:
        posts = PostPage.objects.filter(blog=blog)
        others = [
            {"page": page, "post_id": None, "title": title, "upvotes": None,
             "reads": page_reads[page, None], "blog_id": blog.id, "blog_title": blog.title}
            for page, title in PAGE_TITLES.items()
            if page_reads[page, None]
        ]  # fmt: skip
    rows = [
        {"page": Hit.POST, "post_id": pk, "title": title, "upvotes": upvotes,
         "reads": post_reads.get(pk, 0), "blog_id": blog_id, "blog_title": blog_title}
        for pk, title, upvotes, blog_id, blog_title in posts.values_list(
            "id", "title", "upvote_count", "blog_id", "blog__title"
        )
    ]  # fmt: skip
    return sorted(rows + others, key=lambda row: (-row["reads"], row["title"], row["post_id"] or 0))
