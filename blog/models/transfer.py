"""Imports of posts into a blog."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from blog.models.pages import BlogPage


class ImportJob(models.Model):
    """One import of posts into a blog (``blog.transfer.uploads``): the parsed rows and their
    problems (shown as a preview), then the progress and report of the import itself,
    which runs as a background task."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class OnClash(models.TextChoices):
        SUFFIX = "suffix", "Import it with a number added to its link"
        SKIP = "skip", "Skip it"

    blog = models.ForeignKey(BlogPage, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    source_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    on_clash = models.CharField(max_length=10, choices=OnClash.choices, default=OnClash.SUFFIX)
    # The valid rows, as post records (blog.transfer.export's columns), and the problems found.
    rows = models.JSONField(default=list)
    problems = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    # While it runs: the page its posts wait below until they all appear in the blog
    # (blog.transfer.tasks).
    holding = models.ForeignKey(
        "wagtailcore.Page", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["blog", "-created_at"])]

    def __str__(self):
        return f"Import of {self.source_name} into blog {self.blog_id}"
