"""Where the real programs the tests start live: the virtualenv's bin/ (caddy, weed,
litestream from their PyPI wheels), then PATH."""

import shutil
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
