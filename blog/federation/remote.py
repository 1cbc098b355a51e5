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
import threading
import time
from urllib.parse import urldefrag, urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from urllib3.exceptions import HTTPError as TransportError
from urllib3.util import parse_url

from blog.core.fediverse import ACTIVITY_JSON, ACTIVITY_TYPES, is_public_address
from blog.federation import documents
from blog.federation.signatures import new_key_pair, signed_headers
from blog.models import ActorKey, RemoteActor
from blog.models.federation import URL_LENGTH

MAX_DOCUMENT = 1_000_000  # bytes: an actor is a few kB
CHUNK = 16_384
DOWN_FOR = 300  # seconds a server that failed a fetch is not asked again
# Key fetches for inboxes at once in a process: slow servers hold these, never the web
# workers, and never more than this many threads.
FETCH_THREADS = 4
FETCH_SLOTS = threading.BoundedSemaphore(FETCH_THREADS)
USER_AGENT = "bearcms (ActivityPub)"
ACCEPT = f'{ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


class RemoteError(Exception):
    """Another server could not be reached, refused, or sent what cannot be used."""


class ServerDown(RemoteError):
    """The server could not be reached, was too slow, or failed (5xx)."""


class Busy(RemoteError):
    """This process is fetching as many keys as it may at once."""


class AddressRefused(RemoteError):
    """An address this server never sends a request to (it would not be another time)."""


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


def origin(url):
    """The (scheme, host, port) a request to ``url`` goes to; RemoteError if this module
    does not request it. Only plain addresses: no backslash, space or control character
    and no user name, which parsers read differently (``https://evil\\@good/`` is
    ``good`` to one and ``evil`` to the one that connects)."""
    if "\\" in url or any(ord(c) <= 32 or ord(c) == 127 for c in url) or len(url) > 2000:
        raise AddressRefused("Not an address this server fetches.")
    try:
        parts = urlsplit(url)
        port = parts.port
        connected_to = parse_url(url).host
    except ValueError:
        raise AddressRefused("Not an address this server fetches.") from None
    schemes = ("https", "http") if settings.FEDERATION_PRIVATE_NETWORKS else ("https",)
    if (
        parts.scheme not in schemes
        or not parts.hostname
        or "@" in parts.netloc
        or (connected_to or "").strip("[]").lower() != parts.hostname
    ):
        raise AddressRefused("Not an address this server fetches.")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def checked_url(url):
    """``url`` if a request may go there; raises RemoteError saying why not."""
    _scheme, host, port = origin(url)
    if not settings.FEDERATION_PRIVATE_NETWORKS:
        try:
            found = socket.getaddrinfo(host, port)
        except (socket.gaierror, UnicodeError):
            raise RemoteError(f"{host} cannot be found.") from None
        if not all(is_public_address(info[4][0]) for info in found):
            raise AddressRefused(f"{host} is not on the public internet.")
    return url


def request_headers(method, url, blog, body=None):
    """The headers of a request by ``blog`` to ``url``, signed with its key."""
    origin(url)
    key = blog_key(blog)
    headers = signed_headers(
        method,
        url,
        key.private_pem,
        documents.key_id(blog),
        body=body,
        content_type=ACTIVITY_JSON if body is not None else None,
    )
    return {**headers, "User-Agent": USER_AGENT, "Accept": ACCEPT}


def send(method, url, blog, body=None):
    """A signed request to another server; its response (any status)."""
    headers = request_headers(method, url, blog, body)
    try:
        return requests.request(
            method,
            checked_url(url),
            data=body,
            headers=headers,
            timeout=settings.FEDERATION_TIMEOUT,
            allow_redirects=False,
            stream=True,
        )
    except requests.RequestException as error:
        raise RemoteError(f"{urlsplit(url).hostname}: {type(error).__name__}") from None


