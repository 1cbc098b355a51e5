"""Secret links to a post's draft, for showing it to someone before it is published."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_token():
    """192 random bits, URL-safe: nobody finds a draft by guessing its link."""
    return secrets.token_urlsafe(24)


class DraftLink(models.Model):
    """A link that shows anyone who has it the post's latest draft
    (``blog.reader.drafts``).

    Made and revoked (deleted) by the post's writers in the dashboard
    (``blog.dashboard.draft_links``). It works until ``expires_at``, and only for drafts
    saved before the post is next published: publishing ends it (``is_spent``).
    """

    post = models.ForeignKey("blog.PostPage", on_delete=models.CASCADE, related_name="draft_links")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Draft link to {self.post_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    def is_spent(self, post):
        """Whether the post (as it is now) was published since the link was made."""
        return post.last_published_at is not None and post.last_published_at >= self.created_at
