"""The dashboard's first page: for a blogger, the start of writing.

Wagtail's home is a CMS summary (page and image counts, "Search all pages", recent edits
of any page). A blogger needs their blog's address, a button that opens the editor of a
new post, and their latest posts with their state. Staff keep Wagtail's home.

The panels other packages add to the home (``construct_homepage_panels``: the notice of
a blocked blog, ``blog.moderation``) are shown on the blogger's too, above the rest.
"""

from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.home import HomeView

from blog.dashboard.blogs import current_blog
from blog.dashboard.writing import new_post_url, post_status
from blog.models import PostPage
from blog.models.permissions import is_staff

RECENT_POSTS = 5

staff_home = HomeView.as_view()


def home(request):
    """The blogger's home, or Wagtail's for staff and for users without a blog."""
    blog = None if is_staff(request.user) else current_blog(request)
    if blog is None:
        return staff_home(request)
    return BloggerHomeView.as_view(blog=blog)(request)


class BloggerHomeView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "blog/admin/home.html"
    page_title = "Home"
    blog = None

    def get_context_data(self, **kwargs):
        blog = self.blog
        recent = PostPage.objects.child_of(blog).order_by("-latest_revision_created_at", "-pk")
        panels = []
        for construct in hooks.get_hooks("construct_homepage_panels"):
            construct(self.request, panels)
        return {
            **super().get_context_data(**kwargs),
            "blog": blog,
            "blog_url": blog.get_full_url(self.request),
            "new_post_url": new_post_url(blog),
            "new_page_url": new_post_url(blog, "page"),
            "panels": sorted(panels, key=lambda panel: panel.order),
            "recent_posts": [(post, post_status(post)) for post in recent[:RECENT_POSTS]],
        }
