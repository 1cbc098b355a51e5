"""The dashboard's place in Wagtail: the writing desk's pages, menu items, styles and
editor scripts and what publishing says (``home``, ``posts``, ``blog_settings``,
``publishing``), the hooks that keep each blogger inside their own blog
(``blog.dashboard.isolation``), and the Markdown editor's image upload URL."""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.admin.staticfiles import versioned_static
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

from blog.dashboard.blog_settings import domain_view, settings_view, theme_preview, theme_view
from blog.dashboard.blogs import DeskMenuItem
from blog.dashboard.draft_links import ShareDraftButton, share_draft
from blog.dashboard.editor_uploads import upload_from_editor
from blog.dashboard.isolation import TenantPageFilterSet, visible_media, visible_pages
from blog.dashboard.posts import NewPostView, PostListingViewSet
from blog.dashboard.publishing import after_publish, publish_first
from blog.dashboard.staff import hidden_menu_items
from blog.dashboard.views import TenantSetPrivacyView
from blog.models.permissions import is_staff


class TenantPageViewSet(PageViewSet):
    """The page views of every page type, with the listing filters and the privacy form's
    groups narrowed to the user's own, and a new page (not post) one link away."""

    filterset_class = TenantPageFilterSet
    set_privacy_view_class = TenantSetPrivacyView
    add_view_class = NewPostView


@hooks.register("register_admin_viewset")
def register_page_viewset():
    # Registered after Wagtail's own base page viewset (order -1), so it replaces it.
    return TenantPageViewSet()


@hooks.register("register_admin_viewset")
def register_posts_viewset():
    return PostListingViewSet()


@hooks.register("register_admin_urls")
def register_blog_settings_urls():
    return [
        path("settings/", settings_view, name="bearcms_blog_settings"),
        path("theme/", theme_view, name="bearcms_blog_theme"),
        path("theme/preview/<slug:theme>/", theme_preview, name="bearcms_theme_preview"),
        path("domain/", domain_view, name="bearcms_blog_domain"),
    ]


# The blog's own pages, after Posts (order 100).
@hooks.register("register_admin_menu_item")
def register_settings_menu_item():
    url = reverse("bearcms_blog_settings")
    return DeskMenuItem("Settings", url, name="blog-settings", icon_name="cog", order=110)


@hooks.register("register_admin_menu_item")
def register_theme_menu_item():
    url = reverse("bearcms_blog_theme")
    return DeskMenuItem("Theme", url, name="blog-theme", icon_name="desktop", order=111)


@hooks.register("register_admin_menu_item")
def register_domain_menu_item():
    url = reverse("bearcms_blog_domain")
    return DeskMenuItem("Domain", url, name="blog-domain", icon_name="site", order=112)


@hooks.register("insert_global_admin_css")
def desk_styles():
    return format_html('<link rel="stylesheet" href="{}">', versioned_static("bearcms/desk.css"))


@hooks.register("insert_editor_js")
def post_editor_scripts():
    """A tag typed into the Tags box counts before it is entered (autosave included), and
    Enter in a one-line field does not publish (``blog.dashboard.publishing``)."""
    return format_html_join(
        "",
        '<script src="{}"></script>',
        [(versioned_static(f"bearcms/{name}.js"),) for name in ("typed-tags", "post-editor")],
    )


@hooks.register("construct_help_menu")
def hide_wagtail_news(request, menu_items):
    """Wagtail's release notes and editor guide are about Wagtail, not about blogging."""
    if not is_staff(request.user):
        menu_items[:] = [item for item in menu_items if not is_wagtail_news(item.name)]


def is_wagtail_news(name):
    return name == "editor-guide" or name.startswith("whats-new-in-wagtail-")


hooks.register("construct_page_action_menu", publish_first)
hooks.register("after_publish_page", after_publish)


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
    hidden = hidden_menu_items(request.user)
    menu_items[:] = [item for item in menu_items if item.name not in hidden]


@hooks.register("before_move_page")
def check_move_destination(request, page, destination):
    """Stock Wagtail renders the move confirmation before checking the destination."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


@hooks.register("register_admin_urls")
def register_editor_upload_url():
    return [
        path(
            "images/upload-from-editor/<int:page_id>/",
            upload_from_editor,
            name="bearcms_editor_image_upload",
        )
    ]


@hooks.register("register_admin_urls")
def register_share_draft_url():
    return [path("pages/<int:page_id>/share/", share_draft, name="bearcms_share_draft")]


@hooks.register("register_page_header_buttons")
def share_draft_in_the_editor(page, user, view_name, next_url=None):
    yield ShareDraftButton(page=page, priority=12)


@hooks.register("register_page_listing_more_buttons")
def share_draft_in_posts(page, user, next_url=None):
    yield ShareDraftButton(page=page, priority=5)
