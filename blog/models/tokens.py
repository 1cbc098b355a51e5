"""Personal access tokens: how apps and scripts write to a blog without a password.

A token is made for one blog and one scope (read, or read and write) by its owner in the
dashboard (``blog.api.tokens``), and shown to them once. Only its SHA-256 digest is
stored: a token is 32 random bytes, so a fast digest is as safe as a password hash would
be, and a request finds its token with one indexed lookup. Whoever reads the database
cannot use what they find there.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models

from blog.models.pages import BlogPage

PREFIX = "bear_"  # tells a leaked token apart in logs and secret scanners


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class AccessToken(models.Model):
    READ = "read"
    WRITE = "write"
    SCOPES = [(READ, "Read posts"), (WRITE, "Read and write posts")]

    blog = models.ForeignKey(BlogPage, on_delete=models.CASCADE, related_name="access_tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What uses it, to know it again: “iA Writer”, “my laptop”."
    )
    scope = models.CharField(max_length=5, choices=SCOPES, default=WRITE)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The token's last characters, shown in the dashboard to tell tokens apart.
    hint = models.CharField(max_length=4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    @classmethod
    def issue(cls, blog, user, name, scope):
        """A new token for ``blog``: the saved row, and the token itself (never stored)."""
        token = PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(
            blog=blog, user=user, name=name, scope=scope, digest=digest(token), hint=token[-4:]
        )
        return row, token

    @classmethod
    def find(cls, token):
        """The live token ``token`` names, with its blog, or None."""
        if not token.startswith(PREFIX) or len(token) > 100:
            return None
        return cls.objects.select_related("blog", "user").filter(digest=digest(token)).first()

    @property
    def can_write(self):
        return self.scope == self.WRITE
