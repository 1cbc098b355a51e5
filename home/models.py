"""The platform's landing page: the root of the default Site at BLOG_DOMAIN."""

from django.conf import settings
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from blog.models import TenantPageMixin


class HomePage(TenantPageMixin, Page):
    """The landing page on the platform host; staff edit its introduction."""

    intro = RichTextField(blank=True)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = []
    max_count = 1
    template = "home/home_page.html"

    content_panels = Page.content_panels + [FieldPanel("intro")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blog_domain"] = settings.BLOG_DOMAIN
        return context
