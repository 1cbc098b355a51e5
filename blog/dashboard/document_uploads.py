"""A blogger's documents: the sound, video and PDFs their posts show, and the web fonts
their custom CSS uses. Nothing else: the platform is no file host.

Documents go into the blog's own collection (``blog.tenants.lifecycle`` gives the blog's
group the document permissions there). ``WAGTAILDOCS_DOCUMENT_FORM_BASE`` makes
``DocumentUploadForm`` the base of Wagtail's document forms: the add and edit views, the
multiple upload, and the Markdown editor's upload (``blog.dashboard.editor_uploads``).
Whoever uploads it, a new file

* of a kind a blog uses (``blog.core.media_files``) must hold what its extension says, and
  be at most its kind's limit (``FONT_MAX_UPLOAD_MB``, ``AUDIO_MAX_UPLOAD_MB``,
  ``VIDEO_MAX_UPLOAD_MB``, ``PDF_MAX_UPLOAD_MB``);
* is stored with its extension's type: the storage keeps the type it is given, and the
  one a browser sends with an upload is whatever the uploader wants (``text/html`` would
  make the media bucket serve a page).

A blogger may upload only these kinds, and a blog keeps at most ``MAX_FONTS_PER_BLOG``
fonts and ``BLOG_FILES_MAX_MB`` of documents in all, counted in the collection the file
goes to. Staff keep every extension of ``WAGTAILDOCS_EXTENSIONS`` and no blog limit.
"""

import mimetypes
import operator
from functools import reduce

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, Sum
from wagtail.documents import get_document_model
from wagtail.documents.forms import BaseDocumentForm

from blog.core.media_files import (
    AUDIO,
    FONT,
    MB,
    PDF,
    VIDEO,
    extensions,
    file_type,
    format_inside,
    formats_text,
    holds,
)
from blog.models.permissions import is_staff

UNSUPPORTED = (
    f"You can upload sound ({formats_text(AUDIO)}), video ({formats_text(VIDEO)}), PDF and "
    f"font ({formats_text(FONT)}) files here."
)
# Enough for a family's styles and weights.
MAX_FONTS_PER_BLOG = 20
FONT_FILES = reduce(operator.or_, (Q(file__iendswith=f".{ext}") for ext in extensions(FONT)))


def megabytes(size):
    return f"{size / MB:.1f} MB"


def check_file(upload):
    """Raise ValidationError unless ``upload``, of a kind a blog uses, is within its kind's
    limit and holds what its extension says."""
    type_ = file_type(upload.name)
    kind = type_.kind
    if upload.size > kind.max_bytes:
        raise ValidationError(
            f"“{upload.name}” is {megabytes(upload.size)}: larger than {kind.max_mb} MB, the "
            f"limit for {kind.plural}. {kind.smaller}",
            code="too_large",
        )
    if holds(upload, type_.format):
        return
    found = format_inside(upload)
    if found is None:
        raise ValidationError(
            f"“{upload.name}” is not {type_.format.noun}, or it is damaged. Upload "
            f"{kind.noun} in {formats_text(kind)}.",
            code="not_what_it_says",
        )
    endings = " or ".join(f".{ext}" for ext in extensions(format=found))
    raise ValidationError(
        f"“{upload.name}” is {found.noun}, not {type_.format.noun}: rename it to end in "
        f"{endings}, then upload it again.",
        code="misnamed",
    )


def check_room(upload, collection_id, replacing=None):
    """Raise ValidationError when ``upload`` would take the blog whose collection is
    ``collection_id`` over its limits (the document ``replacing`` not counted)."""
    documents = get_document_model().objects.filter(collection_id=collection_id)
    documents = documents.exclude(pk=replacing)
    if file_type(upload.name).kind is FONT and (
        documents.filter(FONT_FILES).count() >= MAX_FONTS_PER_BLOG
    ):
        raise ValidationError(
            f"Your blog has {MAX_FONTS_PER_BLOG} fonts already: delete one you no longer use "
            "to upload another.",
            code="too_many_fonts",
        )
    used = documents.aggregate(total=Sum("file_size"))["total"] or 0
    if used + upload.size > settings.BLOG_FILES_MAX_MB * MB:
        raise ValidationError(
            f"Your blog's files take {megabytes(used)} of the {settings.BLOG_FILES_MAX_MB} MB "
            f"it may keep, and this one is {megabytes(upload.size)}. Delete files you no "
            "longer use here in Documents, then upload it again.",
            code="blog_full",
        )


def stored_type(name):
    """The Content-Type a file is stored (and served) with: its extension's."""
    type_ = file_type(name)
    if type_ is not None:
        return type_.content_type
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class DocumentUploadForm(BaseDocumentForm):
    """Wagtail's document form: a blogger uploads only the kinds a blog uses, within the
    blog's limits; every new file of those kinds is checked, whoever uploads it."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.for_blogger = user is None or not is_staff(user)
        if self.for_blogger and "file" in self.fields:
            self.fields["file"].help_text = (
                f"For your posts: sound ({formats_text(AUDIO)}, up to {AUDIO.max_mb} MB), "
                f"video ({formats_text(VIDEO)}, up to {VIDEO.max_mb} MB) or a PDF (up to "
                f"{PDF.max_mb} MB). Drop the file into the editor, or paste its address into a "
                f"post. For your CSS: a font ({formats_text(FONT)}, up to {FONT.max_mb} MB), "
                "used as url(/fonts/<file name>)."
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
        if file_type(upload.name) is None:
            if self.for_blogger:
                raise ValidationError(UNSUPPORTED, code="unsupported")
        else:
            check_file(upload)
        upload.content_type = stored_type(upload.name)
        return upload

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("file")
        if self.for_blogger and isinstance(upload, UploadedFile):
            try:
                check_room(upload, self.collection_id(), replacing=self.instance.pk)
            except ValidationError as error:
                # On the file: Wagtail's multiple upload reports only the file's errors
                # (and would keep a file refused for any other reason, to ask again).
                self.add_error("file", error)
        return cleaned_data

    def collection_id(self):
        """The collection the document goes to: the one chosen, or the only one allowed."""
        if "collection" in self.fields:
            collection = self.cleaned_data.get("collection")
            return collection.pk if collection else None
        return self.collections[0].pk
