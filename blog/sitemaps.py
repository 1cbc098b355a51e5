"""What a blog tells search engines: ``/sitemap.xml`` and ``/robots.txt``.

The sitemap is Wagtail's, narrowed to this blog's own pages and to what a reader may
see now: live, public (checked against this blog's restrictions only, see
``public_pages``), and no scheduled post before its date (Wagtail's would list those,
since a scheduled post is live). robots.txt is the blogger's own text, or by
default lets every crawler in and points it at the sitemap.
"""

from urllib.parse import urljoin

from django.http import HttpResponse
from django.utils import timezone
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page

from blog.feeds import public_pages

DEFAULT_ROBOTS_TXT = "User-agent: *\nAllow: /\nSitemap: {sitemap}\n"


class BlogSitemap(Sitemap):
    """The blog's home, posts and pages a reader can open right now."""

    def items(self):
        blog = self.request.blog
        pages = (
            Page.objects.descendant_of(blog, inclusive=True)
            .live()
            .exclude(postpage__published_date__gt=timezone.now())
            .order_by("path")
        )
        return public_pages(pages, blog)


def sitemap(request):
    return wagtail_sitemap(request, sitemaps={"blog": BlogSitemap})


def robots_txt(request):
    blog = request.blog
    # The admin's textarea sends CRLF line ends; crawlers expect plain lines.
    text = "\n".join(blog.robots_txt.strip().splitlines()) + "\n"
    if not text.strip():
        text = DEFAULT_ROBOTS_TXT.format(sitemap=urljoin(blog.get_full_url(request), "sitemap.xml"))
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
