"""The real programs the tests start: where they live (the virtualenv's bin/ for caddy,
weed and litestream from their PyPI wheels, then PATH) and how they are stopped."""

import shutil
import subprocess
import sys
from pathlib import Path


def program(name):
    """The path of executable ``name``; RuntimeError saying how to get it if missing."""
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"`{name}` is missing: `make test` installs it")
    return found


def stop(process, timeout=10):
    """Ask ``process`` to stop (SIGTERM: a clean shutdown), then make it."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
