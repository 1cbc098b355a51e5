"""A fediverse server of the tests' own, on a real socket: one account with its actor
document and key, and inboxes that keep what they receive. Tests stop and start it (on
the same port), make it answer an error, or answer slowly, to see how delivery copes.

bovine, written by others, is the peer that proves interoperability
(``tests/peers/``); this one lets a test decide how the other side behaves.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from blog.federation.signatures import new_key_pair, signed_headers
from tests.support.ports import free_port

KEY_PAIR = new_key_pair()  # made once: 2048-bit keys take a moment


class FediverseServer:
    def __init__(self, name="alice", shared_inbox=True):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.name = name
        self.private_pem, self.public_pem = KEY_PAIR
        self.shared_inbox = shared_inbox
        self.received = []  # (path, lower-case headers, body) of every POST
        self.fetched = []  # the path of every GET
        self.status = 202
        self.delay = 0.0
        self.server = None

    @property
    def actor_url(self):
        return f"{self.url}/users/{self.name}"

    @property
    def key_id(self):
        return f"{self.actor_url}#main-key"

    def actor(self):
        document = {
            "@context": ["https://www.w3.org/ns/activitystreams"],
            "id": self.actor_url,
            "type": "Person",
            "preferredUsername": self.name,
            "name": self.name.title(),
            "inbox": f"{self.actor_url}/inbox",
            "publicKey": {
                "id": self.key_id,
                "owner": self.actor_url,
                "publicKeyPem": self.public_pem,
            },
        }
        if self.shared_inbox:
            document["endpoints"] = {"sharedInbox": f"{self.url}/inbox"}
        return document

    def activities(self, kind=None):
        found = [json.loads(body) for _path, _headers, body in self.received]
        return [a for a in found if kind is None or a.get("type") == kind]

    def signed(self, method, url, body=None, key_id=None, private_pem=None, now=None):
        """Headers that sign a request of this server's account."""
        return signed_headers(
            method,
            url,
            private_pem or self.private_pem,
            key_id or self.key_id,
            body=body,
            content_type="application/activity+json" if body is not None else None,
            now=now,
        )

    def start(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                owner.fetched.append(self.path)
                if self.path.split("#")[0] != f"/users/{owner.name}":
                    self.send_error(404)
                    return
                self.answer(200, json.dumps(owner.actor()).encode())

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(owner.delay)
                headers = {name.lower(): value for name, value in self.headers.items()}
                if 200 <= owner.status < 300:
                    owner.received.append((self.path, headers, body))
                self.answer(owner.status, b"")

            def answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
