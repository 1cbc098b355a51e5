"""What readers leave on posts: upvotes, and the reads the analytics pixel counts."""

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
    """One read of a post, counted by the pixel its page loads (see blog.analytics.hits).

    Nothing here identifies a reader: ``visitor_hash`` mixes its network address (an IPv6
    /64 is one) and post with a salt that lives for one day, only to count a reader once
    per post and day, and is scrubbed after 24 hours (``manage.py scrub_analytics``).
    """

    post = models.ForeignKey(PostPage, on_delete=models.CASCADE, related_name="hits")
    # The post's blog, copied so that a blog's figures need no join.
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
        return f"Read of post {self.post_id} on {self.day}"


class AnalyticsSalt(models.Model):
    """The secret mixed into one day's visitor hashes; deleted when the day is over, so
    that nobody, not even with the database and SECRET_KEY, can recompute old hashes."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return f"Analytics salt of {self.day}"
