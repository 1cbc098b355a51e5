"""Which requests ask for a blog's actor, and which addresses a server-side fetch may
reach (blog.core.fediverse)."""

import pytest

from blog.core.fediverse import asks_for_activity_json, is_public_address


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        ("application/activity+json, application/ld+json", True),  # Mastodon
        ('application/ld+json; profile="https://www.w3.org/ns/activitystreams"', True),
        ("Application/Activity+JSON", True),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),  # a browser
        ("text/html, application/activity+json", False),
        ("*/*", False),
        ("", False),
        (None, False),
    ],
)
def test_only_clients_naming_activitystreams_first_get_json(accept, wanted):
    assert asks_for_activity_json(accept) is wanted


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # the cloud's metadata service
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 - an address to refuse, not one to bind
        ("::ffff:127.0.0.1", False),  # loopback written as IPv6
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("224.0.0.1", False),
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("::127.0.0.1", False),  # IPv4-compatible
    ],
)
def test_a_fetch_reaches_only_the_public_internet(address, public):
    assert is_public_address(address) is public
