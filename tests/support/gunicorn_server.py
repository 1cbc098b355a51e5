"""gunicorn as a web dyno runs it (``gunicorn.conf.py``), for tests that need real servers.

The test names the environment (a dyno's config vars), the working directory and the
loopback port; everything else comes from ``gunicorn.conf.py``, so the tests exercise the
configuration production uses. Variables of the test run itself that would change what
the app does (``DEBUG``, ``DATABASE_URL``, ...) are not inherited.
"""

import http.client
import os
import subprocess
import time
from pathlib import Path

from tests.support.paths import ROOT
from tests.support.programs import program, stop

NOT_INHERITED = {
    "DEBUG", "DATABASE_URL", "REDIS_URL", "CACHE_DIR", "SECRET_KEY", "BLOG_DOMAIN",
    "SITE_PORT", "STATIC_ROOT", "MEDIA_ROOT", "WEB_CONCURRENCY", "PORT",
    "DJANGO_SETTINGS_MODULE",
}  # fmt: skip


def start(env, port, cwd, log_path, timeout=30):
    """Start gunicorn on 127.0.0.1:``port`` with ``env``; return the process once it answers.

    The app is imported from the checkout (``--pythonpath``) while the process runs in
    ``cwd``, so a test can see whether it writes anything where it stands.
    """
    full_env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    full_env.update(env, PORT=str(port))
    command = [
        program("gunicorn"), "bearcms.wsgi",
        "--config", str(ROOT / "gunicorn.conf.py"),
        "--pythonpath", str(ROOT),
        "--bind", f"127.0.0.1:{port}",  # loopback only, whatever the dyno binds
    ]  # fmt: skip
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(command, cwd=cwd, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if answers(port):
            return process
        time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"gunicorn did not start: see {log_path}\n{Path(log_path).read_text()}")


def answers(port):
    """Whether a worker has loaded the app and answers HTTP (any status will do)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()
