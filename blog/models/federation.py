"""ActivityPub's rows: a blog's key, the remote accounts that follow it, and the outbox of
what it sends them (``blog.federation``).

The private key is a row of its own, never a field of the blog page: page fields are
copied into every revision, and a revision is shown and exported as JSON.
"""

from django.db import models

from blog.models.outbox import OutboxEntry
from blog.models.pages import BlogPage

URL_LENGTH = 500


class ActorKey(models.Model):
    """The RSA key pair a blog signs its requests with (made the first time it is needed)."""

    blog = models.OneToOneField(BlogPage, on_delete=models.CASCADE, related_name="actor_key")
    private_pem = models.TextField()
    public_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Key of blog {self.blog_id}"


class RemoteActor(models.Model):
    """An account on another server, as its own actor document describes it: kept to check
    its signatures and to know where its inbox is. Fetched again when a signature does not
    match the key kept (keys change) and when ``fetched_at`` is old."""

    uri = models.URLField(max_length=URL_LENGTH, unique=True)
    key_id = models.URLField(max_length=URL_LENGTH, db_index=True)
    public_pem = models.TextField()
    inbox = models.URLField(max_length=URL_LENGTH)
    shared_inbox = models.URLField(max_length=URL_LENGTH, blank=True)
    handle = models.CharField(max_length=300, blank=True)  # user@server
    name = models.CharField(max_length=200, blank=True)
    profile_url = models.URLField(max_length=URL_LENGTH, blank=True)
    fetched_at = models.DateTimeField()

    def __str__(self):
        return self.handle or self.uri

    @property
    def delivery_inbox(self):
        """Where this account's server takes activities: its shared inbox, once per
        server, or the account's own."""
        return self.shared_inbox or self.inbox


class Follower(models.Model):
    """A remote account following a blog. ``follow_id`` is the id of its Follow, which
    the Accept, and a blogger's removal (a Reject), name."""

    blog = models.ForeignKey(BlogPage, on_delete=models.CASCADE, related_name="followers")
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="follows")
    follow_id = models.URLField(max_length=URL_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["blog", "actor"], name="one_follow_per_actor")
        ]

    def __str__(self):
        return str(self.actor)


class Activity(models.Model):
    """An activity a blog sent: the outbox. ``key`` says what it is about (``post:12:
    create:0``) and is unique, so a task run twice makes it once."""

    blog = models.ForeignKey(BlogPage, on_delete=models.CASCADE, related_name="activities")
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20)
    # The post it is about, if any: a number, not a key, as a Delete outlives its post.
    post_id = models.IntegerField(null=True, blank=True)
    document = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["blog", "post_id"])]

    def __str__(self):
        return self.key


class ActivityDelivery(OutboxEntry):
    """One activity to one inbox (a server's shared inbox for all its followers there)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="deliveries")
    inbox = models.URLField(max_length=URL_LENGTH)

    class Meta:
        verbose_name_plural = "activity deliveries"
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(fields=["activity", "inbox"], name="one_delivery_per_inbox")
        ]

    def __str__(self):
        return f"{self.activity} to {self.inbox}"
