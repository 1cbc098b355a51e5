"""Every image upload loses its location metadata and gets errors a blogger can act on.

Phones record where a photo was taken in its EXIF (the GPS IFD) and often in XMP too; a
blogger who posts a photo taken at home would publish their address. Every upload goes
through Wagtail's image form: its add, edit and multiple-upload views, and the Markdown
editor's upload (``blog.dashboard.editor_uploads``). ``WAGTAILIMAGES_IMAGE_FORM_BASE`` makes
``ImageUploadForm`` that form's base, and its file field cleans every upload.

Only the metadata goes: a JPEG is written again with its own quantisation tables (no
visible generation loss), a PNG losslessly, a WebP at quality 90; the colour profile
stays, and so does the EXIF orientation, which browsers and Wagtail's renditions follow.
Files without metadata are stored byte for byte. GIFs are stored as they are: the
format has no EXIF, and Pillow would not write an animation back as it was.
"""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import ExifTags, JpegImagePlugin
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm
from wagtail.images.utils import get_allowed_image_extensions

FORMAT_NAMES = {  # extension: what a person calls the format
    "avif": "AVIF",
    "gif": "GIF",
    "heic": "HEIC",
    "jpeg": "JPEG",
    "jpg": "JPEG",
    "png": "PNG",
    "svg": "SVG",
    "webp": "WebP",
}
DAMAGED = "This image is damaged or incomplete. Save it again, or choose another."
METADATA_SEGMENTS = {"APP1", "APP13"}  # JPEG: EXIF and XMP, Photoshop/IPTC (place names)


def allowed_formats_text():
    """'JPEG, PNG, GIF and WebP', from WAGTAILIMAGES_EXTENSIONS."""
    names = list(
        dict.fromkeys(FORMAT_NAMES.get(ext, ext.upper()) for ext in get_allowed_image_extensions())
    )
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def megabytes(size):
    return f"{size / (1024 * 1024):g} MB"


def carries_metadata(image):
    """Whether the file holds metadata that could say where (or by whom) it was made."""
    info = image.info
    return bool(
        info.get("exif")
        or info.get("xmp")
        or info.get("comment")
        or getattr(image, "text", None)  # PNG text chunks: XMP, "Raw profile type exif"
        or METADATA_SEGMENTS.intersection(marker for marker, _ in getattr(image, "applist", []))
    )


def without_metadata(image):
    """The image written again with only its pixels, colour profile and orientation."""
    exif = PILImage.Exif()
    if orientation := image.getexif().get(ExifTags.Base.Orientation):
        exif[ExifTags.Base.Orientation] = orientation
    options = {"exif": exif.tobytes() if len(exif) else b"", "comment": b""}
    if icc_profile := image.info.get("icc_profile"):
        options["icc_profile"] = icc_profile
    if image.format in {"JPEG", "MPO"}:  # MPO: a phone's JPEG with extra pictures appended
        # What quality="keep" does, which Pillow refuses for MPO: the original's tables.
        options.update(
            format="JPEG",
            qtables=image.quantization,
            subsampling=JpegImagePlugin.get_sampling(image),
            progressive=bool(image.info.get("progressive")),
        )
    else:
        options.update(format=image.format, save_all=getattr(image, "n_frames", 1) > 1)
        if image.format == "WEBP":
            options["quality"] = 90
    out = BytesIO()
    image.save(out, **options)
    return out.getvalue()


def strip_location(upload):
    """Rewrite the uploaded file without its metadata, or raise ValidationError if
    Pillow cannot decode all of it.

    The file is rewritten in place rather than replaced: when another field of the form
    fails, Wagtail's multiple-upload view keeps ``request.FILES`` itself (as an
    UploadedFile, to finish later), and that copy must be clean too.
    """
    upload.seek(0)
    try:
        with PILImage.open(upload) as image:
            image.load()  # a truncated file fails here rather than in a rendition later
            if image.format == "GIF" or not carries_metadata(image):
                return
            data = without_metadata(image)
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as exc:
        raise ValidationError(DAMAGED, code="invalid_image") from exc
    finally:
        upload.seek(0)
    upload.truncate()
    upload.write(data)
    upload.seek(0)
    upload.size = len(data)


class ImageUploadField(WagtailImageField):
    """Wagtail's image file field, which also strips location metadata from new files,
    refuses files Pillow cannot decode with a form error (Wagtail lets the truncated-file
    OSError through, a server error), and says what is wrong in plain words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formats = allowed_formats_text()
        limit = megabytes(self.max_upload_size) if self.max_upload_size else ""
        self.max_upload_size_text = limit
        not_allowed = f"Only {formats} images can be uploaded."
        self.error_messages.update(
            invalid_image=f"This file is not an image. {not_allowed}",
            invalid_image_extension=not_allowed,
            file_too_large="This image is %(file_size)s: larger than %(max_filesize)s.",
            file_too_large_unknown_size=f"This image is larger than {limit}.",
            file_too_many_pixels=(
                "This image has %(num_pixels)s pixels, more than %(max_pixels_count)s. "
                "Scale it down first."
            ),
        )

    def to_python(self, data):
        try:
            upload = super().to_python(data)
        except OSError as exc:
            raise ValidationError(DAMAGED, code="invalid_image") from exc
        if isinstance(upload, UploadedFile):
            strip_location(upload)
        return upload


class ImageUploadForm(BaseImageForm):
    """Wagtail's image form (``WAGTAILIMAGES_IMAGE_FORM_BASE``) with ``ImageUploadField``.

    The field is swapped in here rather than declared on the class, so that it reads the
    upload limit from the settings when the form is made, as Wagtail's own does.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if field := self.fields.get("file"):
            self.fields["file"] = ImageUploadField(
                label=field.label, required=field.required, widget=field.widget
            )
