"""A blog's browser-tab icon: an emoji drawn as SVG, or an image from the blog's collection.

The emoji needs no upload and no font download: ``/favicon.svg`` draws it as SVG text,
so the reader's own emoji font renders it. An image is used only when it belongs to the
blog's own collection, so one blog can never show (or probe for) another blog's images.
"""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.html import escape

ICON_RENDITION = "fill-64x64"
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<text y=".9em" font-size="90">{}</text></svg>'
)


def own_image(blog, image):
    """``image`` if it is in ``blog``'s collection, else None."""
    if image is not None and blog.collection_id and image.collection_id == blog.collection_id:
        return image
    return None


def icon_url(blog):
    """The URL for ``<link rel="icon">``: the image's rendition, the emoji SVG, or None."""
    image = own_image(blog, blog.favicon_image) if blog.favicon_image_id else None
    if image is not None:
        return image.get_rendition(ICON_RENDITION).url
    if blog.favicon_emoji:
        return "/favicon.svg"
    return None


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
    """``/favicon.ico``, which browsers ask for by habit: send them to the real icon."""
    url = icon_url(request.blog)
    if url is None:
        raise Http404("This blog has no icon.")
    return HttpResponseRedirect(url)
