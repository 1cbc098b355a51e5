"""Wagtail hooks that keep each blogger inside their own blog (see blog.admin_isolation),
and tell them how staff left it."""

from django.core.exceptions import PermissionDenied
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.log_actions import LogFormatter

from blog.admin_isolation import TenantPageFilterSet, visible_media, visible_pages
from blog.admin_views import TenantSetPrivacyView
from blog.models import BlogPage
from blog.moderation import describe_changes
from blog.permissions import is_staff

STAFF_MENU_ITEMS = {  # Settings holds Sites, Users, ... and the moderation terms
    "blogs",
    "review",
    "reports",
    "settings",
    "moderation-terms",
    "upvotes",
    "platform-stats",
}


class TenantPageViewSet(PageViewSet):
    """The page views of every page type, with the listing filters and the privacy form's
    groups narrowed to the user's own."""

    filterset_class = TenantPageFilterSet
    set_privacy_view_class = TenantSetPrivacyView


@hooks.register("register_admin_viewset")
def register_page_viewset():
    # Registered after Wagtail's own base page viewset (order -1), so it replaces it.
    return TenantPageViewSet()


class TenantMediaAPIMixin:
    """Admin API endpoints listing only media in the user's collections.

    Stock Wagtail's ``/dashboard/api/main/images/`` lists every image of every tenant.
    """

    def get_queryset(self):
        own = visible_media(self.request.user, self.model)
        return super().get_queryset().filter(pk__in=own.values("pk"))


class TenantImagesAPIViewSet(TenantMediaAPIMixin, ImagesAdminAPIViewSet):
    pass


class TenantDocumentsAPIViewSet(TenantMediaAPIMixin, DocumentsAdminAPIViewSet):
    pass


class BlockedBlogNotice(Component):
    """Tells a blogger, first thing in the dashboard, that staff blocked their blog."""

    order = 10
    template_name = "blog/admin/blocked_notice.html"

    def __init__(self, blogs):
        self.blogs = blogs

    def get_context_data(self, parent_context=None):
        return {"blogs": self.blogs}


@hooks.register("construct_homepage_panels")
def add_blocked_blog_notice(request, panels):
    blogs = list(BlogPage.objects.filter(owner=request.user, blocked=True).only("title"))
    if blogs:
        panels.append(BlockedBlogNotice(blogs))


@hooks.register("construct_admin_api", order=1)
def register_tenant_media_api(router):
    # order=1: after wagtail.images and wagtail.documents register the stock endpoints.
    router.register_endpoint("images", TenantImagesAPIViewSet)
    router.register_endpoint("documents", TenantDocumentsAPIViewSet)


@hooks.register("construct_page_chooser_queryset")
def limit_page_chooser(pages, request):
    """Browse and search in the page chooser cover only the user's own pages."""
    if is_staff(request.user):
        return pages
    return pages.filter(pk__in=visible_pages(request.user).values("pk"))


@hooks.register("construct_main_menu")
def hide_staff_menus(request, menu_items):
    if not is_staff(request.user):
        menu_items[:] = [item for item in menu_items if item.name not in STAFF_MENU_ITEMS]


@hooks.register("before_move_page")
def check_move_destination(request, page, destination):
    """Stock Wagtail renders the move confirmation before checking the destination."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


@hooks.register("register_log_actions")
def register_moderation_log_action(actions):
    @actions.register_action("bearcms.moderate")
    class ModerateBlog(LogFormatter):
        label = "Moderate blog"

        def format_message(self, log_entry):
            return f"Moderated: {describe_changes(log_entry.data.get('flags', {}))}"


from blog import (  # noqa: E402, F401  (their hooks)
    analytics_admin,
    editor_uploads,
    export,
    import_admin,
    platform_stats,
    review_queue,
    staff_blogs,
    subscribers_admin,
    upvote_moderation,
)
