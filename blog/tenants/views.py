"""Caddy's on-demand TLS permission check, ``/caddy/ask/`` (``blog.tenants.custom_domains``)."""

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from blog.core.names import MAX_DOMAIN_LENGTH
from blog.tenants.custom_domains import may_have_certificate


@require_GET
@never_cache
def caddy_ask(request):
    """Caddy's on-demand TLS permission check: 200 yes, 404 no, 400 without a domain."""
    domain = request.GET.get("domain", "").strip().lower().rstrip(".")
    if not domain:
        return HttpResponseBadRequest("Missing ?domain=\n", content_type="text/plain")
    if len(domain) <= MAX_DOMAIN_LENGTH and may_have_certificate(domain):
        return HttpResponse("OK\n", content_type="text/plain")
    return HttpResponseNotFound("No blog has this domain.\n", content_type="text/plain")
