"""Versions of stock admin views that list other tenants' tags or groups, or that answer a
malformed request with a 500.

taggit's ``Tag`` table is shared by all blogs, and these views read it with no hook to
narrow it: tag autocomplete suggests any tag starting with what was typed, the image and
document listings and the image chooser offer the ten most popular tags of all images (or
documents) as filters. The page privacy form offers every group, one per blog. Each view
here is the stock one with only those choices swapped for the user's own.
``blog.dashboard.urls`` mounts the tag views over the stock URLs; the privacy view is
plugged in through the page viewset.

Wagtail's external-link chooser reads a POST without its URL field as ``None`` and fails
on it; ``ExternalLinkView`` here makes that a form error like any other bad URL.
"""

from django.http import Http404, JsonResponse
from taggit.models import Tag
from wagtail.admin.forms.choosers import ExternalLinkChooserForm, URLOrAbsolutePathField
from wagtail.admin.views import tags
from wagtail.admin.views.chooser import ExternalLinkView as StockExternalLinkView
from wagtail.admin.views.page_privacy import SetPrivacyView
from wagtail.documents.views.documents import DocumentsFilterSet
from wagtail.documents.views.documents import IndexView as DocumentIndexView
from wagtail.images.views.chooser import ImageChooserViewSet, ImageChooseView
from wagtail.images.views.images import ImagesFilterSet
from wagtail.images.views.images import IndexView as ImageIndexView

from blog.dashboard.isolation import popular_tags, visible_tags
from blog.models.permissions import is_staff


def tag_autocomplete(request, app_name=None, model_name=None):
    """Wagtail's tag autocomplete; a blogger is offered only tags they already use."""
    if is_staff(request.user):
        return tags.autocomplete(request, app_name, model_name)
    if (app_name, model_name) not in {(None, None), ("taggit", "tag")}:
        raise Http404  # the only tag model here is taggit's
    term = request.GET.get("term")
    names = (
        visible_tags(request.user)
        .filter(name__istartswith=term)
        .order_by("name")
        .values_list("name", flat=True)[: tags.TAGS_AUTOCOMPLETE_LIMIT]
        if term
        else Tag.objects.none()
    )
    return JsonResponse(list(names), safe=False)


class TenantTagFilterMixin:
    """A media listing's filters with the tag choices taken from the user's own media."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if "tag" in self.filters and not is_staff(request.user):
            own = [tag.name for tag in popular_tags(request.user, self._meta.model)]
            if own:
                self.filters["tag"].extra["choices"] = [(name, name) for name in own]
            else:
                del self.filters["tag"]


class TenantImagesFilterSet(TenantTagFilterMixin, ImagesFilterSet):
    pass


class TenantImageIndexView(ImageIndexView):
    filterset_class = TenantImagesFilterSet


class TenantDocumentsFilterSet(TenantTagFilterMixin, DocumentsFilterSet):
    pass


class TenantDocumentIndexView(DocumentIndexView):
    filterset_class = TenantDocumentsFilterSet


class TenantImageChooseView(ImageChooseView):
    """The image chooser's first page, whose tag links are the user's popular tags."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not is_staff(self.request.user):
            context["popular_tags"] = popular_tags(self.request.user, self.model)
        return context


class TenantImageChooserViewSet(ImageChooserViewSet):
    """Builds ``TenantImageChooseView`` with the stock chooser's settings; never registered."""

    choose_view_class = TenantImageChooseView


class TenantSetPrivacyView(SetPrivacyView):
    """The page privacy form; a blogger may restrict a page only to their own groups.

    Stock Wagtail offers every group, and each blog has one named after it.
    """

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not is_staff(self.request.user):
            form.fields["groups"].queryset = self.request.user.groups.all()
        return form


class PresentURLField(URLOrAbsolutePathField):
    """A URL-or-path field that takes a missing value for an empty one."""

    def to_python(self, value):
        return super().to_python(value or "")


class ExternalLinkForm(ExternalLinkChooserForm):
    url = PresentURLField(required=True, label=ExternalLinkChooserForm.base_fields["url"].label)


class ExternalLinkView(StockExternalLinkView):
    """The external-link chooser, whose form says "This field is required" to a POST
    without a URL instead of raising."""

    form_class = ExternalLinkForm
