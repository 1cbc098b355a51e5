"""Admin forms of the blog pages."""

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from blog.editor import enable_image_uploads

IMAGE_FIELDS = ("meta_image", "favicon_image")


class TenantPageForm(WagtailAdminPageForm):
    """The form of blogs and posts in the dashboard.

    It offers and accepts only images from the collections the editor may choose from:
    the chooser widget already lists just those, but the form field would take any image
    id posted to it, and the editor would then show another blog's image. Its Markdown
    editors upload images into the blog's collection (``blog.editor_uploads``).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if page_id := self.instance.pk or getattr(self.parent_page, "pk", None):
            enable_image_uploads(self, page_id)
        if self.for_user is None:
            return
        images = policy_registry.get_by_type(get_image_model())
        for name in IMAGE_FIELDS:
            if name in self.fields:
                self.fields[name].queryset = images.instances_user_has_permission_for(
                    self.for_user, "choose"
                )
