"""Template tags for the ``<head>`` of reader pages (``templates/blog/base.html``).

``{% reader_head as head %}`` gathers what the head needs, for any reader page: posts
use their own metadata and fall back to the blog's; the home, post list and 404 pages
use the blog's (its social image too). A post, not a page, of a reviewed blog also
gets its JSON-LD (``blog.reader.json_ld``). URLs in it are absolute on the blog's own
host, as canonical and OpenGraph URLs must be. ``{% blog_style blog page %}`` is the
inside of ``<style>``.
"""

from urllib.parse import quote

from django import template
from django.utils.safestring import mark_safe

from blog.models import PostPage
from blog.reader.favicon import icon_url, own_image
from blog.reader.json_ld import blog_posting, json_ld_script
from blog.reader.themes import blog_css

register = template.Library()

OG_IMAGE_RENDITION = "fill-1200x630"


@register.simple_tag(takes_context=True)
def reader_head(context):
    blog = context["blog"]
    request = context.get("request")
    page = context.get("page")
    post = page if isinstance(page, PostPage) else None
    root = blog.root_url
    head = {
        "title": post.title if post else blog.title,
        "description": (post and post.meta_description) or blog.meta_description,
        "og_type": "article" if post else "website",
        "icon": icon_url(blog),
        "image": None,
        "canonical": None,
        "json_ld": None,
    }
    if post is not None:
        head["canonical"] = post.canonical_url or root + post.reader_path
        image = own_image(blog, post.meta_image) if post.meta_image_id else None
        head["image"] = social_image_url(image, root) or post.meta_image_url or None
        if not post.is_page and blog.reviewed:
            data = blog_posting(post, blog, blog_url=root + "/", image=head["image"])
            head["json_ld"] = json_ld_script(data)
    elif not context.get("not_found") and request is not None:
        head["canonical"] = root + request.path
        if request.GET.get("q") and context.get("tags"):
            head["canonical"] += "?q=" + quote(",".join(context["tags"]), safe=",")
    if head["image"] is None and blog.social_image_id:
        head["image"] = social_image_url(own_image(blog, blog.social_image), root)
    return head


def social_image_url(image, root):
    """The absolute URL of ``image`` as a social card (on the media host, or on ``root``,
    the blog's own); None without an image."""
    if image is None:
        return None
    url = image.get_rendition(OG_IMAGE_RENDITION).url
    return url if "//" in url else root + url


@register.simple_tag
def blog_style(blog, page=None):
    """The theme's CSS and the blog's custom CSS, made safe by ``blog.reader.themes``; the
    custom CSS alone when the blog overwrites the theme (``BlogPage.overwrite_theme``).

    A post without highlighted code gets no code colours (see ``blog.reader.themes.theme_css``).
    """
    code = not isinstance(page, PostPage) or 'class="highlight"' in page.body_html
    return mark_safe(blog_css(blog, code))  # custom CSS cannot leave <style>: safe_custom_css