def fetch_json(url, blog):
    """The ActivityStreams document at ``url``, fetched signed by ``blog`` (servers in
    Mastodon's secure mode answer only signed fetches).

    An inbox fetches a key while a web worker waits, and the sender chose the server, so
    the worker waits ``FEDERATION_TIMEOUT`` at most: the fetch runs on a thread of its
    own, one of at most ``FETCH_THREADS`` in the process (none free: ``Busy``, at once),
    which gives up by itself soon after. A server that could not be reached, timed out
    or failed (5xx) is not asked again for ``DOWN_FOR``; one that answered, even 404, is
    (a forged key id must not cut a whole server off)."""
    host = origin(url)[1]
    down = f"bearcms:ap:down:{host}"
    if cache.get(down):
        raise RemoteError(f"{host} failed a moment ago.")
    headers = request_headers("GET", url, blog)
    if not FETCH_SLOTS.acquire(blocking=False):
        raise Busy("Too many keys are being fetched; try again in a minute.")
    outcome = {}
    finished = threading.Event()

    def run():
        try:
            outcome["body"] = download(url, headers, time.monotonic() + settings.FEDERATION_TIMEOUT)
        except RemoteError as error:
            outcome["error"] = error
        finally:
            FETCH_SLOTS.release()
            finished.set()

    threading.Thread(target=run, name="activitypub-fetch", daemon=True).start()
    if not finished.wait(settings.FEDERATION_TIMEOUT):
        outcome["error"] = ServerDown(f"{host} is too slow.")
    if isinstance(outcome.get("error"), ServerDown):
        cache.set(down, True, DOWN_FOR)
    if "error" in outcome:
        raise outcome["error"]
    try:
        document = json.loads(outcome["body"])
    except (ValueError, RecursionError):
        raise RemoteError(f"{url[:200]} is not JSON.") from None
    if not isinstance(document, dict):
        raise RemoteError(f"{url[:200]} is not a JSON object.")
    return document


def download(url, headers, deadline):
    """The body of a GET of an ActivityStreams document, read until ``deadline`` at most
    (on a thread of ``fetch_json``'s). Raises ``ServerDown`` when the server could not be
    reached, was too slow or failed, RemoteError for any other answer that is no
    document."""
    try:
        with requests.get(
            checked_url(url),
            headers=headers,
            timeout=settings.FEDERATION_TIMEOUT,
            allow_redirects=False,
            stream=True,
        ) as response:
            if response.status_code >= 500:
                raise ServerDown(f"{url[:200]} answered {response.status_code}.")
            if response.status_code != 200:
                raise RemoteError(f"{url[:200]} answered {response.status_code}.")
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
            if content_type not in (*ACTIVITY_TYPES, "application/json"):
                raise RemoteError(f"{url[:200]} is not ActivityStreams JSON.")
            body = b""
            while chunk := response.raw.read1(CHUNK):  # what has come, not a full chunk
                body += chunk
                if len(body) > MAX_DOCUMENT:
                    raise RemoteError(f"{url[:200]} is too large.")
                if time.monotonic() > deadline:
                    raise ServerDown(f"{url[:200]} is too slow.")
            return body
    except (requests.RequestException, TransportError) as error:
        raise ServerDown(f"{urlsplit(url).hostname}: {type(error).__name__}") from None


def text(document, name):
    value = document.get(name)
    return value if isinstance(value, str) else ""


def kept_signer(key_id):
    """The remote actor kept with the key ``key_id``, or None. However old: a key that no
    longer matches is fetched again (``blog.federation.inbox``), and accounts send an
    Update when their profile changes."""
    return RemoteActor.objects.filter(key_id=key_id).first()


def fetch_signer(key_id, blog):
    """Fetch the actor whose key is ``key_id`` from its server and keep it. Raises
    RemoteError."""
    origin(key_id)
    document = fetch_json(urldefrag(key_id).url, blog)
    owner = document.get("owner")
    if "inbox" not in document and isinstance(owner, str):  # a document of the key alone
        if origin(owner) != origin(key_id):
            raise RemoteError("The key and its owner are on different servers.")
        document = fetch_json(owner, blog)
    return kept_actor(document, key_id)


def web_address(url):
    """``url`` if it is an http(s) address (it is shown as a link), else ""."""
    try:
        return url if urlsplit(url).scheme in ("https", "http") else ""
    except ValueError:
        return ""


def kept_actor(document, key_id):
    """Store the actor ``document``, whose key must be ``key_id``, and return it."""
    key = document.get("publicKey")
    key = key[0] if isinstance(key, list) and key else key
    uri, inbox = text(document, "id"), text(document, "inbox")
    if not (isinstance(key, dict) and uri and inbox):
        raise RemoteError("The actor has no id, inbox or key.")
    if text(key, "id") != key_id or text(key, "owner") not in ("", uri):
        raise RemoteError("The key is not the actor's own.")
    if origin(uri) != origin(key_id):  # as Mastodon checks: one server speaks for itself
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
    addresses = (uri, key_id, inbox, fields["shared_inbox"])
    if any(len(url) > URL_LENGTH or web_address(url) != url for url in addresses) or not inbox:
        raise RemoteError("The actor's addresses are not web addresses.")
    actor, _ = RemoteActor.objects.update_or_create(uri=uri, defaults=fields)
    return actor
