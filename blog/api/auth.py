"""Who is calling the API: a personal access token (``blog.models.AccessToken``), sent as
``Authorization: Bearer <token>`` (or, as Micropub allows, an ``access_token`` form
field), for the blog whose host the request came to.

Every refusal made here is a JSON error (``blog.api.answers``). A token is good only on
its own blog's hosts: blog A's token at blog B's address is refused before anything of B
is read. It stops working when its blog is blocked, or its owner no longer owns the blog
or can no longer sign in.

The API takes no cookies: blog hosts never get the platform's, so there is no session
to ride and no CSRF to guard (the views are ``csrf_exempt``).
"""

import functools
from datetime import timedelta

from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from blog.api.answers import api_error
from blog.core.reader_requests import seconds_until_allowed
from blog.models import AccessToken

# Per reader network (blog.core.reader_requests): a script that loops by mistake, or one
# guessing tokens, is slowed down; a person writing is never near these.
READ_LIMIT, WRITE_LIMIT, WINDOW = 300, 60, 60
LAST_USED_EVERY = timedelta(minutes=1)  # how often the dashboard's "last used" is written


def bearer_token(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return request.POST.get("access_token", "")
    return ""


def refusal(request, token, write):
    """Why ``token`` may not make this request (a JSON error), or None."""
    if token is None:
        return api_error(
            401,
            "unauthorized",
            "Send a personal access token: Authorization: Bearer <token>. "
            "Make one in the dashboard, under Apps and tokens.",
        )
    blog = getattr(request, "blog", None)
    if blog is None or token.blog_id != blog.pk:
        return api_error(403, "forbidden", "This token belongs to another blog.")
    user = token.user
    if not user.is_active or token.blog.owner_id != user.pk:
        return api_error(403, "forbidden", "This token's account no longer owns the blog.")
    if token.blog.blocked:
        return api_error(403, "forbidden", "This blog is blocked; nothing can be posted to it.")
    if write and not token.can_write:
        # 401, as Micropub has it: the request needs other credentials.
        return api_error(
            401, "insufficient_scope", "This token may only read. Make one that may write."
        )
    return None


def token_required(view):
    """Run ``view(request, token, ...)`` for a token good for this blog and this request
    (writes need a write token), within the rate limits; never cached, no CSRF."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        write = request.method not in ("GET", "HEAD")
        wait = seconds_until_allowed(
            request,
            "api-write" if write else "api-read",
            WRITE_LIMIT if write else READ_LIMIT,
            WINDOW,
        )
        if wait:
            response = api_error(
                429, "too_many_requests", f"Too many requests. Try again in {wait} seconds."
            )
            response["Retry-After"] = str(wait)
            return response
        token = AccessToken.find(bearer_token(request))
        if (refused := refusal(request, token, write)) is not None:
            return refused
        request.user = token.user  # uploads are the token owner's, as in the editor
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return view(request, token, *args, **kwargs)

    return csrf_exempt(never_cache(guarded))
