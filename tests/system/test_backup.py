"""deploy/backup.sh against a real S3 server (SeaweedFS): the object it uploads restores to
the same rows, old backups are deleted, and any failure is a non-zero exit that says why.

The database is written in WAL mode by a connection that stays open and never
checkpoints, as the app's would be: rows still in the WAL must be in the backup too.
"""

import gzip
import sqlite3
import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.paths import ROOT

# The database backed up is a SQLite file of its own: this runs once, in the SQLite pass.
pytestmark = pytest.mark.database_independent

ROWS = [(n, f"post {n}") for n in range(1, 201)]


@pytest.fixture
def live_database(tmp_path):
    """An SQLite database in WAL mode with ROWS, the last of them only in the WAL."""
    path = tmp_path / "var" / "db.sqlite3"
    path.parent.mkdir()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE post (id INTEGER PRIMARY KEY, title TEXT)")
    db.executemany("INSERT INTO post VALUES (?, ?)", ROWS[:100])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.executemany("INSERT INTO post VALUES (?, ?)", ROWS[100:])
    yield path
    db.close()


@pytest.fixture
def bucket(seaweedfs):
    return seaweedfs.create_bucket(f"backups-{uuid.uuid4().hex[:12]}")


def run_backup(tmp_path, database, s3, bucket, **overrides):
    """Run backup.sh as cron does: only PATH in the environment, the rest from an env file."""
    settings = {
        "DATABASE_URL": f"sqlite:///{database}",
        "BACKUP_BUCKET": bucket,
        "BACKUP_KEEP_DAYS": "7",
        "AWS_ACCESS_KEY_ID": s3.access_key,
        "AWS_SECRET_ACCESS_KEY": s3.secret_key,
        "AWS_S3_REGION_NAME": s3.region,
        "AWS_S3_ENDPOINT_URL": s3.endpoint_url,
        **overrides,
    }
    env_file = tmp_path / "bearcms.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
    return subprocess.run(
        [ROOT / "deploy" / "backup.sh"],
        env={"PATH": "/usr/bin:/bin", "BEARCMS_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def backup_key(days_ago):
    stamp = datetime.now(UTC) - timedelta(days=days_ago)
    return f"backups/db-{stamp:%Y%m%dT%H%M%SZ}.sqlite3.gz"


def test_the_uploaded_backup_restores_to_the_same_rows(tmp_path, live_database, seaweedfs, bucket):
    result = run_backup(tmp_path, live_database, seaweedfs, bucket)

    assert result.returncode == 0, result.stderr
    [key] = seaweedfs.keys(bucket)
    assert key.startswith("backups/db-") and key.endswith(".sqlite3.gz")
    assert f"uploaded s3://{bucket}/{key}" in result.stdout
    restored = tmp_path / "restored.sqlite3"
    body = seaweedfs.client().get_object(Bucket=bucket, Key=key)["Body"].read()
    restored.write_bytes(gzip.decompress(body))
    with sqlite3.connect(restored) as db:
        assert db.execute("SELECT id, title FROM post ORDER BY id").fetchall() == ROWS
    assert not list(live_database.parent.glob("backup.*"))  # its working copy is gone


def test_backups_older_than_the_keep_days_are_deleted(tmp_path, live_database, seaweedfs, bucket):
    old, recent, foreign = backup_key(days_ago=30), backup_key(days_ago=2), "backups/notes.txt"
    for key in (old, recent, foreign):
        seaweedfs.client().put_object(Bucket=bucket, Key=key, Body=b"x")

    result = run_backup(tmp_path, live_database, seaweedfs, bucket)

    assert result.returncode == 0, result.stderr
    keys = seaweedfs.keys(bucket)
    assert old not in keys
    assert recent in keys and foreign in keys
    assert len(keys) == 3  # today's backup joined them
    assert f"deleted s3://{bucket}/{old}" in result.stdout


def test_wrong_credentials_fail_loudly(tmp_path, live_database, seaweedfs, bucket):
    result = run_backup(
        tmp_path, live_database, seaweedfs, bucket, AWS_SECRET_ACCESS_KEY="not-the-secret"
    )

    assert result.returncode != 0
    assert f"backup.sh: S3 failed for s3://{bucket}/backups/db-" in result.stderr
    assert "SignatureDoesNotMatch" in result.stderr
    assert seaweedfs.keys(bucket) == []


def test_an_unreachable_s3_endpoint_fails_loudly(tmp_path, live_database, seaweedfs, bucket):
    result = run_backup(
        tmp_path, live_database, seaweedfs, bucket, AWS_S3_ENDPOINT_URL="http://127.0.0.1:9"
    )

    assert result.returncode != 0
    assert "backup.sh: S3 failed" in result.stderr
    assert "Could not connect" in result.stderr


def test_a_database_url_that_is_not_sqlite_is_refused(tmp_path, seaweedfs, bucket):
    result = run_backup(
        tmp_path, "unused", seaweedfs, bucket, DATABASE_URL="postgres://db.example.org/bearcms"
    )

    assert result.returncode == 2
    assert "DATABASE_URL is not an SQLite URL" in result.stderr
