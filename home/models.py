"""The platform's own models: the landing page, and readers' discovery preferences."""

from django.conf import settings
from django.db import models
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


class HiddenBlog(models.Model):
    """A signed-in reader's choice not to see a blog in their discovery feed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hidden_blogs"
    )
    blog = models.ForeignKey("blog.BlogPage", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "blog"], name="hide_blog_once_per_reader")
        ]

    def __str__(self):
        return f"{self.user_id} hides blog {self.blog_id}"


class ReleasedSubdomain(models.Model):
    """The subdomain of a deleted blog, kept out of sign-up for a while
    (``SUBDOMAIN_QUARANTINE_DAYS``) so that readers, feeds and links still pointing at it
    do not land on a stranger's new blog at once. See ``home.subdomain_quarantine``."""

    subdomain = models.CharField(max_length=63, unique=True)
    released_at = models.DateTimeField()

    def __str__(self):
        return f"{self.subdomain} (released {self.released_at:%Y-%m-%d})"
