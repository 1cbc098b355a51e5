"""Content-Security-Policy (from django-csp) and Permissions-Policy (hand-written).

Django 5.2 sets neither header itself.

**Content-Security-Policy** is django-csp's middleware and settings, both policies in
bearcms/settings.py:

* ``CONTENT_SECURITY_POLICY`` (django-csp's own setting), the reader policy: everything
  readers and visitors see (blog pages, feeds, the platform's landing, sign-up and
  discovery pages, error pages) runs no script at all. Pages are JavaScript-free by
  design, so a script that slipped past the Markdown sanitiser would still not run.
* ``DASHBOARD_CONTENT_SECURITY_POLICY``, the same format, for the dashboard (the Wagtail
  admin, ``/dashboard/`` on the platform host): everything from the platform's own origin
  only, inline scripts included (Wagtail 8 still writes some).
* The two-factor pages (``/accounts/2fa/`` on the platform host) run the reader policy
  with the platform's own script files allowed (``TWO_FACTOR_SCRIPTS``): a security key
  is only reachable from JavaScript (WebAuthn), and allauth's scripts are static files.
  Inline scripts stay refused; allauth's inline elements there are JSON data, which a
  browser never runs.

``ContentSecurityPolicyMiddleware`` extends django-csp's middleware where its
documentation says to (``get_policy_parts``), only to choose the dashboard policy, or the
two-factor pages' additions, by host and path. Everything else is django-csp's: a view's
``csp``, ``csp_update`` or ``csp_replace`` decorator still wins, and a response that
already carries a policy keeps it. That is how a post's preview in the dashboard stays a
reader page without scripts: Wagtail renders it through the middleware as a request to
the blog's host, and the dashboard request's response keeps the policy that inner
request set. In DEBUG only,
django-csp leaves Django's technical 404 and 500 pages without a policy (their scripts
must run).

**Permissions-Policy** stays hand-written: django-csp writes only Content-Security-Policy
(and its report-only twin), and Django has no setting for this header.
"""

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from csp.utils import build_policy, default_config
from django.conf import settings

from blog.wagtail_overrides.requests import request_host

DASHBOARD_PREFIX = "/dashboard/"
TWO_FACTOR_PREFIX = "/accounts/2fa/"
TWO_FACTOR_SCRIPTS = {"script-src": [SELF], "connect-src": [SELF]}


def dashboard_directives():
    """The dashboard's directives, completed as django-csp completes its own setting."""
    return default_config(settings.DASHBOARD_CONTENT_SECURITY_POLICY["DIRECTIVES"])


# The two headers exactly as django-csp writes them in this process (it joins the
# directives in a set's order, which varies from one process to the next).
READER_POLICY = build_policy()
DASHBOARD_POLICY = build_policy(config=dashboard_directives())

# Browser features no page of ours uses; embeds ask for their own inside their frames.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera", "microphone", "geolocation", "payment", "usb", "serial",
        "hid", "midi", "display-capture", "browsing-topics",
    )
)  # fmt: skip


def is_platform_path(request, prefix):
    return request_host(request) == settings.BLOG_DOMAIN and request.path_info.startswith(prefix)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the dashboard policy on the dashboard and scripts
    from the platform's own files on the two-factor pages."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None:
            return parts
        if is_platform_path(request, DASHBOARD_PREFIX):
            parts.config = dashboard_directives()
        elif parts.update is None and is_platform_path(request, TWO_FACTOR_PREFIX):
            parts.update = TWO_FACTOR_SCRIPTS
        return parts


class PermissionsPolicyMiddleware:
    """Add the Permissions-Policy above to every response, cached or not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
