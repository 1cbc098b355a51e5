"""Small platform views that are not Wagtail pages."""

from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import cache_control, never_cache

from blog.reader.favicon import bear_favicon_ico


@never_cache
def healthz(request):
    """200 when the app can reach its database; 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@cache_control(public=True, max_age=86400)
def favicon_ico(request):
    """``/favicon.ico`` of the platform: the bear, drawn by the code that draws it for a
    blog without an icon of its own, so there is one bear to change."""
    return HttpResponse(bear_favicon_ico(), content_type="image/x-icon")
