"""What ActivityPub asks of a blog host, as pure rules: which requests want JSON-LD
instead of a page, and which addresses a fetch may never go to.

A blog's own address is its ActivityPub actor: Mastodon asks for it with an ``Accept``
of ``application/activity+json`` (or JSON-LD with the ActivityStreams profile) while a
browser asks for HTML. The reader page cache keys pages by host and path alone, so it
must let these requests through (``blog.caching.page_cache``), and the answer varies on
``Accept``.
"""

import ipaddress

ACTIVITY_JSON = "application/activity+json"
LD_JSON = "application/ld+json"
ACTIVITY_TYPES = (ACTIVITY_JSON, LD_JSON)


def asks_for_activity_json(accept):
    """Does an ``Accept`` header ask for ActivityStreams JSON rather than HTML?

    Mastodon sends ``application/activity+json, application/ld+json``; browsers send
    ``text/html`` first and never name either of these. A client listing both HTML and
    ActivityStreams gets HTML unless ActivityStreams comes first.
    """
    for part in (accept or "").split(","):
        media_type = part.split(";")[0].strip().lower()
        if media_type in ACTIVITY_TYPES:
            return True
        if media_type in ("text/html", "application/xhtml+xml"):
            return False
    return False


# IPv6 ranges that carry an IPv4 address, which could be a private one: no fediverse
# server is reachable only through them.
IPV4_INSIDE_IPV6 = [
    ipaddress.ip_network(network)
    for network in ("64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "2001::/32", "::/96")
]


def is_public_address(address):
    """May a server-side fetch go to ``address`` (an IP address as text)? Not to this
    machine, the private network, link-local (cloud metadata) or reserved ranges: a
    remote actor's URL is chosen by whoever sends us a request."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in IPV4_INSIDE_IPV6):
            return False  # an IPv4 address in disguise (NAT64, 6to4, Teredo, compatible)
        ip = ip.ipv4_mapped or ip
    return ip.is_global and not ip.is_multicast
