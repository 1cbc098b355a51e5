"""The reader's address behind proxies: X-Forwarded-For is believed only from trusted ones;
and what counts as one reader: an IPv4 address, or an IPv6 /64."""

import pytest
from django.test import RequestFactory

from blog.core.reader_requests import client_ip, reader_network, seconds_until_allowed


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_the_peer_is_the_reader(proxies):
    proxies()
    assert client_ip(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_address_it_saw_is_the_reader(proxies):
    proxies("127.0.0.1")
    assert client_ip(request_from("127.0.0.1", "203.0.113.1")) == "203.0.113.1"


def test_addresses_the_client_made_up_are_not_believed(proxies):
    proxies("127.0.0.1")
    forged = "1.2.3.4, 203.0.113.1"  # the reader sent "1.2.3.4"; Caddy appended the rest
    assert client_ip(request_from("127.0.0.1", forged)) == "203.0.113.1"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(proxies):
    proxies("127.0.0.1", "10.0.0.0/8")
    chain = "203.0.113.1, 10.1.2.3, 10.4.5.6"
    assert client_ip(request_from("127.0.0.1", chain)) == "203.0.113.1"


def test_an_untrusted_peer_cannot_claim_another_address(proxies):
    proxies("127.0.0.1")
    assert client_ip(request_from("198.51.100.7", "127.0.0.1")) == "198.51.100.7"


def test_a_trusted_proxy_without_the_header_is_the_reader(proxies):
    proxies("::1", "127.0.0.1")
    assert client_ip(request_from("::1")) == "::1"
    assert client_ip(request_from("127.0.0.1", " , ")) == "127.0.0.1"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:a5e7:99ff:fe01:42"),  # privacy extensions
        ("2001:DB8:1:2::1", "2001:db8:1:2:0:0:0:1"),  # spellings
        ("203.0.113.7", "::ffff:203.0.113.7"),  # IPv4 through a dual-stack socket
        ("203.0.113.7", "2002:cb00:7107:99::1"),  # 6to4: the /48 of 203.0.113.7
        ("192.0.2.45", "2001:0:4136:e378:8000:63bf:3fff:fdd2"),  # Teredo, behind 192.0.2.45
    ],
)
def test_addresses_one_machine_holds_are_one_reader(proxies, one, other):
    proxies()
    assert reader_network(request_from(one)) == reader_network(request_from(other))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("203.0.113.7", "203.0.113.8"),
        ("2001:db8:1:2::1", "2001:db8:1:3::1"),
        ("::ffff:203.0.113.7", "::ffff:203.0.113.8"),  # not all in ::/64
    ],
)
def test_other_ipv4_addresses_and_ipv6_64s_are_other_readers(proxies, one, other):
    proxies()
    assert reader_network(request_from(one)) != reader_network(request_from(other))


def test_a_proxy_that_adds_ports_cannot_make_readers_of_them(proxies):
    proxies("127.0.0.1")
    ports = {reader_network(request_from("127.0.0.1", f"203.0.113.1:{port}")) for port in (1, 2)}
    assert len(ports) == 1


def test_with_the_shared_cache_down_readers_are_not_refused(settings):
    # Redis as production configures it, on a port nothing listens on.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }
    request = RequestFactory().post("/upvote/1/", REMOTE_ADDR="203.0.113.7")
    assert [seconds_until_allowed(request, "upvote", 1, 60) for _ in range(3)] == [0, 0, 0]
