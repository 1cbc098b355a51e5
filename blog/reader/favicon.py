"""A blog's icons: an emoji drawn as SVG, an image from the blog's collection, or a bear.

The emoji needs no upload and no font download: ``/favicon.svg`` draws it as SVG text,
so the reader's own emoji font renders it. An image is used only when it belongs to the
blog's own collection, so one blog can never show (or probe for) another blog's images.

Browsers, feed readers and phones also ask for ``/favicon.ico`` and
``/apple-touch-icon.png`` by habit, whatever the page links. They get the blog's image
(a rendition of the size they want) or its emoji SVG. Where neither will do (no icon at
all, or a PNG, which an emoji cannot be drawn into without an emoji font on the server)
they get a bear, drawn once per process with Pillow, as Bear Blog answers with its own
logo: a real image rather than a 404 in every log.
"""

import io
from functools import cache

from PIL import Image, ImageDraw

ICON_RENDITION = "fill-64x64"
# Phones put it on the home screen: iOS asks for 180x180 and takes a PNG only.
TOUCH_ICON_RENDITION = "fill-180x180|format-png"
TOUCH_ICON_SIZE = 180
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<text y=".9em" font-size="90">{}</text></svg>'
)

# The bear of the platform's own tab icon as ellipses in a 100x100 box: ears, head,
# muzzle, eyes, nose.
BROWN, TAN, DARK = (120, 78, 44, 255), (196, 150, 110, 255), (20, 20, 20, 255)
BEAR = [
    (BROWN, (10, 10, 38, 38)),
    (BROWN, (62, 10, 90, 38)),
    (BROWN, (14, 20, 86, 90)),
    (TAN, (33, 56, 67, 86)),
    (DARK, (33, 42, 43, 52)),
    (DARK, (57, 42, 67, 52)),
    (DARK, (43, 59, 57, 69)),
]
SUPERSAMPLE = 4  # drawn larger, then scaled down: smooth edges


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


def touch_icon_url(blog):
    """The URL of the blog's image icon as a home-screen PNG, or None without one."""
    image = own_image(blog, blog.favicon_image) if blog.favicon_image_id else None
    if image is None:
        return None
    return image.get_rendition(TOUCH_ICON_RENDITION).url


def draw_bear(size, background=(0, 0, 0, 0)):
    """The bear as a ``size`` square RGBA image on ``background``."""
    canvas = size * SUPERSAMPLE
    image = Image.new("RGBA", (canvas, canvas), background)
    draw = ImageDraw.Draw(image)
    for colour, box in BEAR:
        draw.ellipse([value * canvas / 100 for value in box], fill=colour)
    return image.resize((size, size), Image.Resampling.LANCZOS)


@cache
def bear_touch_icon_png():
    """The bear as an opaque 180x180 PNG: iOS shows transparency as black."""
    data = io.BytesIO()
    draw_bear(TOUCH_ICON_SIZE, background=(255, 255, 255, 255)).save(data, "PNG", optimize=True)
    return data.getvalue()


@cache
def bear_favicon_ico():
    """The bear as a Windows icon of 16, 32 and 48 pixels, transparent around it."""
    data = io.BytesIO()
    draw_bear(max(ICO_SIZES)[0]).save(data, "ICO", sizes=ICO_SIZES)
    return data.getvalue()
