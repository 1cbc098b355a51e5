"""Other people's ActivityPub code, run in its own virtualenv (tests/peers/)."""

import json
import os
import subprocess

import pytest

from tests.support.paths import ROOT

PEERS_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
BOVINE = ROOT / "tests" / "peers" / "bovine_peer.py"


def bovine(command, **request):
    """Ask the bovine peer to ``sign`` or ``verify`` (tests/peers/bovine_peer.py)."""
    if not PEERS_PYTHON.exists():
        if os.environ.get("CI") == "true":
            raise RuntimeError("`make test` makes .venv-peers; it is missing")
        pytest.skip("bovine's virtualenv (.venv-peers) is missing: `make test` makes it")
    answer = subprocess.run(
        [PEERS_PYTHON, BOVINE, command],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(answer.stdout)
