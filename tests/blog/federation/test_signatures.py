"""HTTP Signatures against bovine's, an ActivityPub library written by others and run in a
process of its own (tests/peers/): bovine's checker accepts what we sign, ours accepts what
bovine signs, and ours refuses unsigned, stale, tampered and wrongly signed requests,
saying why."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from blog.federation.signatures import (
    SignatureRefused,
    body_digest,
    new_key_pair,
    signed_headers,
    signing_key_id,
    verify,
)
from tests.support.peers import bovine

OURS = "https://ours.example/ap/actor"
THEIRS = "https://theirs.example/users/bob"
INBOX = "https://theirs.example/users/bob/inbox"
INBOX_PATH = "/users/bob/inbox"
ACTIVITY = json.dumps({"type": "Follow", "actor": THEIRS, "object": OURS})


@pytest.fixture(scope="module")
def keys():
    return {"ours": new_key_pair(), "theirs": new_key_pair()}


def bovine_accepts(method, url, headers, body, public_pem):
    owner = bovine("verify", method=method, url=url, headers=headers, body=body,
                   public_pem=public_pem, owner=OURS)  # fmt: skip
    return owner == OURS


def test_bovine_accepts_our_signed_post_and_get_and_refuses_another_key(keys):
    private, public = keys["ours"]
    key_id = f"{OURS}#main-key"
    body = ACTIVITY.encode()
    post = signed_headers("POST", INBOX, private, key_id, body=body,
                          content_type="application/activity+json")  # fmt: skip
    assert signing_key_id({name.lower(): value for name, value in post.items()}) == key_id
    get = signed_headers("GET", THEIRS, private, key_id)
    assert bovine_accepts("post", INBOX, post, ACTIVITY, public)
    assert bovine_accepts("get", THEIRS, get, "", public)
    assert not bovine_accepts("post", INBOX, post, ACTIVITY, keys["theirs"][1])


def bovines_post(keys, digest="digest"):
    private, _ = keys["theirs"]
    return bovine("sign", method="post", url=INBOX, body=ACTIVITY, digest=digest,
                  private_pem=private, key_id=f"{THEIRS}#main-key")  # fmt: skip


@pytest.mark.parametrize("digest", ["digest", "content-digest"])
def test_we_accept_bovines_signed_post(keys, digest):
    verify("POST", INBOX_PATH, bovines_post(keys, digest), ACTIVITY.encode(), keys["theirs"][1])


def test_we_accept_bovines_signed_get(keys):
    private, public = keys["theirs"]
    headers = bovine("sign", method="get", url=INBOX, private_pem=private, key_id="k")
    verify("GET", INBOX_PATH, headers, b"", public)


def stale(headers):
    an_hour_too_old = datetime.now(UTC) - timedelta(hours=2)
    headers["date"] = an_hour_too_old.strftime("%a, %d %b %Y %H:%M:%S GMT")


def unsigned(headers):
    del headers["signature"]


def garbled(headers):
    headers["signature"] = "keyId=nothing quoted"


def digest_left_unsigned(headers):
    headers["signature"] = headers["signature"].replace(" digest", "")


def body_and_digest_swapped(headers):
    headers["digest"] = body_digest(ACTIVITY.replace("Follow", "Delete").encode())


@pytest.mark.parametrize(
    "change, target, body, key, reason",
    [
        (unsigned, INBOX_PATH, ACTIVITY, "theirs", "not signed"),
        (stale, INBOX_PATH, ACTIVITY, "theirs", "Date is too far from now"),
        (None, INBOX_PATH, ACTIVITY, "ours", "does not match the sender's key"),
        (None, INBOX_PATH, ACTIVITY.replace("Follow", "Delete"), "theirs", "digest does not"),
        (body_and_digest_swapped, INBOX_PATH, ACTIVITY.replace("Follow", "Delete"), "theirs",
         "does not match the sender's key"),
        (None, "/users/alice/inbox", ACTIVITY, "theirs", "does not match the sender's key"),
        (garbled, INBOX_PATH, ACTIVITY, "theirs", "cannot be read"),
        (digest_left_unsigned, INBOX_PATH, ACTIVITY, "theirs", "must be signed: digest"),
    ],
)  # fmt: skip
def test_we_refuse_what_was_not_signed_as_received(keys, change, target, body, key, reason):
    headers = bovines_post(keys)
    if change:
        change(headers)
    with pytest.raises(SignatureRefused, match=reason):
        verify("POST", target, headers, body.encode(), keys[key][1])


def test_only_a_signed_digest_counts_and_it_counts_for_an_empty_body_too(keys):
    """An unsigned Digest matching a swapped body proves nothing when Content-Digest was
    the one signed; a signed digest is checked even against an emptied body."""
    public = keys["theirs"][1]
    headers = bovines_post(keys, digest="content-digest")
    swapped = ACTIVITY.replace("Follow", "Delete").encode()
    headers["digest"] = body_digest(swapped)
    with pytest.raises(SignatureRefused, match="digest does not match"):
        verify("POST", INBOX_PATH, headers, swapped, public)
    with pytest.raises(SignatureRefused, match="digest does not match"):
        verify("POST", INBOX_PATH, bovines_post(keys), b"", public)


def test_a_post_must_sign_a_digest_even_without_a_body(keys):
    private, public = keys["theirs"]
    headers = signed_headers("POST", INBOX, private, "k")  # no body, so no Digest
    lowered = {name.lower(): value for name, value in headers.items()}
    with pytest.raises(SignatureRefused, match="must be signed: digest"):
        verify("POST", INBOX_PATH, lowered, b"", public)


def test_a_header_naming_a_parameter_twice_a_weak_key_or_an_unknown_zone_is_refused(keys):
    headers = bovines_post(keys)
    twice = dict(headers, signature=headers["signature"] + ',keyId="https://evil.example/k"')
    with pytest.raises(SignatureRefused, match="keyId twice"):
        verify("POST", INBOX_PATH, twice, ACTIVITY.encode(), keys["theirs"][1])
    unknown_zone = dict(headers, date=headers["date"].replace("GMT", "-0000"))
    with pytest.raises(SignatureRefused, match="no readable Date"):
        verify("POST", INBOX_PATH, unknown_zone, ACTIVITY.encode(), keys["theirs"][1])
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - the point
    weak_private = weak.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip
    weak_public = (
        weak.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    body = ACTIVITY.encode()
    signed = signed_headers("POST", INBOX, weak_private, "k", body=body)
    lowered = {name.lower(): value for name, value in signed.items()}
    with pytest.raises(SignatureRefused, match="not RSA of 2048 bits"):
        verify("POST", INBOX_PATH, lowered, body, weak_public)
