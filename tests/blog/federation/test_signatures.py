"""HTTP Signatures against bovine's, an ActivityPub library written by others and run in a
process of its own (tests/peers/): bovine's checker accepts what we sign, ours accepts what
bovine signs, and ours refuses unsigned, stale, tampered and wrongly signed requests,
saying why."""

import json
from datetime import UTC, datetime, timedelta

import pytest

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
