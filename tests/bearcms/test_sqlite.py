"""On SQLite (the staging box) the app's connections use WAL and a busy timeout, so the
web workers, the task worker, backups and Litestream share one database file without
"database is locked" errors.

The app runs in a subprocess with ``DATABASE_URL`` pointing at a file: the settings are
the ones a box gets, whatever database this test run itself uses.
"""

import os
import sqlite3
import subprocess
import sys
import threading
import time

from tests.support.paths import ROOT


def app_python(database, code):
    """Start ``code`` in a process with the app's settings on the SQLite file ``database``."""
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="bearcms.settings",
    )
    return subprocess.Popen(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_apps_connections_use_wal_and_wait_20_seconds_for_a_lock(tmp_path):
    app = app_python(
        tmp_path / "db.sqlite3",
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    for pragma in ('journal_mode', 'busy_timeout'):\n"
        "        print(cursor.execute(f'PRAGMA {pragma}').fetchone()[0])\n",
    )
    out, err = app.communicate(timeout=60)
    assert app.returncode == 0, err
    assert out.split() == ["wal", "20000"]


def test_a_write_waits_for_another_process_holding_the_write_lock(tmp_path):
    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE note (text TEXT)")
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # a writer such as a Litestream checkpoint or a worker
    other.execute("INSERT INTO note VALUES ('other')")
    app = app_python(
        database,
        "from django.db import connection, transaction\n"
        "print('writing', flush=True)\n"
        "with transaction.atomic(), connection.cursor() as cursor:\n"
        "    cursor.execute(\"INSERT INTO note VALUES ('app')\")\n",
    )
    assert app.stdout.readline() == "writing\n"
    release = threading.Timer(1.5, lambda: other.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    out, err = app.communicate(timeout=60)
    release.join()
    other.close()

    assert app.returncode == 0, err
    assert time.monotonic() - started >= 1  # it waited for the lock rather than failing
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT text FROM note ORDER BY rowid").fetchall() == [
            ("other",),
            ("app",),
        ]
