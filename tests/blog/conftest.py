"""Fixtures shared by blog's test packages."""

import threading
from http.server import ThreadingHTTPServer

import pytest

from tests.support.cloudflare import RecordingHandler


@pytest.fixture
def cloudflare(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "cloudflare": {
            "BACKEND": "blog.wagtail_overrides.cloudflare.CloudflareBackend",
            "BEARER_TOKEN": "test-token",
            "ZONEID": "zone1",
            "API_URL": f"http://127.0.0.1:{server.server_port}/client/v4",
        }
    }
    yield server
    server.shutdown()
