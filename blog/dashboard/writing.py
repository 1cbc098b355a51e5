"""What the writing desk's pages share: a post's state in words, and where a new one is
written."""

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

DATE_FORMAT = "j M Y, H:i"  # "6 Dec 2026, 14:05": unambiguous in every locale


def when(moment):
    """A date and time as the desk shows it, in the user's time zone."""
    return format_date(timezone.localtime(moment), DATE_FORMAT)


def post_status(post):
    """The post's state as a person says it: Draft, Scheduled for <date>, Live, ..."""
    if not post.live:
        return "Draft"
    if post.is_scheduled():
        changes = ", with unpublished changes" if post.has_unpublished_changes else ""
        return f"Scheduled for {when(post.published_date)}{changes}"
    if post.has_unpublished_changes:
        return "Live with unpublished changes"
    return "Live"


def new_post_url(blog, kind="post"):
    """The editor of a new post (or, with ``kind="page"``, a new page) of ``blog``."""
    url = reverse("wagtailadmin_pages:add", args=["blog", "postpage", blog.pk])
    return f"{url}?kind=page" if kind == "page" else url
