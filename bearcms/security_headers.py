"""Content-Security-Policy and Permissions-Policy, which Django 5.2 does not set itself.

Two policies, chosen by path:

* **Everything readers and visitors see** (blog pages, feeds, the platform's landing,
  sign-up and discovery pages, error pages): no script at all. Pages are JavaScript-free
  by design, so a script that slipped past the Markdown sanitiser would still not run.
  Styles may be inline (the blog's theme and custom CSS sit in a ``<style>`` element),
  images may come from anywhere (a post may show an image from another site: the reader's
  browser fetches it, never the server), frames only from the embed hosts the sanitiser
  allows, forms post only back to the page's own host.
* **The dashboard** (the Wagtail admin): scripts and everything else from the platform's
  own origin only. Wagtail 8 still writes small inline ``<script>`` elements (date
  widgets, inline panels), so inline scripts are allowed there; no other host can serve a
  script, receive a ``fetch``, or be a form's target. Bloggers' text reaches the
  dashboard escaped or sanitised as it reaches readers (tests/test_xss_corpus.py).

A response that already carries a policy keeps it.
"""

from django.conf import settings
from django.http.request import split_domain_port

from blog.markdown import EMBED_HOSTS

DASHBOARD_PREFIX = "/dashboard/"

EMBEDS = " ".join(f"https://{host}" for host in sorted(EMBED_HOSTS))

READER_POLICY = "; ".join(
    [
        "default-src 'none'",
        "img-src * data:",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self'",
        f"frame-src {EMBEDS}",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
    ]
)

DASHBOARD_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        # Post previews show the images a post links to, and uploads preview as blobs.
        "img-src * data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        f"frame-src 'self' {EMBEDS}",
        "object-src 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "frame-ancestors 'self'",
    ]
)

# Browser features no page of ours uses; embeds ask for their own inside their frames.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera", "microphone", "geolocation", "payment", "usb", "serial",
        "hid", "midi", "display-capture", "browsing-topics",
    )
)  # fmt: skip


class SecurityHeadersMiddleware:
    """Add the policies above to every response, cached or not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        host, _port = split_domain_port(request._get_raw_host())
        dashboard = host == settings.BLOG_DOMAIN and request.path_info.startswith(DASHBOARD_PREFIX)
        response.headers.setdefault(
            "Content-Security-Policy", DASHBOARD_POLICY if dashboard else READER_POLICY
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
