"""A throwaway PostgreSQL cluster of a test's own, which the test may stop and crash.

Never the machine's shared server: a test that restarts the database under load needs a
server nobody else is using. ``initdb`` refuses to run as root, so when the tests run as
root the cluster belongs to the ``postgres`` system user, in a folder of its own.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")


def available():
    return (BIN / "initdb").exists() and (BIN / "pg_ctl").exists()


class Cluster:
    """``initdb`` at once; ``start()``, ``stop(mode)``; ``url`` names its database."""

    def __init__(self, port, database="bearcms"):
        self.port, self.database = port, database
        self.user = "postgres" if os.geteuid() == 0 else None
        self.root = Path(tempfile.mkdtemp(prefix="bearcms-pg-"))
        if self.user:
            shutil.chown(self.root, user=self.user)
        self.data = self.root / "data"
        self.run(BIN / "initdb", "--auth=trust", "-U", "postgres", "-N", "-D", self.data)

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def run(self, *command):
        subprocess.run(
            [str(part) for part in command], user=self.user, check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60,
        )  # fmt: skip

    def start(self):
        # fsync off: a crash of the server process keeps committed data (the kernel has
        # it); only a crash of the machine would not, and this cluster is thrown away.
        # client_connection_check_interval: a backend whose client (a killed worker)
        # went away stops its query within 100 ms instead of finishing it.
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c client_connection_check_interval=100"
        )
        log = self.root / "postgres.log"
        self.run(BIN / "pg_ctl", "-D", self.data, "-o", options, "-l", log, "-w", "start")

    def stop(self, mode="fast"):
        """``fast``: a clean shutdown; ``immediate``: as if the server crashed."""
        self.run(BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def create_database(self):
        self.run(BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres",
                 self.database)  # fmt: skip

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
