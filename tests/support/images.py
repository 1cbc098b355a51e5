"""Real (small) images in a blog's collection, as an upload would make them."""

import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model


def make_image(collection, name="icon.png", size=(80, 80), format="PNG", colour="red"):
    data = io.BytesIO()
    PILImage.new("RGB", size, colour).save(data, format)
    return get_image_model().objects.create(
        title=name, file=ImageFile(data, name=name), collection=collection
    )
