"""Images uploaded from the Markdown editor, into the collection of the blog being written.

EasyMDE (the editor, see ``blog.models.editor``) posts a dropped, pasted or picked file as
``image`` to ``/dashboard/images/upload-from-editor/<page_id>/``, where ``page_id`` is
the page being edited (or, while adding a post, its parent). The image goes into that
page's blog's collection, never one named by the request: the URL guard
(``blog.dashboard.isolation``) answers 404 when a blogger names another blog's page, and
Wagtail's collection permissions must allow adding images there, so staff upload into
the blog whose page they edit when they hold that permission (superusers do) and are
refused otherwise.

The file is validated and cleaned by Wagtail's own image form (size, type, pixels, and
our location stripping in ``blog.dashboard.image_uploads``). The editor inserts the URL of a
``max-1600x1600`` rendition rather than the original: re-encoded by Wagtail, it keeps
pages small (a phone photo is 3-10 MB) and carries no metadata at all. Renditions are
kept until the image is deleted, so the URL stays valid. GIFs are inserted as
originals, since a rendition would stop an animation. When the bucket cannot be reached
the editor shows ``bearcms.service_outages``' message (a 503), and the post is untouched.
"""

import os

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.models import Page
from wagtail.permissions import policy_registry

from blog.core.storage_outages import MESSAGE as STORAGE_MESSAGE
from blog.core.storage_outages import STORAGE_ERRORS, log_storage_error
from blog.core.tree import blog_root_path
from blog.models import BlogPage

RENDITION = "max-1600x1600"
ORIGINAL_EXTENSIONS = {".gif"}


def blog_collection(user, page):
    """The collection of ``page``'s blog if ``user`` may add images to it, else None."""
    blog = BlogPage.objects.filter(path=blog_root_path(page.path)).first()
    if blog is None or blog.collection_id is None:
        return None
    policy = policy_registry.get_by_type(get_image_model())
    allowed = policy.collections_user_has_permission_for(user, "add")
    return allowed.filter(pk=blog.collection_id).first()


def error(message, status):
    return JsonResponse({"error": message}, status=status)


@require_POST
def upload_from_editor(request, page_id):
    page = get_object_or_404(Page, pk=page_id)
    collection = blog_collection(request.user, page)
    if collection is None:
        return error("You cannot add images to this blog.", 403)
    upload = request.FILES.get("image")
    if upload is None:
        return error("Choose an image to upload.", 400)
    model = get_image_model()
    title = os.path.splitext(upload.name)[0][:255] or upload.name
    form = get_image_form(model, fields=["title", "file"])(
        {"title": title, "collection": collection.pk},
        {"file": upload},
        user=request.user,
        instance=model(collection=collection, uploaded_by_user=request.user),
    )
    if not form.is_valid():
        messages = [message for errors in form.errors.values() for message in errors]
        return error(" ".join(messages), 400)
    try:
        # One unit: an image whose rendition could not be stored is not kept either.
        with transaction.atomic():
            image = form.save()
            if os.path.splitext(image.file.name)[1].lower() in ORIGINAL_EXTENSIONS:
                url = image.file.url
            else:
                url = image.get_rendition(RENDITION).url
    except STORAGE_ERRORS as exc:  # the bucket is unreachable: say so, in the editor
        log_storage_error(request, exc)
        return error(STORAGE_MESSAGE, 503)
    return JsonResponse({"data": {"filePath": url}})
