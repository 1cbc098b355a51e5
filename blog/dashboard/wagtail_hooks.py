"""Wagtail hooks that keep each blogger inside their own blog (``blog.dashboard.isolation``),
and the Markdown editor's image upload URL."""

from django.core.exceptions import PermissionDenied
from django.urls import path
from wagtail import hooks
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

from blog.dashboard.editor_uploads import upload_from_editor
from blog.dashboard.isolation import TenantPageFilterSet, visible_media, visible_pages
from blog.dashboard.staff import hidden_menu_items
from blog.dashboard.views import TenantSetPrivacyView
from blog.models.permissions import is_staff


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
