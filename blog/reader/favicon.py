"""A blog's browser-tab icon: an emoji drawn as SVG, or an image from the blog's collection.

The emoji needs no upload and no font download: ``/favicon.svg`` draws it as SVG text,
so the reader's own emoji font renders it. An image is used only when it belongs to the
blog's own collection, so one blog can never show (or probe for) another blog's images.
"""

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
