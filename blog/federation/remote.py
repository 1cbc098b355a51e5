"""Talking to other fediverse servers: fetching their actors' documents, and posting to
their inboxes, each request signed with the blog's key.

Every address comes from someone else's request (a key id, an inbox), so a fetch goes
only to a public address over https: never to this machine, the private network or the
cloud's metadata service. Tests and a development box set
``FEDERATION_PRIVATE_NETWORKS`` to talk to servers on 127.0.0.1 over http. Redirects are
not followed (each hop would need the same check), and an answer larger than
``MAX_DOCUMENT`` is refused unread.
"""

import json
import socket
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from blog.core.fediverse import ACTIVITY_JSON, ACTIVITY_TYPES, is_public_address
from blog.federation import documents
from blog.federation.signatures import new_key_pair, signed_headers
from blog.models import ActorKey, RemoteActor

MAX_DOCUMENT = 1_000_000  # bytes: an actor is a few kB
REFETCH_AFTER = timedelta(days=1)
USER_AGENT = "bearcms (ActivityPub)"
ACCEPT = f'{ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


class RemoteError(Exception):
    """Another server could not be reached, refused, or sent what cannot be used."""


def blog_key(blog):
    """The blog's key pair, made the first time it is needed."""
    key = ActorKey.objects.filter(blog=blog).first()
    if key is None:
        private, public = new_key_pair()
        try:
            with transaction.atomic():
                key = ActorKey.objects.create(blog=blog, private_pem=private, public_pem=public)
        except IntegrityError:  # made by another request meanwhile
            key = ActorKey.objects.get(blog=blog)
    return key


def checked_url(url):
    """``url`` if a request may go there; raises RemoteError saying why not."""
    parts = urlsplit(url)
    schemes = ("https", "http") if settings.FEDERATION_PRIVATE_NETWORKS else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise RemoteError(f"Not an address this server fetches: {url[:200]}")
    if not settings.FEDERATION_PRIVATE_NETWORKS:
        try:
            addresses = {
                info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)
            }
        except (socket.gaierror, UnicodeError) as error:
            raise RemoteError(f"{parts.hostname} cannot be found: {error}") from None
        if not all(is_public_address(address) for address in addresses):
            raise RemoteError(f"{parts.hostname} is not on the public internet.")
    return url


def send(method, url, blog, body=None):
    """A signed request to another server; its response (any status)."""
    key = blog_key(blog)
    headers = signed_headers(
        method,
        checked_url(url),
        key.private_pem,
        documents.key_id(blog),
        body=body,
        content_type=ACTIVITY_JSON if body is not None else None,
    )
    headers["User-Agent"] = USER_AGENT
    headers["Accept"] = ACCEPT
    try:
        return requests.request(
            method,
            url,
            data=body,
            headers=headers,
            timeout=settings.FEDERATION_TIMEOUT,
            allow_redirects=False,
            stream=True,
        )
    except requests.RequestException as error:
        raise RemoteError(f"{urlsplit(url).hostname}: {error}") from None


def fetch_json(url, blog):
    """The ActivityStreams document at ``url``, fetched signed by ``blog`` (servers in
    Mastodon's secure mode answer only signed fetches)."""
    with send("GET", url, blog) as response:
        if response.status_code != 200:
            raise RemoteError(f"{url[:200]} answered {response.status_code}.")
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type not in (*ACTIVITY_TYPES, "application/json"):
            raise RemoteError(f"{url[:200]} is not ActivityStreams JSON ({content_type}).")
        body = response.raw.read(MAX_DOCUMENT + 1, decode_content=True)
    if len(body) > MAX_DOCUMENT:
        raise RemoteError(f"{url[:200]} is too large.")
    try:
        document = json.loads(body)
    except ValueError:
        raise RemoteError(f"{url[:200]} is not JSON.") from None
    if not isinstance(document, dict):
        raise RemoteError(f"{url[:200]} is not a JSON object.")
    return document


def text(document, name):
    value = document.get(name)
    return value if isinstance(value, str) else ""


def kept_signer(key_id, fresh=True):
    """The remote actor kept with the key ``key_id`` (``fresh``: fetched within
    ``REFETCH_AFTER``), or None."""
    kept = RemoteActor.objects.filter(key_id=key_id).first()
    if kept and fresh and kept.fetched_at <= timezone.now() - REFETCH_AFTER:
        return None
    return kept


def fetch_signer(key_id, blog):
    """Fetch the actor whose key is ``key_id`` from its server and keep it. Raises
    RemoteError."""
    document = fetch_json(urldefrag(key_id).url, blog)
    if "inbox" not in document and isinstance(document.get("owner"), str):
        document = fetch_json(document["owner"], blog)  # the key has a document of its own
    return kept_actor(document, key_id)


def web_address(url):
    """``url`` if it is an http(s) address (it is shown as a link), else ""."""
    return url if urlsplit(url).scheme in ("https", "http") else ""


def kept_actor(document, key_id):
    """Store the actor ``document``, whose key must be ``key_id``, and return it."""
    key = document.get("publicKey")
    key = key[0] if isinstance(key, list) and key else key
    uri, inbox = text(document, "id"), text(document, "inbox")
    if not (isinstance(key, dict) and uri and inbox):
        raise RemoteError("The actor has no id, inbox or key.")
    if text(key, "id") != key_id or text(key, "owner") not in ("", uri):
        raise RemoteError("The key is not the actor's own.")
    if urlsplit(uri).hostname != urlsplit(key_id).hostname:
        raise RemoteError("The key and its actor are on different servers.")
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    fields = {
        "key_id": key_id,
        "public_pem": text(key, "publicKeyPem"),
        "inbox": inbox,
        "shared_inbox": text(endpoints, "sharedInbox"),
        "handle": f"{text(document, 'preferredUsername')}@{urlsplit(uri).hostname}",
        "name": text(document, "name")[:200],
        "profile_url": web_address(text(document, "url"))[:500],
        "fetched_at": timezone.now(),
    }
    if not all(web_address(url) for url in (inbox, uri)) or fields["shared_inbox"] != web_address(
        fields["shared_inbox"]
    ):
        raise RemoteError("The actor's addresses are not web addresses.")
    actor, _ = RemoteActor.objects.update_or_create(uri=uri[:500], defaults=fields)
    return actor
