"""Files uploaded from the Markdown editor, into the collection of the blog being written.

EasyMDE (the editor, see ``blog.models.editor``) posts a dropped, pasted or picked file as
``image`` (its name for the field, whatever the file) to
``/dashboard/images/upload-from-editor/<page_id>/``, where ``page_id`` is the page being
edited (or, while adding a post, its parent). An image becomes one of Wagtail's images;
sound, video and PDFs become documents (``blog.core.media_files``). Either goes into
that page's blog's collection, never one named by the request: the URL guard
(``blog.dashboard.isolation``) answers 404 when a blogger names another blog's page, and
Wagtail's collection permissions must allow adding images (or documents) there, so staff
upload into the blog whose page they edit when they hold that permission (superusers
do) and are refused otherwise.

The file is validated by Wagtail's own form for it, built on ours: for an image size,
type, pixels and location stripping (``blog.dashboard.image_uploads``), for a document
its kind, content and the blog's limits (``blog.dashboard.document_uploads``).

An image's answer is the address of a ``max-1600x1600`` rendition rather than the
original: re-encoded by Wagtail, it keeps pages small (a phone photo is 3-10 MB) and
carries no metadata at all. Renditions are kept until the image is deleted, so the URL
stays valid. GIFs are inserted as originals, since a rendition would stop an animation.
EasyMDE writes ``![](address)`` for it.

A document's answer also holds the Markdown to insert: an ``<audio>`` or ``<video>``
player, or a link to a PDF. Its address is the file's own on the storage, never the
platform's ``/documents/`` view: on S3, the CDN's (another origin than the dashboard's);
with files on disk, ``/media/`` on the blog's own host, made absolute so that it survives
the sanitiser (media addresses must be http(s)) and works in feeds and mail. Neither
origin has the dashboard's cookies.

When the bucket cannot be reached the editor shows ``bearcms.service_outages``' message
(a 503), and the post is untouched.
"""

import os
from urllib.parse import urljoin

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from wagtail.documents import get_document_model
from wagtail.documents.forms import get_document_form
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.images.utils import get_allowed_image_extensions
from wagtail.models import Page
from wagtail.permissions import policy_registry

from blog.core.media_files import (
    AUDIO,
    POST_KINDS,
    VIDEO,
    extension_of,
    file_type,
    formats_text,
)
from blog.core.storage_outages import MESSAGE as STORAGE_MESSAGE
from blog.core.storage_outages import STORAGE_ERRORS, log_storage_error
from blog.core.tree import blog_root_path
from blog.models import BlogPage

RENDITION = "max-1600x1600"
ORIGINAL_EXTENSIONS = {".gif"}
PLAYERS = {AUDIO: "audio", VIDEO: "video"}
UNSUPPORTED = (
    "can't go into a post. Add an image (JPEG, PNG, GIF or WebP), sound "
    f"({formats_text(AUDIO)}), a video ({formats_text(VIDEO)}) or a PDF."
)


def blog_of(page):
    return BlogPage.objects.filter(path=blog_root_path(page.path)).first()


def blog_collection(user, blog, model):
    """The collection of ``blog`` if ``user`` may add ``model`` (images or documents)
    to it, else None."""
    if blog is None or blog.collection_id is None:
        return None
    policy = policy_registry.get_by_type(model)
    allowed = policy.collections_user_has_permission_for(user, "add")
    return allowed.filter(pk=blog.collection_id).first()


def error(message, status):
    return JsonResponse({"error": message}, status=status)


def image_answer(image, _blog):
    if os.path.splitext(image.file.name)[1].lower() in ORIGINAL_EXTENSIONS:
        return {"filePath": image.file.url}
    return {"filePath": image.get_rendition(RENDITION).url}


def document_answer(document, blog):
    """The document's address, and the Markdown that shows it: a player, or a link."""
    url = urljoin(blog.get_full_url() or "", document.file.url)
    kind = file_type(document.file.name).kind
    if kind in PLAYERS:
        # preload="metadata": a reader's browser fetches the length, not the whole file.
        markdown = format_html(
            '<{0} controls preload="metadata" src="{1}"></{0}>', PLAYERS[kind], url
        )
    else:
        name = f"{document.title}.{extension_of(document.file.name)}"
        name = name.replace("[", r"\[").replace("]", r"\]")
        markdown = f"[{name}]({url})"
    return {"filePath": url, "markdown": markdown}


class UploadRefused(Exception):
    """Why an upload was not kept, in words for the person, and the HTTP status to answer."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def store_upload(request, blog, upload):
    """Keep ``upload`` in ``blog``'s collection as an image or a document, for
    ``request.user``: the saved image or document, and the answer (its address, and for a
    document the Markdown that shows it); or ``UploadRefused``. The editor and Micropub
    (``blog.api.micropub``) both upload through here."""
    type_ = file_type(upload.name)
    if type_ is not None and type_.kind in POST_KINDS:
        model, get_form, answer, things = (
            get_document_model(), get_document_form, document_answer, "files"
        )  # fmt: skip
    elif extension_of(upload.name) in get_allowed_image_extensions():
        model, get_form, answer, things = get_image_model(), get_image_form, image_answer, "images"
    else:
        raise UploadRefused(f"“{upload.name}” {UNSUPPORTED}", 400)
    collection = blog_collection(request.user, blog, model)
    if collection is None:
        raise UploadRefused(f"You cannot add {things} to this blog.", 403)
    title = os.path.splitext(upload.name)[0][:255] or upload.name
    form = get_form(model, fields=["title", "file"])(
        {"title": title, "collection": collection.pk},
        {"file": upload},
        user=request.user,
        instance=model(collection=collection, uploaded_by_user=request.user),
    )
    if not form.is_valid():
        messages = [message for errors in form.errors.values() for message in errors]
        raise UploadRefused(" ".join(messages), 400)
    try:
        # One unit: a file whose rendition could not be stored is not kept either.
        with transaction.atomic():
            saved = form.save()
            return saved, answer(saved, blog)
    except STORAGE_ERRORS as exc:  # the bucket is unreachable: say so
        log_storage_error(request, exc)
        raise UploadRefused(STORAGE_MESSAGE, 503) from exc


@require_POST
def upload_from_editor(request, page_id):
    page = get_object_or_404(Page, pk=page_id)
    upload = request.FILES.get("image")
    if upload is None:
        return error("Choose an image to upload.", 400)
    try:
        _saved, data = store_upload(request, blog_of(page), upload)
    except UploadRefused as refused:
        return error(str(refused), refused.status)
    return JsonResponse({"data": data})
