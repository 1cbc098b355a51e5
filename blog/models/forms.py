"""Admin forms of the blog pages."""

from django.conf import settings
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from blog.core.domain_ownership import verify_ownership
from blog.core.names import validate_custom_domain
from blog.models.editor import enable_image_uploads

IMAGE_FIELDS = ("meta_image", "favicon_image")


class TenantPageForm(WagtailAdminPageForm):
    """The form of blogs and posts in the dashboard.

    It offers and accepts only images from the collections the editor may choose from:
    the chooser widget already lists just those, but the form field would take any image
    id posted to it, and the editor would then show another blog's image. A blog's
    custom domain is checked here, ownership included, where the blogger can act on it.
    Its Markdown editors upload images into the blog's collection
    (``blog.dashboard.editor_uploads``).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "custom_domain" in self.fields:
            self.fields["custom_domain"].help_text = (
                "Your own domain, like blog.example.com. First add a DNS record for it: "
                f"a CNAME pointing at {settings.CUSTOM_DOMAIN_TARGET}; publishing then tells "
                "you the TXT record that proves the domain is yours. Your blog moves there "
                "when you publish; your old address redirects to it. Leave empty to use "
                "your subdomain."
            )
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

    def clean_custom_domain(self):
        """Normalised (lowercase, punycode) and checked: a hostname, not the platform's,
        not another blog's, and, when it is new to the blog, proven theirs in DNS."""
        blog = self.instance
        domain = validate_custom_domain(self.cleaned_data.get("custom_domain"), blog)
        current = type(blog).objects.filter(pk=blog.pk).values_list("custom_domain", flat=True)
        if domain and domain != current.first():
            verify_ownership(blog, domain)
        return domain or None
