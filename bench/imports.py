"""Import speed: how long a blogger waits for a large import (the issue's 10,000 posts).

For each database (a fresh SQLite file under ``var/bench/``, and the PostgreSQL database
``bearcms_import`` when PostgreSQL answers on ``--postgres``), in a process of its own:
migrate, make one blog, build Bear Blog's CSV of ``--posts`` generated posts (the test
suite's generator: unicode, code blocks, tags, drafts, pages, scheduled posts), then time

* ``check``: reading and checking the file (``blog.transfer.uploads``), what the upload
  request does;
* ``preview``: storing the rows and problems as the job the preview page shows;
* ``import``: the background task (``blog.transfer.tasks.run_import``) until it
  commits, when the blogger sees the posts, with the posts per second it kept up;  the
  longest of the transactions that write them (each holds SQLite's one writer's lock
  while it runs); and with the tasks that commit queues (Wagtail's reference index, the
  dodginess score), which a worker runs after it.

It prints a table and writes ``bench/results/imports.json`` and ``imports.md``. A report,
not a test: nothing fails because something is slow.

    .venv/bin/python bench/imports.py                    # 10,000 posts, SQLite and PostgreSQL
    .venv/bin/python bench/imports.py --posts 1000 --no-write
"""

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = BASE_DIR / "var" / "bench"
RESULTS_DIR = BASE_DIR / "bench" / "results"
POSTGRES_DATABASE = "bearcms_import"


def measure(posts):
    """Run in a process whose DATABASE_URL is set: migrate, seed one blog, time the steps."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from blog.models import ImportJob, PostPage
    from blog.tenants.lifecycle import create_blog
    from blog.transfer import tasks
    from blog.transfer.uploads import check_records, read_upload
    from tests.support.tasks import run_ready_tasks
    from tests.support.transfer import bear_csv, generated_rows

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("importer", "importer@example.com", "x")
    blog = create_blog(user, "importer", title="Importer")
    data = bear_csv(generated_rows(posts))

    started = time.perf_counter()
    upload = read_upload("export.csv", data)
    rows, problems = check_records(upload.records, set())
    checked = time.perf_counter()
    job = ImportJob.objects.create(
        blog=blog,
        user=user,
        source_name="export.csv",
        rows=rows,
        problems=problems,
        total=len(rows),
        status=ImportJob.Status.QUEUED,
    )
    stored = time.perf_counter()
    transactions = []  # seconds each of the import's write transactions took

    class TimedTransactions:
        """``django.db.transaction`` as the import's module sees it: each atomic block
        timed from its start to its commit."""

        def __getattr__(self, name):
            return getattr(transaction, name)

        @contextlib.contextmanager
        def atomic(self, *args, **kwargs):
            began = time.perf_counter()
            with transaction.atomic(*args, **kwargs):
                yield
            transactions.append(time.perf_counter() - began)

    tasks.transaction = TimedTransactions()
    began = time.time()
    tasks.run_import.call(job.pk)
    run_ready_tasks()  # what a worker runs after the import's commit
    imported = time.perf_counter()

    job.refresh_from_db()
    assert job.status == "done", job.error
    assert PostPage.objects.filter(blog=blog).count() == posts
    # The job is done (and the blogger sees the posts) when its last transaction commits.
    committed = job.finished_at.timestamp() - began
    return {
        "transactions": len(transactions),
        "longest_transaction_s": round(max(transactions), 2),
        "import_committed_s": round(committed, 1),
        "posts_per_s_committed": round(posts / committed),
        "posts": posts,
        "file_mb": round(len(data) / 1024 / 1024, 1),
        "check_s": round(checked - started, 2),
        "preview_s": round(stored - checked, 2),
        "import_s": round(imported - stored, 1),
        "posts_per_s": round(posts / (imported - stored)),
    }


def postgres_answers(url):
    import psycopg2

    try:
        psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=2).close()
    except psycopg2.OperationalError:
        return False
    return True


def fresh_postgres(url):
    import psycopg2

    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}")
        cursor.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")
    connection.close()
    return url.rsplit("/", 1)[0] + "/" + POSTGRES_DATABASE


def run_in_process(database_url, posts):
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bearcms.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only",
        "REDIS_URL": "",
        "CACHE_DIR": str(WORK_DIR / "cache-import"),
        "TASKS_BACKEND": "database",  # the tasks the import queues run after it
    }
    output = subprocess.run(  # noqa: S603 (this script, our arguments)
        [sys.executable, __file__, "--measure", str(posts)],
        env=environment,
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def write_results(results):
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "imports.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# Import speed",
        "",
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; `.venv/bin/python bench/imports.py`.",
        "",
        "| database | posts | file | check | preview | import, until it commits | posts/s "
        "| longest write transaction | with the tasks it queues | posts/s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in results.items():
        lines.append(
            f"| {name} | {row['posts']:,} | {row['file_mb']} MB | {row['check_s']} s "
            f"| {row['preview_s']} s | {row['import_committed_s']} s "
            f"| {row['posts_per_s_committed']} "
            f"| {row['longest_transaction_s']} s (of {row['transactions']}) "
            f"| {row['import_s']} s "
            f"| {row['posts_per_s']} |"
        )
    (RESULTS_DIR / "imports.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure:
        sys.path.insert(0, str(BASE_DIR))
        print(json.dumps(measure(arguments.measure)))
        return
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    database = WORK_DIR / "import.sqlite3"
    database.unlink(missing_ok=True)
    results = {"SQLite": run_in_process(f"sqlite:///{database}", arguments.posts)}
    if postgres_answers(arguments.postgres):
        url = fresh_postgres(arguments.postgres)
        results["PostgreSQL"] = run_in_process(url, arguments.posts)
    if arguments.no_write:
        print(json.dumps(results, indent=2))
    else:
        write_results(results)


if __name__ == "__main__":
    main()
