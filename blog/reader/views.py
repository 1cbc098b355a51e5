"""The views of a blog host that are not Wagtail pages themselves: the post index, feeds,
sitemap and robots.txt, the icons, upvotes, and the 404 page.

A reader who mistypes an address stays on the blog: the 404 page wears the blog's theme,
title and navigation. The platform host keeps Django's plain ``404.html``; 500s everywhere
use the static ``500.html``, which never shows what went wrong.
"""

from django.http import (
    Http404,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.defaults import page_not_found
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from blog.caching.discovery_cache import forget_discovery
from blog.caching.page_cache import forget_page
from blog.core.reader_requests import same_origin, seconds_until_allowed, too_many_requests
from blog.models import POST_LIST_FIELDS, PostPage
from blog.reader import upvotes
from blog.reader.favicon import (
    SVG,
    bear_favicon_ico,
    bear_touch_icon_png,
    icon_url,
    touch_icon_url,
)
from blog.reader.feeds import atom_feed, rss_feed, wants_rss
from blog.reader.sitemaps import DEFAULT_ROBOTS_TXT, BlogSitemap
from blog.reader.tags import filter_by_tags, tag_list, tag_query_labels


def post_index(request):
    """``/blog/``: every published post of this blog, newest first; ``?q=`` filters tags."""
    blog = request.blog
    query = request.GET.get("q")
    posts = filter_by_tags(blog.published_posts(), query)
    posts = list(posts.values(*POST_LIST_FIELDS, "tag_names"))  # rows: see post_list.html
    return TemplateResponse(
        request,
        "blog/post_index.html",
        {
            "blog": blog,
            "page": blog,
            "posts": posts,
            "tags": tag_query_labels(query),
            # Every tag of the blog: the posts listed have them all, unless filtered.
            "tag_list": tag_list(blog, None if query else posts),
        },
    )


def not_public(request, **kwargs):
    """A page that is not public does not exist for readers (see bearcms/urls_blog.py)."""
    raise Http404("This page is not public.")


def feed(request):
    """Atom unless RSS is asked for (``blog.reader.feeds.wants_rss``)."""
    return (rss_feed if wants_rss(request) else atom_feed)(request)


def sitemap(request):
    return wagtail_sitemap(request, sitemaps={"blog": BlogSitemap})


def robots_txt(request):
    blog = request.blog
    # The admin's textarea sends CRLF line ends; crawlers expect plain lines.
    text = "\n".join(blog.robots_txt.strip().splitlines()) + "\n"
    if not text.strip():
        text = DEFAULT_ROBOTS_TXT.format(sitemap=blog.root_url + "/sitemap.xml")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def emoji_svg(request):
    """``/favicon.svg``: the blog's emoji, XML-escaped, as an SVG image."""
    emoji = request.blog.favicon_emoji
    if not emoji:
        raise Http404("This blog has no emoji icon.")
    response = HttpResponse(SVG.format(escape(emoji)), content_type="image/svg+xml")
    # Opened on its own, an SVG is a document: allow it no scripts and no loads.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def favicon_ico(request):
    """``/favicon.ico``, which browsers and feed readers ask for by habit: sent to the
    blog's icon, or the bear when it has none."""
    url = icon_url(request.blog)
    if url is None:
        return HttpResponse(bear_favicon_ico(), content_type="image/x-icon")
    return HttpResponseRedirect(url)


def apple_touch_icon(request):
    """``/apple-touch-icon.png`` (and ``-precomposed.png``), which phones ask for when a
    reader adds the blog to the home screen: the blog's image as a 180x180 PNG, or the
    bear (an emoji cannot be drawn into a PNG here)."""
    url = touch_icon_url(request.blog)
    if url is None:
        return HttpResponse(bear_touch_icon_png(), content_type="image/png")
    return HttpResponseRedirect(url)


@csrf_exempt  # no CSRF cookie may be set on a blog host: same_origin() guards instead
@never_cache
@require_POST
def upvote(request, post_id):
    """``POST /upvote/<post_id>/``: upvote a visible post of this blog, then show it again."""
    if not same_origin(request):
        return HttpResponseForbidden("Upvotes come only from this blog's own pages.")
    wait = seconds_until_allowed(request, "upvote", upvotes.RATE_LIMIT, upvotes.RATE_WINDOW)
    if wait:
        return too_many_requests("Too many upvotes. Try again in a minute.", wait)
    post = (
        PostPage.objects.child_of(request.blog)
        .live()
        .filter(id=post_id, is_page=False, published_date__lte=timezone.now())
        .first()
    )
    if post is None or post.get_view_restrictions().exists():
        raise Http404("No such post.")
    counted = upvotes.record_upvote(post, upvotes.visitor_hash(request, post.id))
    if counted:
        forget_page(request.blog.id, post.reader_path)  # its cached copies show the old count
        if post.in_discovery:
            forget_discovery()  # ordered by a score the upvote raised
    # "See the post": the browser GETs it and shows the count, and whether this upvote
    # counted (post_page.html). The query string makes it a URL no browser or CDN has
    # cached with the old count.
    outcome = "upvoted" if counted else "already-upvoted"
    response = HttpResponseRedirect(f"{post.get_url(request)}?{outcome}#upvote-form")
    response.status_code = 303
    return response


def not_found(request, exception=None):
    """``handler404`` of blog hosts (``bearcms.urls_blog``)."""
    blog = getattr(request, "blog", None)
    if blog is None:  # BlogHostMiddleware always sets it on blog hosts; be safe anyway
        return page_not_found(request, exception)
    context = {"blog": blog, "page": None, "not_found": True}
    return TemplateResponse(request, "blog/404.html", context, status=404).render()
