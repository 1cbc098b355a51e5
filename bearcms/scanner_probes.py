"""Vulnerability scanners' probes (``/wp-login.php``, ``/.env``, ``/.git/config``) get a
cheap 404 before any middleware that touches the database or the cache.

Every public host is probed around the clock, and each probe that reached the host
router, the page cache or sessions would cost lookups for a page that cannot exist.
Caddy refuses ``*.php`` and ``*.env*`` itself (``caddy/proxy-to-app.caddy``), but on
Heroku nothing stands in front of the app, so the app refuses them too. The 404 may be
cached by the CDN for a day: scanners repeat themselves.

None of these paths can be a page: post slugs have no dots, and the bare names below
are reserved post slugs (``blog.models.RESERVED_POST_SLUGS``), so a post about PHP
(``/php-tips/``) or an ``/environment/`` page still works.
"""

import re

from django.http import HttpResponseNotFound

from blog.core.names import PROBED_NAMES

# Server-side scripts and secrets: any path segment with one of these extensions,
# also in the middle (``config.php.bak``, ``.env.production``).
PROBED_EXTENSIONS = r"php\d?|phtml|aspx?|jsp|cgi|env"
PROBE = re.compile(
    rf"""
    (?:^|/)(?:{"|".join(map(re.escape, sorted(PROBED_NAMES)))})(?:/|$)   # a probed name
    | \.(?:{PROBED_EXTENSIONS})(?:[./]|$)                                 # a probed extension
    | (?:^|/)\.(?!well-known(?:/|$))                                     # a dotfile (.git, .aws)
    """,
    re.IGNORECASE | re.VERBOSE,
)
PROBE_CACHE_SECONDS = 86400


def is_probe(path):
    """Is ``path`` (the request's path, without the query string) a scanner's probe?

    ``/.well-known/`` stays open: certificate challenges and ``security.txt`` live there.
    """
    return PROBE.search(path) is not None


class ScannerProbeMiddleware:
    """Answer probes with a tiny 404 before the rest of the middleware runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_probe(request.path_info):
            return self.get_response(request)
        response = HttpResponseNotFound(b"Not found", content_type="text/plain")
        response["Cache-Control"] = f"public, max-age={PROBE_CACHE_SECONDS}"
        return response
