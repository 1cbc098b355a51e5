"""bovine, an ActivityPub library written by others, as a peer of the federation tests.

Runs in its own virtualenv (.venv-peers): ``python bovine_peer.py sign|verify`` reads a
JSON request on standard input and writes its JSON answer. ``sign`` makes the headers of
a request as bovine's ``signed_post`` and ``signed_get`` do; ``verify`` checks a
request's signature with bovine's ``SignatureChecker`` and answers the key's owner, or
null when bovine refuses it.
"""

import asyncio
import json
import sys
from urllib.parse import urlsplit

from bovine.crypto import build_validate_http_signature_raw
from bovine.crypto.helper import content_digest_sha256, content_digest_sha256_rfc_9530
from bovine.crypto.http_signature import build_signature
from bovine.crypto.types import CryptographicIdentifier, CryptographicSecret
from bovine.utils import get_gmt_now


def sign(request):
    parts = urlsplit(request["url"])
    method = request["method"].lower()
    helper = build_signature(parts.netloc, method, parts.path).with_field("date", get_gmt_now())
    if method == "post":
        body = request["body"].encode()
        if request.get("digest") == "content-digest":
            helper.with_field(*content_digest_sha256_rfc_9530(body))
        else:
            helper.with_field("digest", content_digest_sha256(body, prefix="SHA-256"))
        helper.with_field("content-type", "application/activity+json")
    else:
        helper.with_field("accept", "application/activity+json")
    secret = CryptographicSecret.from_pem(request["key_id"], request["private_pem"])
    return {**helper.headers, "signature": helper.sign_for_http_draft(secret)}


def verify(request):
    async def key(key_id):
        return CryptographicIdentifier.from_pem(request["public_pem"], request["owner"])

    async def body():
        return request["body"].encode()

    check = build_validate_http_signature_raw(key)
    headers = {name.lower(): value for name, value in request["headers"].items()}
    return asyncio.run(check(request["method"], request["url"], headers, body))


if __name__ == "__main__":
    command = {"sign": sign, "verify": verify}[sys.argv[1]]
    json.dump(command(json.load(sys.stdin)), sys.stdout)
