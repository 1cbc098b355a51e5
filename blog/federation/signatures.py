"""HTTP Signatures, as fediverse servers sign the requests they send each other.

Mastodon and the servers that talk to it sign with draft-cavage-http-signatures: an RSA
key (rsa-sha256), the signed headers named in the ``Signature`` header, and for a POST a
SHA-256 digest of the body in ``Digest`` (or RFC 9530's ``Content-Digest``) that is
signed with the rest. Signing and verifying are the cryptography package's; this module
builds the signed text from the request and checks what the signature alone does not:
that the request target, host, date and (for a POST) a digest are among what was signed,
that the date is within ``MAX_SKEW`` of our clock (a captured request cannot be replayed
later), that every signed digest is the body's, and that the key is RSA of at least
``KEY_BITS``.
"""

import base64
import binascii
import hashlib
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

MAX_SKEW = timedelta(hours=1)  # Mastodon's margin for clocks that disagree
KEY_BITS = 2048  # what Mastodon makes and expects
MUST_SIGN = {"(request-target)", "host", "date"}
DIGESTS = ("digest", "content-digest")
PARAMETER = re.compile(r'\s*([a-zA-Z]+)="([^"]*)"\s*(?:,|$)')


class SignatureRefused(Exception):
    """A request whose signature does not prove who sent it; the message says why."""


def new_key_pair():
    """A new RSA key pair, as PEM text: (private, public)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private.decode(), public.decode()


def body_digest(body):
    """The ``Digest`` header's value for ``body`` (bytes)."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def signed_headers(method, url, private_pem, key_id, body=None, content_type=None, now=None):
    """The headers that sign a ``method`` request to ``url``: Host, Date, and for a body
    its Digest and Content-Type, with the Signature over them by ``key_id``."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "Host": parts.netloc,
        "Date": format_datetime(now or datetime.now(UTC), usegmt=True),
    }
    names = ["(request-target)", "host", "date"]
    if body is not None:
        headers["Digest"] = body_digest(body)
        names.append("digest")
        if content_type:
            headers["Content-Type"] = content_type
            names.append("content-type")
    lowered = {name.lower(): value for name, value in headers.items()}
    text = signed_text(names, method, target, lowered)
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    signature = key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return headers


def signed_text(names, method, target, headers):
    """The text a signature covers: each named header, in order, as ``name: value``;
    ``(request-target)`` is the method in lower case and the path with its query."""
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        elif name in headers:
            lines.append(f"{name}: {headers[name]}")
        else:
            raise SignatureRefused(f"The signed header {name!r} is not in the request.")
    return "\n".join(lines)


def parsed_signature(value):
    """The parameters of a ``Signature`` header (keyId, headers, signature, ...)."""
    found = {}
    position = 0
    while position < len(value):
        match = PARAMETER.match(value, position)
        if not match:
            raise SignatureRefused("The Signature header cannot be read.")
        if match[1] in found:
            raise SignatureRefused(f"The Signature header names {match[1]} twice.")
        found[match[1]] = match[2]
        position = match.end()
    if not {"keyId", "signature"} <= found.keys():
        raise SignatureRefused("The Signature header names no key or holds no signature.")
    return found


def signing_key_id(headers):
    """The key id a request says it is signed with (``headers``: lower-case names)."""
    if "signature" not in headers:
        raise SignatureRefused("The request is not signed.")
    return parsed_signature(headers["signature"])["keyId"]


def verify(method, target, headers, body, public_pem, now=None):
    """Check that the request was signed with the key ``public_pem``. ``target`` is its
    path and query as sent (``REQUEST_URI``, not a re-encoded path), ``headers`` its
    headers with lower-case names and their values as sent, ``body`` its bytes. Raises
    ``SignatureRefused`` saying what is wrong."""
    if "signature" not in headers:
        raise SignatureRefused("The request is not signed.")
    signature = parsed_signature(headers["signature"])
    if signature.get("algorithm", "rsa-sha256").lower() not in ("rsa-sha256", "hs2019"):
        raise SignatureRefused(f"Unknown signature algorithm {signature['algorithm']!r}.")
    names = signature.get("headers", "date").lower().split()
    unsigned = MUST_SIGN - set(names)
    signed_digests = [name for name in DIGESTS if name in names]
    if method.upper() == "POST" and not signed_digests:
        unsigned.add("digest")
    if unsigned:
        raise SignatureRefused(f"These must be signed: {', '.join(sorted(unsigned))}.")
    check_date(headers.get("date", ""), now or datetime.now(UTC))
    for name in signed_digests:
        check_digest(name, headers.get(name, ""), body)
    try:
        key = serialization.load_pem_public_key(public_pem.encode())
    except (ValueError, UnsupportedAlgorithm, TypeError):
        raise SignatureRefused("The sender's key cannot be read.") from None
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < KEY_BITS:
        raise SignatureRefused(f"The sender's key is not RSA of {KEY_BITS} bits or more.")
    try:
        key.verify(
            base64.b64decode(signature["signature"], validate=True),
            signed_text(names, method, target, headers).encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, binascii.Error):
        raise SignatureRefused("The signature does not match the sender's key.") from None


def check_date(value, now):
    try:
        sent = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        sent = None
    if sent is None or sent.tzinfo is None:  # "-0000" says the zone is unknown
        raise SignatureRefused("The request has no readable Date.")
    if abs(now - sent) > MAX_SKEW:
        raise SignatureRefused("The request's Date is too far from now.")


def check_digest(name, value, body):
    """The signed ``name`` header (``Digest``, or RFC 9530's ``Content-Digest``) must hold
    the body's SHA-256, and it is the one algorithm read: others in it are not checked."""
    expected = hashlib.sha256(body).digest()
    found = None
    for entry in value.split(","):
        algorithm, _, encoded = entry.strip().partition("=")
        if algorithm.lower() != "sha-256":
            continue
        if name == "content-digest":  # a byte sequence: sha-256=:base64:
            if not (len(encoded) > 1 and encoded[0] == encoded[-1] == ":"):
                raise SignatureRefused("The Content-Digest header cannot be read.")
            encoded = encoded[1:-1]
        try:
            found = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise SignatureRefused(f"The {name} header cannot be read.") from None
    if found is None:
        raise SignatureRefused(f"The signed {name} header holds no SHA-256 of the body.")
    if found != expected:
        raise SignatureRefused("The body's digest does not match the body.")
