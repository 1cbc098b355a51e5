"""The staff "Blogs" listing at ``/dashboard/blogs/``: every blog with its owner, figures and
moderation flags, with filters, search, ordering, pagination and CSV/XLSX export (no cell
a spreadsheet would run as a formula: ``blog.wagtail_overrides.spreadsheets.install``).

It is Wagtail's generic ``IndexView`` on ``BlogPage`` with URLs of its own, not a
``ModelViewSet``: a blog is a page, and Wagtail's page views already own the model's
edit, delete and history URLs (the subdomain links to the page editor). The URL namespace
is a staff area (``blog.dashboard.staff``), so a blogger gets 403 at every URL here and
never sees the menu item.

It stays fast at 100,000 blogs because

* the post figures (posts, last posted, upvotes) are one aggregate query over the posts of
  the blogs on the page (or of each chunk of an export), found through ``PostPage.blog``'s
  index: nothing is computed for blogs that are not shown, and no post table scan;
* ordering is offered only on columns of the blog and owner rows (subdomain, title,
  created), never on a figure, which would aggregate every post of every blog first, nor
  on dodginess, whose only index (``review_queue``) serves the review queue's filter, not
  every blog. The default, newest blog first, walks the primary key.

"Created" is the owner's ``date_joined``: sign-up creates the blog with the account, and
a blog root is never "published" in Wagtail's sense (its ``first_published_at`` is null).
"""

import datetime

import django_filters
from django import forms
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, NumberColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.widgets import BooleanRadioSelect

from blog.dashboard.staff import staff_policy
from blog.models import BlogPage, PostPage
from blog.moderation.flags import IGNORED_FOR_GOOD

NAMESPACE = "bearcms_blogs"
EXPORT_CHUNK = 500  # blogs per figures query while exporting
CREATED_WITHIN = [(days, f"Last {days} days") for days in (1, 7, 30, 365)]


def with_post_figures(blogs):
    """Set ``post_count``, ``last_posted`` and ``upvotes`` on each of ``blogs`` (a list).

    Counted over the posts a reader sees listed: live, not a page, published by now.
    """
    now = timezone.now()
    figures = {
        row["blog_id"]: row
        for row in PostPage.objects.filter(
            blog_id__in=[blog.pk for blog in blogs],
            live=True,
            is_page=False,
            published_date__lte=now,
        )
        .values("blog_id")
        .annotate(
            post_count=Count("pk"), last_posted=Max("published_date"), upvotes=Sum("upvote_count")
        )
        .order_by()
    }
    for blog in blogs:
        row = figures.get(blog.pk, {})
        blog.post_count = row.get("post_count", 0)
        blog.last_posted = row.get("last_posted")
        blog.upvotes = row.get("upvotes", 0)
    return blogs


def in_chunks_with_post_figures(queryset):
    """Yield the blogs of ``queryset`` with their figures, one figures query per chunk."""
    chunk = []
    for blog in queryset.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(blog)
        if len(chunk) == EXPORT_CHUNK:
            yield from with_post_figures(chunk)
            chunk = []
    yield from with_post_figures(chunk)


