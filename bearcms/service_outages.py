"""When a service fails under a request, people are told what happened, not shown a 500.

Two outages have their own page: the media storage (S3) unreachable, and a full disk
(``bearcms.server_errors.is_disk_full``). Answered here, from the view's exception, the
page shows in development too, where DEBUG would show a traceback instead of
``handler500`` (which gives a full disk the same page when it strikes outside a view).

S3: an image upload stores the file in the bucket before the image's row is written, so a
failed upload leaves nothing behind, and a post's draft is saved by its own request:
nothing a blogger wrote is lost. The Markdown editor's upload endpoint answers for
itself (``blog.dashboard.editor_uploads``); every other view that reaches the bucket (Wagtail's
add, multiple-add and chooser uploads, renditions) is answered here: the multiple-add
view in its own JSON protocol, so the failed file shows the message in place, others
with a 503 page saying what happened. The bounds on each S3 call are
``bearcms.media_storage``'s.

A full disk: the request's writes were rolled back, reads go on working; the page says
that nothing was saved.
"""

import logging

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from bearcms.server_errors import disk_full, is_disk_full
from blog.core.storage_outages import MESSAGE, STORAGE_ERRORS, log_storage_error

# Wagtail's multiple-upload views, whose page reads a JSON answer for each file.
MULTIPLE_UPLOADS = frozenset({"wagtailimages:add_multiple", "wagtaildocs:add_multiple"})

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


def storage_unavailable(request):
    """The 503 page: no request context (its processors would query), no caching."""
    response = HttpResponse(render_to_string("503_storage.html", {"message": MESSAGE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class ServiceOutageMiddleware:
    """Answer a view's S3 failure or full disk with a message instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_disk_full(exception):
            logger.error("Disk full (%s %s): %s", request.method, request.path, exception)
            return disk_full()
        if not isinstance(exception, STORAGE_ERRORS):
            return None
        log_storage_error(request, exception)
        match = request.resolver_match
        if match is not None and match.view_name in MULTIPLE_UPLOADS:
            return JsonResponse({"success": False, "error_message": MESSAGE})
        return storage_unavailable(request)
