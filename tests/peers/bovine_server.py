"""bovine as a fediverse server, for the federation tests: an account whose requests
bovine signs and whose inbox checks signatures with bovine's SignatureChecker.

Runs in its own virtualenv (.venv-peers): ``python bovine_server.py PORT``. Every host
name resolves to this machine, as blog hosts do in the tests.

- ``GET /actor``: the account, with its public key.
- ``POST /inbox``: answered 202 at once, as servers queue what they receive; the
  signature is checked afterwards (its key fetched with a signed GET, as Mastodon's
  secure mode does) and the outcome kept.
- ``GET /received``: what the inbox received: each activity and the key owner bovine
  verified, or null if it refused the signature.
- ``POST /follow`` with ``{"actor": url}``: fetch that actor (signed GET) and post a
  signed Follow to its inbox; answers the inbox's status and body.
"""

import asyncio
import json
import socket
import sys

from aiohttp import ClientSession, TCPConnector, web
from aiohttp.abc import AbstractResolver
from bovine.clients.signed_http import legacy_digest_method_uppercase
from bovine.clients.signed_http_methods import signed_get, signed_post
from bovine.crypto import build_validate_http_signature_raw, generate_rsa_public_private_key
from bovine.crypto.types import CryptographicIdentifier, CryptographicSecret

ACTIVITY_JSON = "application/activity+json"


class Loopback(AbstractResolver):
    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [
            {
                "hostname": host,
                "host": "127.0.0.1",
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self):
        pass


class Peer:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.actor_id = f"{self.base}/actor"
        public, private = generate_rsa_public_private_key()
        self.public_pem = public
        self.secret = CryptographicSecret.from_pem(f"{self.actor_id}#main-key", private)
        self.received = []
        self.tasks = set()

    def session(self):
        return ClientSession(connector=TCPConnector(resolver=Loopback()))

    async def actor(self, request):
        document = {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.actor_id,
            "type": "Person",
            "preferredUsername": "bovine",
            "inbox": f"{self.base}/inbox",
            "outbox": f"{self.base}/outbox",
            "publicKey": {
                "id": self.secret.key_id,
                "owner": self.actor_id,
                "publicKeyPem": self.public_pem,
            },
        }
        return web.json_response(document, content_type=ACTIVITY_JSON)

    async def fetch(self, url):
        async with self.session() as session:
            response = await signed_get(session, self.secret, url.split("#")[0])
            return await response.json(content_type=None)

    async def inbox(self, request):
        body = await request.read()
        entry = {"activity": json.loads(body), "verified": None}
        self.received.append(entry)
        headers = {name.lower(): value for name, value in request.headers.items()}
        task = asyncio.create_task(self.check(entry, str(request.url), headers, body))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return web.Response(status=202)

    async def check(self, entry, url, headers, body):
        async def key(key_id):
            document = await self.fetch(key_id)
            public_key = document["publicKey"]
            return CryptographicIdentifier.from_pem(public_key["publicKeyPem"], public_key["owner"])

        async def read_body():
            return body

        checker = build_validate_http_signature_raw(key)
        try:
            entry["verified"] = await checker("POST", url, headers, read_body)
        except Exception as error:  # bovine refused it: kept for the test to see
            entry["error"] = f"{type(error).__name__}: {error}"
        entry["checked"] = True

    async def listing(self, request):
        return web.json_response(self.received)

    async def follow(self, request):
        target = (await request.json())["actor"]
        actor = await self.fetch(target)
        activity = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{self.base}/follows/1",
            "type": "Follow",
            "actor": self.actor_id,
            "object": actor["id"],
        }
        async with self.session() as session:
            response = await signed_post(
                session,
                self.secret,
                actor["inbox"],
                json.dumps(activity),
                legacy_digest_method_uppercase,
            )
            return web.json_response({"status": response.status, "body": await response.text()})


def main(port):
    peer = Peer(port)
    app = web.Application()
    app.add_routes(
        [
            web.get("/actor", peer.actor),
            web.post("/inbox", peer.inbox),
            web.get("/received", peer.listing),
            web.post("/follow", peer.follow),
        ]
    )
    web.run_app(app, host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    main(int(sys.argv[1]))
