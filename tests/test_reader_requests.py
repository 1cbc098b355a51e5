"""The reader's address behind proxies: X-Forwarded-For is believed only from trusted ones."""

from django.test import RequestFactory

from blog.reader_requests import client_ip


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
