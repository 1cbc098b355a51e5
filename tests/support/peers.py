"""Other people's ActivityPub code, run in its own virtualenv (tests/peers/)."""

import contextlib
import json
import os
import subprocess
import time

import pytest
import requests

from tests.support.paths import ROOT
from tests.support.ports import free_port

PEERS_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
BOVINE = ROOT / "tests" / "peers" / "bovine_peer.py"


def peers_python():
    """The peers' Python; skips the test where its virtualenv was never made (not in CI)."""
    if not PEERS_PYTHON.exists():
        if os.environ.get("CI") == "true":
            raise RuntimeError("`make test` makes .venv-peers; it is missing")
        pytest.skip("bovine's virtualenv (.venv-peers) is missing: `make test` makes it")
    return PEERS_PYTHON


def bovine(command, **request):
    """Ask the bovine peer to ``sign`` or ``verify`` (tests/peers/bovine_peer.py)."""
    answer = subprocess.run(
        [peers_python(), BOVINE, command],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(answer.stdout)


BOVINE_SERVER = ROOT / "tests" / "peers" / "bovine_server.py"


@contextlib.contextmanager
def bovine_server():
    """bovine as a fediverse server on a free port (tests/peers/bovine_server.py): its
    base URL, while the block runs."""
    python = peers_python()
    port = free_port()
    process = subprocess.Popen([python, BOVINE_SERVER, str(port)], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{base}/received", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"bovine's server did not start: {process.stderr.read()!r}"
                    ) from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
