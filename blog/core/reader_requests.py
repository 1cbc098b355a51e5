"""What the reader endpoints that write (upvote, subscribe, hit) share.

Blog hosts set no cookies, so neither a session nor Django's CSRF token can identify a
reader or protect a form. Instead:

* ``client_ip``: the reader's address (behind trusted proxies, from X-Forwarded-For);
* ``reader_network``: what counts as one reader, that address, or its /64 for IPv6, used
  only inside keyed hashes, never stored. Every header a reader sends (User-Agent,
  Origin, X-Forwarded-For from an untrusted peer) is the client's to choose, so none of
  them may tell two readers apart: one address would then vote and read as many;
* ``same_origin``: a POST must come from a page of this very blog (Origin, or Referer
  from browsers that send no Origin). It stops other sites' pages from making their
  visitors' browsers post (CSRF), not scripts, which send whatever Origin they like;
* ``seconds_until_allowed``: a fixed-window counter per reader network and endpoint in
  the shared cache, so one address cannot flood an endpoint from many processes at once.
"""

import functools
import ipaddress
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.crypto import salted_hmac

# The prefix length, by IP version, of the network that counts as one reader.
READER_PREFIX = {4: 32, 6: 64}


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


def reader_network(request):
    """The network that counts as one reader: the client's IPv4 address (``a.b.c.d/32``),
    or the /64 of its IPv6 address.

    An IPv6 home or machine is given a whole /64 and picks any address in it at will
    (privacy extensions change it every day), so each of those addresses is not another
    reader. IPv4 carried in IPv6 (``::ffff:a.b.c.d``, 6to4, Teredo) is that IPv4
    address: else every IPv4 reader seen through a dual-stack socket would share ``::/64``,
    and one IPv4 address would own the 2^16 /64s of its 6to4 prefix. Whatever is no
    address (no REMOTE_ADDR, a proxy that writes ``ip:port``) is one reader, "unknown",
    all together: a part the client can vary, such as its port, must never make readers.
    """
    try:
        ip = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return "unknown"
    if ip.version == 6:
        ip = ip.ipv4_mapped or ip.sixtofour or (ip.teredo and ip.teredo[1]) or ip
    return str(ipaddress.ip_network((ip, READER_PREFIX[ip.version]), strict=False))


def same_origin(request):
    """Did this POST come from a page of this very blog (scheme, host and port)?

    Browsers send ``Origin`` on every cross-site form POST; older ones and some privacy
    settings send only ``Referer``. With neither, the request is refused. A script can
    send any Origin it likes: what holds it back is that its address is one reader
    (``reader_network``) with one rate limit.
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
    """Count this request in its reader network's fixed window for ``scope``; 0 when
    allowed, else the seconds to wait. Per network, not per address: an IPv6 host would
    otherwise get a fresh window from each of its 2^64 addresses.

    ``cache.incr`` is atomic in Redis and LocMem, so parallel requests from web processes
    share one count; only the first request of a window pays a second round trip, for
    ``cache.add``, which starts the window unless a parallel request just did.

    django-ratelimit (4.1) does not do this job: its system check is an error
    (``django_ratelimit.E003``) for the LocMem cache of the tests and the file cache of a
    box without Redis. Its ``get_usage`` also pays ``cache.add`` on every request, and can
    report a wait of 0 seconds for a limited request at the end of its window.
    """
    now = int(time.time())
    current = now // window
    network = salted_hmac("bearcms.reader.rate", reader_network(request)).hexdigest()
    key = f"rate:{scope}:{network}:{current}"
    try:
        count = cache.incr(key)
    except ValueError:  # no window yet
        count = 1 if cache.add(key, 1, timeout=window + 5) else cache.incr(key)
    # None: the shared cache is down (Redis is configured to ignore errors). Readers are
    # not refused for that; the limit is back with the cache.
    if count is None or count <= limit:
        return 0
    return (current + 1) * window - now


def too_many_requests(message, wait):
    """A 429 that tells the reader (and their browser) when to try again."""
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response
