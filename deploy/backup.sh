#!/usr/bin/env bash
# Daily backup of the SQLite database to S3 (deploy/crontab). Litestream already streams
# every change; this is the independent second copy: a plain, gzipped database file per
# day that anyone can restore with gunzip, kept for BACKUP_KEEP_DAYS days.
#
# Needs (from the env file): DATABASE_URL=sqlite:////path, BACKUP_BUCKET, AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY; optional AWS_S3_ENDPOINT_URL (anything but AWS), AWS_S3_REGION_NAME,
# BACKUP_PREFIX (default "backups/"), BACKUP_KEEP_DAYS (default 14).
# Exits non-zero, saying why on stderr, when any step fails: cron's exit status and the
# journal (systemd-cat -t bearcms-backup) are how an operator notices.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/env.sh
trap 'echo "backup.sh: FAILED (exit status $?, line $LINENO)" >&2' ERR

case "${DATABASE_URL:-}" in
  sqlite:///*) database=${DATABASE_URL#sqlite:///} ;;
  *) echo "backup.sh: DATABASE_URL is not an SQLite URL: nothing to back up" >&2; exit 2 ;;
esac
: "${BACKUP_BUCKET:?is not set}"
[ -f "$database" ] || { echo "backup.sh: no database at $database" >&2; exit 2; }

# Beside the database: same filesystem, writable by the service user, room for a copy.
workdir=$(mktemp -d "$(dirname "$database")/backup.XXXXXX")
trap 'rm -rf "$workdir"' EXIT

# SQLite's online backup copies a consistent snapshot (WAL included) while the app and
# Litestream keep writing; the integrity check proves the copy opens before it is shipped.
sqlite3 -bail "$database" ".timeout 20000" ".backup '$workdir/db.sqlite3'"
[ "$(sqlite3 "$workdir/db.sqlite3" 'PRAGMA integrity_check')" = ok ]
gzip "$workdir/db.sqlite3"

prefix=${BACKUP_PREFIX-backups/}
# Upload, then forget backups older than BACKUP_KEEP_DAYS by the time in their names (keys
# that do not follow the naming are left alone). boto3 comes with the app's virtualenv.
.venv/bin/python - "$workdir/db.sqlite3.gz" "$prefix" <<'PY'
import os
import re
import sys
from datetime import UTC, datetime, timedelta

import boto3
from boto3.exceptions import Boto3Error
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

archive, prefix = sys.argv[1:]
bucket = os.environ["BACKUP_BUCKET"]
now = datetime.now(UTC)
key = f"{prefix}db-{now:%Y%m%dT%H%M%SZ}.sqlite3.gz"
keep = timedelta(days=int(os.environ.get("BACKUP_KEEP_DAYS", "14")))
s3 = boto3.client(
    "s3",
    endpoint_url=os.environ.get("AWS_S3_ENDPOINT_URL") or None,
    region_name=os.environ.get("AWS_S3_REGION_NAME") or None,
    config=Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        connect_timeout=10,
        retries={"max_attempts": 3},
    ),
)
try:
    s3.upload_file(archive, bucket, key)
    print(f"backup.sh: uploaded s3://{bucket}/{key} ({os.path.getsize(archive)} bytes)")
    cutoff = now - keep
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            stamp = re.fullmatch(r"db-(\d{8}T\d{6}Z)\.sqlite3\.gz", item["Key"][len(prefix) :])
            if stamp and datetime.strptime(stamp[1], "%Y%m%dT%H%M%S%z") < cutoff:
                s3.delete_object(Bucket=bucket, Key=item["Key"])
                print(f"backup.sh: deleted s3://{bucket}/{item['Key']} (older than {keep.days} days)")
except (Boto3Error, BotoCoreError, ClientError) as error:
    sys.exit(f"backup.sh: S3 failed for s3://{bucket}/{key}: {error}")
PY
