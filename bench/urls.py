"""The platform's URLs plus ``/constant/``: the ceiling of the stack for bench/throughput.py.

The constant view goes through the same middleware as every page (host routing, cache
headers) and does nothing else, so its throughput is what gunicorn and Django can do on
this machine at best.
"""

from django.http import HttpResponse
from django.urls import path

from bearcms.urls import urlpatterns as platform_urlpatterns


def constant(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("constant/", constant), *platform_urlpatterns]
