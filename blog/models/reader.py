"""What readers leave on posts: upvotes, and the reads the analytics pixel counts, with
their daily sums."""

from django.db import models
from django.utils import timezone

from blog.models.pages import BlogPage, PostPage


class Upvote(models.Model):
    """One reader's upvote of one post.

    The reader is known only by ``visitor_hash``, a salted hash of its network address (an
    IPv6 /64 is one) and post: enough to refuse a second vote, never the raw IP.
    """

    post = models.ForeignKey(PostPage, on_delete=models.CASCADE, related_name="upvotes")
    visitor_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "visitor_hash"], name="one_upvote_per_reader")
        ]

    def __str__(self):
        return f"Upvote of post {self.post_id}"


class Hit(models.Model):
    """One read of a page of a blog, counted by the pixel the page loads (see
    blog.analytics.hits): a post (or a Bear "page", which is a post too), the home page or
    the post list (``/blog/``, its tag filters included).

    Nothing here identifies a reader: ``visitor_hash`` mixes its network address (an IPv6
    /64 is one) and page with a salt that lives for one day, only to count a reader once
    per page and day, and is scrubbed after 24 hours (``manage.py scrub_analytics``).
    Rows live a few weeks: finished days are summed into ``DailyReads``
    (``blog.analytics.rollups``), which every figure of a past day comes from.
    """

    POST, HOME, POST_LIST = "post", "home", "blog"
    PAGES = ((POST, "post"), (HOME, "home page"), (POST_LIST, "post list"))
    # The four things a read is counted by, besides its page and day.
    DIMENSIONS = ("referrer_host", "country", "device", "browser")

    # A read of a post has its post; the home page and the post list have none.
    post = models.ForeignKey(PostPage, on_delete=models.CASCADE, related_name="hits", null=True)
    page = models.CharField(max_length=4, choices=PAGES, default=POST)
    # The blog, copied so that a blog's figures need no join.
    blog = models.ForeignKey(BlogPage, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    day = models.DateField()
    visitor_hash = models.CharField(max_length=64, null=True)
    referrer_host = models.CharField(max_length=253, blank=True)
    country = models.CharField(max_length=2, blank=True)
    device = models.CharField(max_length=10, blank=True)
    browser = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["blog", "created_at"]),
            models.Index(fields=["post", "created_at"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["day", "visitor_hash"], name="one_hit_per_reader_day")
        ]

    def __str__(self):
        return f"Read of {self.page} {self.post_id or ''} on {self.day}"


class DailyReads(models.Model):
    """How many reads one UTC day brought, summed from its ``Hit`` rows once it is over
    (``manage.py rollup_analytics``), so that a year of figures reads a few thousand
    rows rather than millions of hits.

    Rows come at two levels, each split by one dimension at a time:

    - ``page`` empty: the blog as a whole. ``dimension`` empty with ``value`` empty is the
      day's reads; ``dimension`` one of ``Hit.DIMENSIONS`` gives the reads per value of
      it (per referrer, country, device or browser). The dashboard's chart and lists.
    - ``page`` one of ``Hit.PAGES`` (``post`` set for a post): the same for that page.
      The per-post table and the drill-downs (a post's referrers, a referrer's posts).

    Every read has one value in each dimension, so a dimension's rows add up to the reads
    of their level. A read is never split across days: no row ever changes once written,
    except when a day is rolled up again, which replaces all of that day's rows.
    """

    WHOLE_BLOG = ""
    TOTAL = ""  # the dimension (and value) of a level's total reads

    # Not indexed alone: the indexes below start with them.
    blog = models.ForeignKey(BlogPage, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    page = models.CharField(max_length=4, blank=True)
    post = models.ForeignKey(
        PostPage, on_delete=models.CASCADE, related_name="+", null=True, db_index=False
    )
    dimension = models.CharField(max_length=13, blank=True)
    value = models.CharField(max_length=253, blank=True)
    reads = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "daily reads"
        indexes = [
            # Every figure of a blog: its level, dimension and value, then the days.
            models.Index(fields=["blog", "page", "dimension", "value", "day"]),
            models.Index(fields=["post", "dimension", "day"]),
            # Platform figures, and replacing one day's rows.
            models.Index(fields=["day", "page", "dimension"]),
        ]

    def __str__(self):
        return f"{self.reads} reads of blog {self.blog_id} on {self.day}"


class RolledUpDay(models.Model):
    """A UTC day whose hits are in ``DailyReads``: figures take such days from there and
    later days (today, and any day the roll-up has not reached yet) from ``Hit``."""

    day = models.DateField(primary_key=True)
    rolled_up_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Reads of {self.day}, rolled up"

    @classmethod
    def last_day(cls):
        """The last day whose figures come from ``DailyReads`` (later days' from ``Hit``),
        or None before any roll-up."""
        return cls.objects.order_by("-day").values_list("day", flat=True).first()


class AnalyticsSalt(models.Model):
    """The secret mixed into one day's visitor hashes; deleted when the day is over, so
    that nobody, not even with the database and SECRET_KEY, can recompute old hashes."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return f"Analytics salt of {self.day}"
