"""A blog's email subscribers and the outbox of the mail they get."""

from django.db import models
from django.utils import timezone

from blog.models.pages import BlogPage, PostPage


class Subscriber(models.Model):
    """An email address asked to get a blog's new posts: by a reader on the blog's form
    (``blog.subscribers.views``), or by the blogger adding it to the blog's email list
    (``blog.subscribers.email_list``).

    Unconfirmed until the person follows the link in the confirmation email (double
    opt-in); only confirmed subscribers are mailed. Unsubscribing deletes the row.
    """

    blog = models.ForeignKey(BlogPage, on_delete=models.CASCADE, related_name="email_subscribers")
    email = models.EmailField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Who asked for the last confirmation mail: the blogger (its text says so, and the
    # form's cap on waiting addresses leaves these out) or the reader.
    added_by_blogger = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["blog", "email"], name="one_subscription_per_email")
        ]

    def __str__(self):
        return self.email


class Delivery(models.Model):
    """One new-post email to one subscriber: the outbox that makes the mail exactly-once.

    Rows are created once per (post, subscriber) in the transaction that marks the post
    notified; a sender claims a row before sending and stamps ``sent_at`` after, and a
    failed send leaves it for a later attempt (see blog.subscribers.tasks).
    """

    post = models.ForeignKey(PostPage, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(fields=["post", "subscriber"], name="one_delivery_per_post")
        ]

    def __str__(self):
        return f"Post {self.post_id} to subscriber {self.subscriber_id}"