class BlogFilterSet(WagtailFilterSet):
    reviewed = django_filters.BooleanFilter(label="Reviewed", widget=BooleanRadioSelect)
    discoverable = django_filters.BooleanFilter(label="Discoverable", widget=BooleanRadioSelect)
    hidden = django_filters.BooleanFilter(label="Hidden", widget=BooleanRadioSelect)
    blocked = django_filters.BooleanFilter(label="Blocked", widget=BooleanRadioSelect)
    flagged = django_filters.BooleanFilter(label="Flagged", widget=BooleanRadioSelect)
    ignored_for_good = django_filters.BooleanFilter(
        label="Ignored for good", method="filter_ignored_for_good", widget=BooleanRadioSelect
    )
    has_custom_domain = django_filters.BooleanFilter(
        label="Has a custom domain", method="filter_has_custom_domain", widget=BooleanRadioSelect
    )
    created_within = django_filters.ChoiceFilter(
        label="Created",
        choices=CREATED_WITHIN,
        method="filter_created_within",
        empty_label="Any time",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = BlogPage
        fields = []

    def filter_has_custom_domain(self, queryset, name, value):
        return queryset.filter(custom_domain__isnull=not value)

    def filter_ignored_for_good(self, queryset, name, value):
        ignored = Q(ignore_count__gte=IGNORED_FOR_GOOD)
        return queryset.filter(ignored if value else ~ignored)

    def filter_created_within(self, queryset, name, value):
        since = timezone.now() - datetime.timedelta(days=int(value))
        return queryset.filter(owner__date_joined__gte=since)


class BlogIndexView(IndexView):
    model = BlogPage
    permission_policy = staff_policy
    page_title = "Blogs"
    header_icon = "site"
    index_url_name = f"{NAMESPACE}:index"
    index_results_url_name = f"{NAMESPACE}:index_results"
    paginate_by = 50
    default_ordering = "-pk"
    filterset_class = BlogFilterSet
    search_backend_name = None  # the database, so that the owner's email is searchable
    search_fields = ["subdomain", "custom_domain", "title", "owner__email"]
    columns = [
        TitleColumn(
            "subdomain", url_name="wagtailadmin_pages:edit", sort_key="subdomain", label="Subdomain"
        ),
        Column("title", sort_key="title", label="Title"),
        Column("custom_domain", label="Custom domain"),
        # Leads to moving the blog to another account (blog.moderation.ownership).
        TitleColumn(
            "owner_email",
            accessor="owner.email",
            url_name="bearcms_staff_tools:move_blog",
            label="Owner email",
        ),
        DateColumn("created", accessor="owner.date_joined", sort_key="owner__date_joined"),
        DateColumn("last_posted", label="Last posted"),
        NumberColumn("post_count", label="Posts"),
        NumberColumn("upvotes", label="Upvotes"),
        NumberColumn("dodginess", label="Dodginess"),
        BooleanColumn("discoverable", label="Discoverable"),
        BooleanColumn("reviewed", label="Reviewed"),
        BooleanColumn("hidden", label="Hidden"),
        BooleanColumn("blocked", label="Blocked"),
        BooleanColumn("flagged", label="Flagged"),
    ]
    list_export = [
        "subdomain",
        "custom_domain",
        "title",
        "owner.email",
        "owner.date_joined",
        "last_posted",
        "post_count",
        "upvotes",
        "dodginess",
        "discoverable",
        "reviewed",
        "hidden",
        "blocked",
        "flagged",
    ]
    export_headings = {
        "subdomain": "Subdomain",
        "custom_domain": "Custom domain",
        "title": "Title",
        "owner.email": "Owner email",
        "owner.date_joined": "Created",
        "last_posted": "Last posted",
        "post_count": "Posts",
        "upvotes": "Upvotes",
        "dodginess": "Dodginess",
        "discoverable": "Discoverable",
        "reviewed": "Reviewed",
        "hidden": "Hidden",
        "blocked": "Blocked",
        "flagged": "Flagged",
    }
    export_filename = "blogs"

    def get_base_queryset(self):
        return BlogPage.objects.select_related("owner").only(
            "subdomain",
            "custom_domain",
            "title",
            "discoverable",
            "reviewed",
            "hidden",
            "blocked",
            "flagged",
            "dodginess",
            "owner__email",
            "owner__date_joined",
        )

    def order_queryset(self, queryset):
        # The primary key breaks ties, so that a page boundary never repeats or skips a blog.
        return queryset.order_by(self.ordering, "-pk")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, blogs, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = with_post_figures(list(blogs))
        return paginator, page, page.object_list, is_paginated

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(in_chunks_with_post_figures(queryset), spreadsheet_format)
