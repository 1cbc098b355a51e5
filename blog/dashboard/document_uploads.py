"""A blogger's documents are the web fonts their custom CSS uses, and nothing else.

Documents go into the blog's own collection (``blog.tenants.lifecycle`` gives the blog's
group the document permissions there), and ``blog.reader.fonts`` serves a font among them
at ``/fonts/<file name>`` on the blog's host. ``WAGTAILDOCS_DOCUMENT_FORM_BASE`` makes
``DocumentUploadForm`` the base of Wagtail's document forms: the add and edit views and
the multiple upload. A new file is checked when it is uploaded:

* a blogger may upload only a font (WOFF2, WOFF, TTF or OTF): documents on the platform
  are not a file host, and every other kind would be served from the platform's own
  origin (``/documents/``). Staff keep every extension of ``WAGTAILDOCS_EXTENSIONS``;
* a font must be one font file and nothing glued to it (``blog.core.font_files``), at
  most ``FONT_MAX_UPLOAD_MB``; a blog keeps at most ``MAX_FONTS_PER_BLOG`` of them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents import get_document_model
from wagtail.documents.forms import BaseDocumentForm

from blog.core.font_files import FONT_FORMATS_TEXT, font_extension, font_max_bytes, is_one_font
from blog.dashboard.blogs import own_blog
from blog.models.permissions import is_staff

FONTS_ONLY = f"Only fonts ({FONT_FORMATS_TEXT}) can be uploaded here, for your CSS."
NOT_A_FONT = f"This file is not a font, or not only one. Upload a {FONT_FORMATS_TEXT} file."
# Enough for a family's styles and weights; the platform is no file host.
MAX_FONTS_PER_BLOG = 20


def check_font(upload):
    """Raise ValidationError unless ``upload`` is a font within the size limit."""
    if upload.size > font_max_bytes():
        size = f"{upload.size / (1024 * 1024):.1f} MB"
        raise ValidationError(
            f"This font is {size}: larger than {settings.FONT_MAX_UPLOAD_MB} MB. "
            "Upload a WOFF2 file, or one with fewer characters.",
            code="font_too_large",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not is_one_font(data):
        raise ValidationError(NOT_A_FONT, code="not_a_font")


def check_room(user):
    """Raise ValidationError when the user's blog holds ``MAX_FONTS_PER_BLOG`` already."""
    blog = own_blog(user)
    if blog is None:
        return
    if get_document_model().objects.filter(collection_id=blog.collection_id).count() >= (
        MAX_FONTS_PER_BLOG
    ):
        raise ValidationError(
            f"Your blog has {MAX_FONTS_PER_BLOG} fonts already: delete one you no longer use "
            "to upload another.",
            code="too_many_fonts",
        )


class DocumentUploadForm(BaseDocumentForm):
    """Wagtail's document form, which lets a blogger upload fonts only and checks every
    new font, whoever uploads it."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.user = user
        self.fonts_only = user is None or not is_staff(user)
        if self.fonts_only and "file" in self.fields:
            self.fields["file"].help_text = (
                f"A font ({FONT_FORMATS_TEXT}) up to {settings.FONT_MAX_UPLOAD_MB} MB. "
                "Your CSS uses it as url(/fonts/<file name>)."
            )

    def _post_clean(self):
        # Wagtail's Document.clean checks the extension of the file it is given, and when
        # this field refused the upload it is given none: "File extension “” is not
        # allowed" would follow the reason. The form is invalid already; say only why.
        if not self.has_error("file"):
            super()._post_clean()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):  # no new file: the stored one stays
            return upload
        if font_extension(upload.name) is None:
            if self.fonts_only:
                raise ValidationError(FONTS_ONLY, code="fonts_only")
            return upload
        check_font(upload)
        if self.fonts_only and self.instance.pk is None and self.user is not None:
            check_room(self.user)
        return upload
