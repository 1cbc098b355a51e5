"""Staff removal of fraudulent upvotes, at ``/dashboard/upvotes/``.

A script that gets past the per-IP rate limit (``blog.reader.upvotes``) shows up as a burst, so
a post's upvotes are listed per hour (UTC) and staff remove an hour, or any span of
time, at once. Upvotes store no reader identity beyond a per-post hash, so time is the
only handle there is. Removal deletes the rows, recounts the post's count and discovery
score from what is left (``blog.reader.upvotes.recount_upvotes``) in one transaction, writes
the audit log entry the post's history shows, and forgets the blog's cached pages,
which show the count, as an upvote does.

Staff reach a post's upvotes from its "More" menu in the page listing, or from the
"most upvoted in the last 7 days" index here. The namespace is staff-only in
``blog.dashboard.staff`` (a blogger gets 403 at every URL here), and the menu item and
the listing button are hidden from bloggers.
"""

import datetime

from django import forms
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncHour
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.widgets import Button
from wagtail.log_actions import log

from blog.caching.discovery_cache import forget_discovery
from blog.caching.page_cache import forget_page
from blog.dashboard.staff import staff_policy
from blog.models import PostPage, Upvote
from blog.models.permissions import is_staff
from blog.reader.upvotes import recount_upvotes

NAMESPACE = "bearcms_upvotes"
RECENT = datetime.timedelta(days=7)
HOUR = datetime.timedelta(hours=1)
UTC_INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what an <input type="datetime-local"> sends


class UpvoteSpanForm(forms.Form):
    """A span of time, in UTC: the upvotes created from ``start`` up to ``end``."""

    start = forms.DateTimeField(
        input_formats=[UTC_INPUT_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=UTC_INPUT_FORMAT),
    )
    end = forms.DateTimeField(
        input_formats=[UTC_INPUT_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=UTC_INPUT_FORMAT),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] >= cleaned["end"]:
            raise forms.ValidationError("The end must come after the start.")
        return cleaned


def upvotes_per_hour(post):
    """[(hour, count)], newest hour first: one aggregate query over the post's upvotes."""
    return list(
        Upvote.objects.filter(post=post)
        .annotate(hour=TruncHour("created_at", tzinfo=datetime.UTC))
        .values_list("hour")
        .annotate(count=Count("pk"))
        .order_by("-hour")
    )


def remove_upvotes(post, start, end, user):
    """Delete the post's upvotes created in [start, end); recount; log. Returns how many."""
    with transaction.atomic():
        # The row lock makes a concurrent upvote wait until the recount is committed.
        PostPage.objects.select_for_update().filter(pk=post.pk).values_list("pk").get()
        removed, _ = Upvote.objects.filter(
            post=post, created_at__gte=start, created_at__lt=end
        ).delete()
        if not removed:
            return 0
        recount_upvotes(post)
        log(
            instance=post,
            action="bearcms.remove_upvotes",
            user=user,
            data={"count": removed, "start": start.isoformat(), "end": end.isoformat()},
            title=post.title,
        )
    forget_page(post.blog_id, post.reader_path)  # its cached copies show the old count
    forget_discovery()  # ordered by the score
    return removed


def post_upvotes(request, post_id):
    """The post's upvotes per hour, with a remove button per hour and a span form."""
    # id, not pk: an id past the database's integers finds no row, a pk (the Page link) raises.
    post = get_object_or_404(PostPage.objects.select_related("blog"), id=post_id)
    hours = [
        {"start": hour, "end": hour + HOUR, "count": count}
        for hour, count in upvotes_per_hour(post)
    ]
    busiest = max((hour["count"] for hour in hours), default=0)
    for hour in hours:
        hour["percent"] = round(100 * hour["count"] / busiest)
    # The template shows and posts times in UTC, as the span form reads them.
    return TemplateResponse(
        request,
        "blog/admin/post_upvotes.html",
        {"post": post, "hours": hours, "span_form": UpvoteSpanForm()},
    )


@require_POST
def remove(request, post_id):
    """Remove the post's upvotes of the span posted (an hour's button posts its hour)."""
    # id, not pk: an id past the database's integers finds no row, a pk (the Page link) raises.
    post = get_object_or_404(PostPage.objects.select_related("blog"), id=post_id)
    with timezone.override(datetime.UTC):
        form = UpvoteSpanForm(request.POST)
        if not form.is_valid():
            for error in form.errors.values():
                messages.error(request, " ".join(error))
        else:
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            removed = remove_upvotes(post, start, end, request.user)
            span = f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"
            messages.success(request, f"Removed {removed} upvote(s) of “{post.title}” ({span}).")
    return redirect(f"{NAMESPACE}:post", post.pk)


class RecentlyUpvotedView(IndexView):
    """Posts by upvotes received in the last 7 days, most first: one aggregate query
    over the recent upvotes (``Upvote.created_at`` is indexed) per page."""

    model = PostPage
    permission_policy = staff_policy
    page_title = "Most upvoted recently"
    header_icon = "pick"
    index_url_name = f"{NAMESPACE}:index"
    index_results_url_name = f"{NAMESPACE}:index_results"
    paginate_by = 50
    columns = [
        TitleColumn("title", url_name=f"{NAMESPACE}:post", label="Post"),
        Column("blog", accessor="blog.subdomain", label="Blog"),
        NumberColumn("recent_upvotes", label="Upvotes, last 7 days"),
        NumberColumn("upvote_count", label="Upvotes, all time"),
        DateColumn("public_since", label="Published"),
    ]

    def get_base_queryset(self):
        return (
            PostPage.objects.filter(upvotes__created_at__gte=timezone.now() - RECENT)
            .annotate(recent_upvotes=Count("upvotes"))
            .select_related("blog")
            .only("title", "upvote_count", "public_since", "blog__subdomain")
        )

    def order_queryset(self, queryset):
        # The primary key breaks ties, so that a page boundary never repeats or skips a post.
        return queryset.order_by("-recent_upvotes", "-pk")


def upvotes_button(page, user):
    """The "Upvotes" button of a post, for staff only."""
    if is_staff(user) and page.specific_class is PostPage:
        yield Button("Upvotes", reverse(f"{NAMESPACE}:post", args=[page.pk]), icon_name="pick")
