"""What the API reads and answers: a request's JSON, and errors in Micropub's shape
(``{"error": ..., "error_description": ...}``), which the JSON API shares, so a client
reads one format."""

import functools
import json
from urllib.parse import urljoin

from django.http import JsonResponse

# Bytes of JSON: the longest post the editor takes (500,000 characters) sent as UTF-8,
# with room. JSON that escapes every non-ASCII character (\u0436) can be six times longer;
# past this it is refused, as a JSON error, before Django reads it.
MAX_BODY = 2_500_000


class BadInput(Exception):
    """What is wrong with a request, field by field where one is to blame, and the status
    to answer it with (400 unless the request conflicts with the post's state, 409)."""

    def __init__(self, message, fields=None, status=400):
        super().__init__(message)
        self.fields = fields or {}
        self.status = status


def api_error(status, error, description, **extra):
    body = {"error": error, "error_description": description, **extra}
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="bearcms"'
    return response


def allowed_methods(*methods):
    """Like Django's ``require_http_methods``, but another method gets a JSON 405 that
    names the allowed ones, as every other error here is JSON."""

    def decorator(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            if request.method not in methods:
                response = api_error(405, "method_not_allowed", f"Use {', '.join(methods)} here.")
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return checked

    return decorator


def bad_input(error):
    extra = {"fields": error.fields} if error.fields else {}
    return api_error(error.status, "invalid_request", str(error), **extra)


def json_object(request):
    """The request's JSON object, or ``BadInput``."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
        raise BadInput(
            f"The request is over {MAX_BODY / 1_000_000:g} MB. Send the JSON as UTF-8 "
            "(not \\u escapes), or a shorter post."
        )
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise BadInput(f"The body is not JSON: {error}.") from None
    if not isinstance(data, dict):
        raise BadInput("The body must be a JSON object.")
    return data


def blog_url(blog, path):
    """``path`` (or an address already absolute, as on S3) made absolute on the blog's own
    address, never on the request's spelling of its host: what is stored in a post or
    handed to a client names the blog as its pages do."""
    return urljoin(blog.get_site().root_url + "/", path)
