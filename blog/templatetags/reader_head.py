"""Template tags for the ``<head>`` of reader pages (``templates/blog/base.html``).

``{% reader_head as head %}`` gathers what the head needs, for any reader page: posts
use their own metadata and fall back to the blog's; the home, post list and 404 pages
use the blog's. URLs in it are absolute on the blog's own host, as canonical and
OpenGraph URLs must be. ``{% blog_style blog page %}`` is the inside of ``<style>``.
"""

from urllib.parse import quote

from django import template
from django.utils.safestring import mark_safe

from blog.models import PostPage
from blog.reader.favicon import icon_url, own_image
from blog.reader.themes import blog_css

register = template.Library()

OG_IMAGE_RENDITION = "fill-1200x630"


@register.simple_tag(takes_context=True)
def reader_head(context):
    blog = context["blog"]
    request = context.get("request")
    page = context.get("page")
    post = page if isinstance(page, PostPage) else None
    root = blog.get_full_url(request).rstrip("/")
    head = {
        "title": post.title if post else blog.title,
        "description": (post and post.meta_description) or blog.meta_description,
        "og_type": "article" if post else "website",
        "icon": icon_url(blog),
        "image": None,
        "canonical": None,
    }
    if post is not None:
        head["canonical"] = post.canonical_url or post.get_full_url(request)
        image = own_image(blog, post.meta_image) if post.meta_image_id else None
        if image is not None:
            url = image.get_rendition(OG_IMAGE_RENDITION).url
            head["image"] = url if "//" in url else root + url
        else:
            head["image"] = post.meta_image_url or None
    elif not context.get("not_found") and request is not None:
        head["canonical"] = root + request.path
        if request.GET.get("q") and context.get("tags"):
            head["canonical"] += "?q=" + quote(",".join(context["tags"]), safe=",")
    return head


@register.simple_tag
def blog_style(blog, page=None):
    """The theme's CSS and the blog's custom CSS, made safe by ``blog.reader.themes``; the
    custom CSS alone when the blog overwrites the theme (``BlogPage.overwrite_theme``).

    A post without highlighted code gets no code colours (see ``blog.reader.themes.theme_css``).
    """
    code = not isinstance(page, PostPage) or 'class="highlight"' in page.body_html
    return mark_safe(blog_css(blog, code))  # custom CSS cannot leave <style>: safe_custom_css
