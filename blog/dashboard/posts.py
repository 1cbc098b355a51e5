"""The blogger's Posts: every post and page of their blog in one flat list.

Wagtail's page explorer is a tree of pages with a type and an "updated" date; a blog is
a list of posts with a published date. This is Wagtail's own flat page listing
(``PageListingViewSet``) for ``PostPage``, so it keeps Wagtail's search, pagination,
sorting and bulk actions, with the columns and filters a blogger reads: published date,
status in words ("Scheduled for 6 Dec 2026"), post or page, tags, reads and upvotes.

Wagtail lists only the pages the user may explore, and a blogger with several blogs sees
the posts of the one they are working on (``blog.dashboard.blogs.current_blog``); staff
see every blog's, with the blog's name.
"""

import django_filters
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.forms import RadioSelect
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views import View
from taggit.models import Tag
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageTitleColumn
from wagtail.admin.views.pages.create import CreateView
from wagtail.admin.views.pages.listing import IndexView
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.admin.widgets.button import HeaderButton

from blog.dashboard.blogs import current_blog
from blog.dashboard.isolation import visible_pages
from blog.dashboard.writing import new_post_url, post_status
from blog.models import DailyReads, Hit, PostPage, PostTag, RolledUpDay
from blog.models.permissions import is_staff

WIDE = "desk-wide-only"
STATUSES = [
    ("draft", "Draft"),
    ("scheduled", "Scheduled"),
    ("live", "Live"),
    ("changed", "Live with unpublished changes"),
]


def status_filter(queryset, name, value):
    now = timezone.now()
    return queryset.filter(
        {
            "draft": Q(live=False),
            "scheduled": Q(live=True, published_date__gt=now),
            "live": Q(live=True, published_date__lte=now, has_unpublished_changes=False),
            "changed": Q(live=True, published_date__lte=now, has_unpublished_changes=True),
        }.get(value, Q())
    )


def tag_choices(request):
    """A blogger's own tags to filter by (taggit's table is every blog's); none for staff."""
    if is_staff(request.user):
        return []
    tagged = PostTag.objects.filter(content_object__in=visible_pages(request.user).values("pk"))
    names = Tag.objects.filter(pk__in=tagged.values("tag_id")).order_by("name")
    return [(name, name) for name in names.values_list("name", flat=True)]


class PostFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=STATUSES, method=status_filter, widget=RadioSelect
    )
    kind = django_filters.ChoiceFilter(
        label="Post or page",
        field_name="is_page",
        choices=[("post", "Posts"), ("page", "Pages")],
        method=lambda queryset, name, value: queryset.filter(is_page=value == "page"),
        widget=RadioSelect,
    )
    # By id, which a search can filter on (it cannot follow a relation to the tag).
    tag = django_filters.ChoiceFilter(
        label="Tag",
        choices=[],
        method=lambda queryset, name, value: queryset.filter(
            pk__in=PostTag.objects.filter(tag__name=value).values("content_object_id")
        ),
        widget=RadioSelect,
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # A blogger is offered their own tags only (taggit's table is every blog's).
        choices = tag_choices(request)
        if choices:
            self.filters["tag"].extra["choices"] = choices
        else:
            del self.filters["tag"]

    class Meta:
        model = PostPage
        fields = []


class PublishedColumn(Column):
    """The date itself: Wagtail's relative dates call a date to come "just now"."""

    def get_value(self, instance):
        if instance.published_date is None:
            return "Not yet"
        return format_date(timezone.localtime(instance.published_date), "j M Y")


class StatusColumn(StatusTagColumn):
    def get_value(self, instance):
        return post_status(instance)


def is_public(post):
    return post.live and not post.is_scheduled()


def kind(post):
    return "Page" if post.is_page else "Post"


class TagsColumn(Column):
    def get_value(self, instance):
        return ", ".join(tag.name for tag in instance.tags.all())


def reads_of_all_time():
    """Each post's reads: the daily sums of the days rolled up (``DailyReads``, see
    ``blog.analytics.rollups``), whose hits are deleted after a while, and the hits of
    the days after them."""
    hits = Hit.objects.filter(post=OuterRef("pk"))
    last = RolledUpDay.last_day()
    if last is None:
        return per_post(hits, Count("id"))
    summed = DailyReads.objects.filter(
        post=OuterRef("pk"), dimension=DailyReads.TOTAL, day__lte=last
    )
    return per_post(summed, Sum("reads")) + per_post(hits.filter(day__gt=last), Count("id"))


def per_post(rows, aggregate):
    """``aggregate`` over ``rows`` of the outer query's post, 0 when there are none."""
    total = rows.order_by().values("post").annotate(total=aggregate).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


class PostIndexView(IndexView):
    """The posts of the user's blog, newest first, with their reads and upvotes."""

    page_title = "Posts"
    default_ordering = "-published_date"
    filterset_class = PostFilterSet

    @property
    def columns(self):
        columns = [
            BulkActionsColumn("bulk_actions"),
            PageTitleColumn("title", label="Title", sort_key="title", classname="title"),
            PublishedColumn("published_date", label="Published", sort_key="published_date"),
            StatusColumn("status", label="Status", primary=is_public),
            # Left out on a phone's narrow screen (static/bearcms/desk.css).
            Column("kind", label="Kind", accessor=kind, classname=WIDE),
            TagsColumn("tags", label="Tags", classname=WIDE),
            Column("reads", label="Reads", sort_key="reads", classname=WIDE),
            Column("upvote_count", label="Upvotes", sort_key="upvote_count", classname=WIDE),
        ]
        if is_staff(self.request.user):
            columns.insert(2, Column("blog", label="Blog", accessor="blog.title"))
        return columns

    def get_valid_orderings(self):
        # Search results are ordered by the search backend, which knows no annotation.
        fields = ("published_date", "title", "upvote_count")
        if not self.is_searching:
            fields += ("reads",)
        return [*fields, *(f"-{field}" for field in fields)]

    def order_queryset(self, queryset):
        # Drafts (no date yet) first when newest come first, as Wagtail orders its own
        # dates: databases disagree on where NULL goes.
        if self.ordering in ("published_date", "-published_date") and not self.is_searching:
            date = F("published_date")
            if self.ordering.startswith("-"):
                return queryset.order_by(date.desc(nulls_first=True), "-pk")
            return queryset.order_by(date.asc(nulls_last=True), "pk")
        return super().order_queryset(queryset)

    def get_base_queryset(self):
        # A blogger with several blogs lists the one they are working on.
        pages = super().get_base_queryset()
        blog = None if is_staff(self.request.user) else current_blog(self.request)
        return pages if blog is None else pages.filter(blog=blog)

    def annotate_queryset(self, pages):
        # Wagtail's own annotations, less ``.specific()``: these are posts already.
        return (
            pages.select_related("blog")
            .prefetch_related("tags")
            .annotate_site_root_state()
            .annotate_approved_schedule()
            .annotate(reads=reads_of_all_time())
        )

    @property
    def header_buttons(self):
        blog = current_blog(self.request)
        if blog is None:
            return []
        return [
            HeaderButton("New page", url=new_post_url(blog, "page"), icon_name="doc-empty"),
            HeaderButton("New post", url=new_post_url(blog), icon_name="plus"),
        ]


class NewPostView(CreateView):
    """Wagtail's page editor, for a new page rather than a post with ``?kind=page``."""

    def get(self, request, *args, **kwargs):
        self.page.is_page = request.GET.get("kind") == "page"
        return super().get(request, *args, **kwargs)


class NewPostOfOwnBlogView(View):
    """Where Wagtail's "choose a parent page" step would be: a new post goes in the user's
    own blog, so there is no page to choose (and no list of pages to show or to post
    another blog's id to)."""

    def dispatch(self, request, *args, **kwargs):
        blog = current_blog(request)
        if blog is None:
            raise Http404("You have no blog.")
        return redirect(new_post_url(blog))


class PostListingViewSet(PageListingViewSet):
    model = PostPage
    index_view_class = PostIndexView
    icon = "doc-full"
    menu_label = "Posts"
    menu_order = 100
    add_to_admin_menu = True
    name = "posts"
    filterset_class = PostFilterSet
    choose_parent_view_class = NewPostOfOwnBlogView

    def get_index_view_kwargs(self, **kwargs):
        # The view chooses its columns per user (staff see each post's blog).
        kwargs = super().get_index_view_kwargs(**kwargs)
        del kwargs["columns"]
        return kwargs
