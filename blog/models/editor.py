"""The Markdown editor in the dashboard: wagtail-markdown's EasyMDE, fully offline.

Left alone, EasyMDE downloads Font Awesome for its toolbar and dictionaries for its
spell checker from CDNs. settings.WAGTAILMARKDOWN turns the first off and this widget
serves the few icons it uses from our own static files (static/vendor/font-awesome/);
static/bearcms/markdown-editor-options.js turns the spell checker off (browsers have
their own).

The options script also leaves the server's rendering (Wagtail's preview panel) the one
preview, and keeps Enter from adding indentation.

Images, sound, video and PDFs dropped, pasted or picked in the editor are uploaded into
the blog's collection (``blog.dashboard.editor_uploads``); ``enable_image_uploads`` tells
the editors of a page form where to send them and what each kind may weigh, and the
options script reads that from the textarea.
"""

import json
import mimetypes

from django import forms
from django.conf import settings
from django.urls import reverse
from wagtail.admin.staticfiles import versioned_static
from wagtail.images.utils import get_allowed_image_extensions
from wagtailmarkdown.widgets import MarkdownTextarea

from blog.core.media_files import POST_KINDS, extensions


class MarkdownEditor(MarkdownTextarea):
    @property
    def media(self):
        # The options must be set before wagtail-markdown's scripts attach the editor.
        offline = forms.Media(
            css={"all": [versioned_static("vendor/font-awesome/font-awesome-editor.css")]},
            js=[versioned_static("bearcms/markdown-editor-options.js")],
        )
        return offline + super().media


def enable_image_uploads(form, page_id):
    """Let the form's Markdown editors upload images, sound, video and PDFs into the blog
    of page ``page_id`` (the page being edited, or the parent of the one being added)."""
    post_files = {ext: kind.max_bytes for kind in POST_KINDS for ext in extensions(kind)}
    attrs = {
        "data-image-upload-url": reverse("bearcms_editor_image_upload", args=[page_id]),
        "data-image-max-size": settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE,
        "data-image-accept": accepted_image_types(),
        # By extension: browsers name an M4A's type three ways, and an Opus file's two.
        "data-file-accept": ", ".join(f".{ext}" for ext in post_files),
        "data-file-max-sizes": json.dumps(post_files),
    }
    for field in form.fields.values():
        if isinstance(field.widget, MarkdownEditor):
            field.widget.attrs.update(attrs)


def accepted_image_types():
    """The file picker's ``accept``: the types of WAGTAILIMAGES_EXTENSIONS, spelled out
    (Wagtail's own ``get_accept_attributes`` says "image/*", which offers SVG too)."""
    types = {mimetypes.guess_type(f"image.{ext}")[0] for ext in get_allowed_image_extensions()}
    return ", ".join(sorted(types - {None}))
