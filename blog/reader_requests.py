"""What the reader endpoints that write (upvote, subscribe, hit) share.

Blog hosts set no cookies, so neither a session nor Django's CSRF token can identify a
reader or protect a form. Instead:

* ``client_ip``: the reader's address (behind trusted proxies, from X-Forwarded-For),
  used only inside keyed hashes, never stored;
* ``same_origin``: a POST must come from a page of this very blog (Origin, or Referer
  from browsers that send no Origin);
* ``seconds_until_allowed``: a fixed-window counter per (hashed) IP and endpoint in the
  shared cache, so one address cannot flood an endpoint from many processes at once.
"""

import functools
import ipaddress
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.crypto import salted_hmac


@functools.cache
def trusted_proxies():
    return [ipaddress.ip_network(value, strict=False) for value in settings.TRUSTED_PROXIES]


def is_trusted_proxy(address):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted_proxies())


def client_ip(request):
    """The reader's IP address.

    ``REMOTE_ADDR``, unless that is one of ``TRUSTED_PROXIES`` (Caddy, a load balancer,
    the CDN): then the right-most ``X-Forwarded-For`` address that is not a trusted
    proxy, the one the outermost trusted proxy saw. Addresses further left are whatever
    the client claimed and are never believed.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        if not is_trusted_proxy(hop):
            return hop
    return hops[0] if hops else remote


def same_origin(request):
    """Did this POST come from a page of this very blog (scheme, host and port)?

    Browsers send ``Origin`` on every cross-site form POST; older ones and some privacy
    settings send only ``Referer``. With neither, the request is refused: these forms
    need a browser, not a script pretending to be one.
    """
    expected = f"{request.scheme}://{request.get_host()}".lower()
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        referer = urlsplit(request.META.get("HTTP_REFERER", ""))
        if not referer.scheme or not referer.netloc:
            return False
        origin = f"{referer.scheme}://{referer.netloc}"
    return origin.lower() == expected


def seconds_until_allowed(request, scope, limit, window):
    """Count this request in its IP's fixed window for ``scope``; 0 when allowed, else
    the seconds to wait.

    ``cache.incr`` is atomic in Redis and LocMem, so parallel requests from web processes
    share one count; only the first request of a window pays a second round trip, for
    ``cache.add``, which starts the window unless a parallel request just did.
    """
    now = int(time.time())
    current = now // window
    ip_hash = salted_hmac("bearcms.reader.rate", client_ip(request)).hexdigest()
    key = f"rate:{scope}:{ip_hash}:{current}"
    try:
        count = cache.incr(key)
    except ValueError:  # no window yet
        count = 1 if cache.add(key, 1, timeout=window + 5) else cache.incr(key)
    if count <= limit:
        return 0
    return (current + 1) * window - now


def too_many_requests(message, wait):
    """A 429 that tells the reader (and their browser) when to try again."""
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response
