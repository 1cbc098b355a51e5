"""A blog's email subscribers and the outbox of the mail they get."""

from django.db import models

from blog.models.outbox import OutboxEntry
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


class Delivery(OutboxEntry):
    """One new-post email to one subscriber: the outbox that makes the mail exactly-once.

    Rows are created once per (post, subscriber) in the transaction that marks the post
    notified; they are sent as every outbox row is (``blog.models.outbox``,
    ``blog.subscribers.tasks``).
    """

    post = models.ForeignKey(PostPage, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(fields=["post", "subscriber"], name="one_delivery_per_post")
        ]

    def __str__(self):
        return f"Post {self.post_id} to subscriber {self.subscriber_id}"
