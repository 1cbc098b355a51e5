"""What a blog tells search engines: ``/sitemap.xml`` and ``/robots.txt``.

The sitemap is Wagtail's, narrowed to this blog's own pages and to what a reader may
see now: live, public (no view restriction on the page or on the blog, which knows its
own: ``BlogPage.is_public``), and no scheduled post before its date (Wagtail's
would list those, since a scheduled post is live). robots.txt is the blogger's own
text, or by default lets every crawler in and points it at the sitemap.
"""

from django.utils import timezone
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

DEFAULT_ROBOTS_TXT = "User-agent: *\nAllow: /\nSitemap: {sitemap}\n"


class BlogSitemap(Sitemap):
    """The blog's home, posts and pages a reader can open right now."""

    def items(self):
        blog = self.request.blog
        if not blog.is_public():
            return Page.objects.none()
        return (
            Page.objects.descendant_of(blog, inclusive=True)
            .live()
            .exclude(postpage__published_date__gt=timezone.now())
            .exclude(view_restrictions__isnull=False)
            .order_by("path")
        )
