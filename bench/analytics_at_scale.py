"""The analytics benchmark: are a busy blog's figures for a year, and for all time, fast at
10 million hits?

For each database (PostgreSQL ``bench_analytics``, dropped and made again; SQLite
``var/bench/analytics.sqlite3``) a worker process of its own migrates it, makes one busy
blog with ``--posts`` posts and ``--other-blogs`` quieter ones, then:

1. seeds ``--hits`` hits on the busy blog spread over the last 365 days, and a tenth as
   many on the others (PostgreSQL: ``INSERT ... SELECT generate_series``; SQLite: one
   ``executemany`` per 100,000 rows), deterministic, skewed as real reads are (most reads
   direct, a few countries and browsers dominate), with today's share left raw;
2. times the old dashboard's queries (every figure counted on the raw hits) for 365
   days, for comparison;
3. rolls up every finished day (``blog.analytics.rollups.roll_up``, timed, hits kept);
4. times the dashboard's figures (``blog.analytics.views.analytics_figures``: roll-ups of
   finished days plus today's raw hits) for 7, 30, 365 days and all time, and the two
   drill-downs over 365 days: median and max of ``--repeat`` warm runs, and the queries.

It writes ``bench/results/analytics.md``. A report, not a test: nothing fails because
something is slow. Seeding 10 million rows into SQLite with Python takes long; the default
there is 1 million (``--sqlite-hits``).

    .venv/bin/python bench/analytics_at_scale.py                        # PostgreSQL 10M, SQLite 1M
    .venv/bin/python bench/analytics_at_scale.py --databases sqlite --sqlite-hits 100000 --no-write
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import RESULTS_DIR, WORK_DIR, setup_django, write_atomically  # noqa: E402

POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "bench_analytics"
SQLITE_FILE = WORK_DIR / "analytics.sqlite3"
REFERRERS = ["news.example", "feeds.example", "social.example"] + [
    f"site{n}.example" for n in range(37)
]
COUNTRIES = ["US", "DE", "GB", "FR", "", "NL", "CA", "IN", "BR", "JP", "SE", "ES"]
DEVICES = ["desktop", "mobile", "mobile", "tablet"]
BROWSERS = ["Chrome", "Chrome", "Safari", "Firefox", "Edge", "Samsung Internet", "Other"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", nargs="+", default=["postgres", "sqlite"])
    parser.add_argument("--hits", type=int, default=10_000_000, help="PostgreSQL's busy blog")
    parser.add_argument("--sqlite-hits", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--other-blogs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    return parser.parse_args()


def configure_environment(database):
    if database == "postgres":
        url = f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"
    else:
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        SQLITE_FILE.unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_FILE}"
    os.environ["DATABASE_URL"] = url
    os.environ["CACHE_DIR"] = str(WORK_DIR / "analytics-cache")
    os.environ["DEBUG"] = "false"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bearcms.settings"


def recreate_postgres_database():
    import psycopg2

    server = psycopg2.connect(f"{POSTGRES_SERVER}/postgres")
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}")
        cursor.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")
    server.close()


def make_blogs(options):
    """The busy blog with its posts, and the quieter blogs with two posts each."""
    from django.contrib.auth import get_user_model

    from blog.models import PostPage
    from blog.tenants.lifecycle import create_blog

    def blog_with_posts(name, posts):
        user = get_user_model().objects.create_user(name, f"{name}@example.com", None)
        blog = create_blog(user, name)
        for n in range(posts):
            post = PostPage(title=f"Post {n}", slug=f"post-{n}", body="Hello", owner=user)
            blog.add_child(instance=post)
        return blog, list(PostPage.objects.filter(blog=blog).values_list("id", flat=True))

    busy = blog_with_posts("busy", options.posts)
    others = [blog_with_posts(f"quiet{n}", 2) for n in range(options.other_blogs)]
    return busy, others


def seed_postgres(blog_id, post_ids, count, today):
    """``count`` hits of ``blog_id`` over the 365 days before ``today`` and today, in one
    ``INSERT ... SELECT generate_series`` per million."""
    from django.db import connection

    def array(values):
        return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"

    start = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
    start -= datetime.timedelta(days=365)
    seconds = 366 * 86400
    sql = f"""
        INSERT INTO blog_hit (post_id, page, blog_id, created_at, day, visitor_hash,
                              referrer_host, country, device, browser)
        SELECT CASE WHEN i %% 10 < 9 THEN (%s::int[])[(1 + (i * 7919) %% %s)::int] END,
               CASE WHEN i %% 10 < 9 THEN 'post' WHEN i %% 20 = 9 THEN 'home' ELSE 'blog' END,
               %s, at, (at AT TIME ZONE 'UTC')::date, NULL,
               CASE WHEN i %% 10 < 6 THEN ''
                    ELSE ({array(REFERRERS)})[(1 + ((i * 31) %% 997) %% {len(REFERRERS)})::int] END,
               ({array(COUNTRIES)})[(1 + ((i * 13) %% 101) %% {len(COUNTRIES)})::int],
               ({array(DEVICES)})[(1 + (i * 7) %% {len(DEVICES)})::int],
               ({array(BROWSERS)})[(1 + ((i * 17) %% 89) %% {len(BROWSERS)})::int]
        FROM (SELECT i, %s::timestamptz + make_interval(secs => (i::float8 * %s / %s))
                 AS at FROM generate_series(%s::bigint, %s::bigint) i) g
        WHERE at < now()
    """  # noqa: S608 (constants of this script only)
    with connection.cursor() as cursor:
        for first in range(0, count, 1_000_000):
            last = min(first + 1_000_000, count) - 1
            cursor.execute(
                sql, [post_ids, len(post_ids), blog_id, start, seconds, count, first, last]
            )


def seed_sqlite(blog_id, post_ids, count, today):
    """The same hits as ``seed_postgres``, made in Python and inserted in batches."""
    from django.db import connection

    start = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
    start -= datetime.timedelta(days=365)
    now = datetime.datetime.now(datetime.UTC)
    step = 366 * 86400 / count

    def rows(first, last):
        for i in range(first, last):
            at = start + datetime.timedelta(seconds=i * step)
            if at >= now:
                return
            is_post = i % 10 < 9
            yield (
                post_ids[(i * 7919) % len(post_ids)] if is_post else None,
                "post" if is_post else ("home" if i % 20 == 9 else "blog"),
                blog_id,
                at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                at.date().isoformat(),
                "" if i % 10 < 6 else REFERRERS[((i * 31) % 997) % len(REFERRERS)],
                COUNTRIES[((i * 13) % 101) % len(COUNTRIES)],
                DEVICES[(i * 7) % len(DEVICES)],
                BROWSERS[((i * 17) % 89) % len(BROWSERS)],
            )

    sql = (
        "INSERT INTO blog_hit (post_id, page, blog_id, created_at, day, visitor_hash, "
        "referrer_host, country, device, browser) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)"
    )
    raw = connection.connection
    for first in range(0, count, 100_000):
        raw.executemany(sql, rows(first, min(first + 100_000, count)))
        raw.commit()


def timed(function, repeat):
    """(median ms, max ms, queries of one run, result) of ``repeat`` warm runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()  # warm
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        function()
    return {
        "median_ms": round(statistics.median(times), 2),
        "max_ms": round(max(times), 2),
        "queries": len(queries),
        "total_reads": result.get("total_reads") if isinstance(result, dict) else None,
    }


def old_raw_figures(blog, days, today):
    """The dashboard's figures as they were counted before roll-ups: every figure one
    aggregate over the period's raw hits."""
    from django.db.models import Count

    from blog.models import Hit

    first = today - datetime.timedelta(days=days - 1)
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=datetime.UTC)
    hits = Hit.objects.filter(blog=blog, created_at__gte=start)
    figures = {
        "per_day": dict(hits.values_list("day").annotate(n=Count("id")).order_by()),
        "total_reads": hits.aggregate(n=Count("id"), posts=Count("post", distinct=True))["n"],
        "posts": dict(hits.values_list("post_id").annotate(n=Count("id")).order_by()),
    }
    for field in Hit.DIMENSIONS:
        top = hits.values_list(field).annotate(n=Count("id")).order_by("-n", field)[:10]
        figures[field] = list(top)
    return figures


def database_size(vendor):
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('blog_hit'), "
                           "pg_total_relation_size('blog_dailyreads')")  # fmt: skip
            hits, rollups = cursor.fetchone()
            return {"hits_mb": hits // 2**20, "rollups_mb": rollups // 2**20}
    return {"file_mb": SQLITE_FILE.stat().st_size // 2**20}


def analyse(vendor):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")


def worker(options):
    configure_environment(options.worker)
    if options.worker == "postgres":
        recreate_postgres_database()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from blog.analytics.rollups import roll_up, utc_today
    from blog.analytics.views import analytics_figures
    from blog.models import DailyReads, Hit, PostPage

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    count = options.hits if options.worker == "postgres" else options.sqlite_hits
    today = utc_today()
    run = {"database": options.worker, "hits": count, "posts": options.posts}
    (busy, post_ids), others = make_blogs(options)
    seed = seed_postgres if vendor == "postgresql" else seed_sqlite
    began = time.perf_counter()
    seed(busy.id, post_ids, count, today)
    for blog, ids in others:
        seed(blog.id, ids, count // 10 // max(options.other_blogs, 1), today)
    analyse(vendor)
    run["seed_s"] = round(time.perf_counter() - began, 1)
    run["hits_stored"] = Hit.objects.count()
    print(f"  {vendor}: seeded {run['hits_stored']:,} hits in {run['seed_s']} s", flush=True)

    run["old_raw_365"] = timed(lambda: old_raw_figures(busy, 365, today), options.repeat)
    print(f"  {vendor}: old raw 365 days {run['old_raw_365']}", flush=True)

    days = sorted(set(Hit.objects.filter(day__lt=today).values_list("day", flat=True)))
    began = time.perf_counter()
    for day in days:
        roll_up(day, today)
    run["rollup_s"] = round(time.perf_counter() - began, 1)
    run["rollup_days"] = len(days)
    run["rollup_rows"] = DailyReads.objects.count()
    analyse(vendor)
    run.update(database_size(vendor))
    print(f"  {vendor}: rolled up {len(days)} days in {run['rollup_s']} s", flush=True)

    post = PostPage.objects.get(id=post_ids[0])
    views = {
        "7 days": lambda: analytics_figures(busy, "7", today),
        "30 days": lambda: analytics_figures(busy, "30", today),
        "365 days": lambda: analytics_figures(busy, "365", today),
        "all time": lambda: analytics_figures(busy, "all", today),
        "365 days, one post": lambda: analytics_figures(busy, "365", today, post=post),
        "365 days, one referrer": lambda: analytics_figures(
            busy, "365", today, referrer="news.example"
        ),
        "365 days, all blogs (staff)": lambda: analytics_figures(None, "365", today),
    }
    run["figures"] = {}
    for name, function in views.items():
        run["figures"][name] = timed(function, options.repeat)
        print(f"  {vendor}: {name}: {run['figures'][name]}", flush=True)
    run["versions"] = {
        "python": platform.python_version(),
        "database": connection.cursor().connection.server_version
        if vendor == "postgresql"
        else connection.cursor().connection.execute("select sqlite_version()").fetchone()[0],
    }
    run["cpus"] = os.cpu_count()
    run["load_average"] = round(os.getloadavg()[0], 2)
    Path(options.output).write_text(json.dumps(run, default=str))


def report(runs):
    lines = [
        "# Analytics at scale",
        "",
        "`bench/analytics_at_scale.py`: one busy blog's hits spread over the last 365 days "
        "(and a tenth as many on other blogs), rolled up per UTC day, then the dashboard's "
        "figures (`analytics_figures`: roll-ups of finished days plus today's raw hits) timed "
        'in one process, warm, without HTTP. "Old" is the dashboard before roll-ups: every '
        "figure counted on the raw hits.",
        "",
    ]
    for run in runs:
        lines += [
            f"## {run['database']}: {run['hits']:,} hits on the busy blog "
            f"({run['hits_stored']:,} stored in all, {run['posts']} posts)",
            "",
            f"- Seeding: {run['seed_s']} s.",
            f"- Roll-up of {run['rollup_days']} days: {run['rollup_s']} s "
            f"({run['rollup_s'] * 1000 / max(run['rollup_days'], 1):.0f} ms a day), "
            f"{run['rollup_rows']:,} `DailyReads` rows.",
            f"- Sizes: {', '.join(f'{k} {v:,}' for k, v in run.items() if k.endswith('_mb'))}.",
            "",
            "| figures | median ms | max ms | queries | reads |",
            "|---|---|---|---|---|",
        ]
        for name, result in run["figures"].items():
            lines.append(
                f"| {name} | {result['median_ms']} | {result['max_ms']} | {result['queries']} "
                f"| {result['total_reads'] or ''} |"
            )
        old = run["old_raw_365"]
        lines += [
            f"| **old: 365 days from raw hits** | {old['median_ms']} | {old['max_ms']} "
            f"| {old['queries']} | |",
            "",
            f"{run['database']} {run['versions']['database']}, Python "
            f"{run['versions']['python']}, {run['cpus']} CPUs, load average {run['load_average']} "
            f"at the end; {datetime.date.today()}.",
            "",
        ]
    return "\n".join(lines)


def main():
    options = parse_args()
    if options.worker:
        worker(options)
        return
    runs = []
    for database in options.databases:
        print(f"{database}:", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as output:
            command = [sys.executable, __file__, *sys.argv[1:], "--worker", database]
            subprocess.run([*command, "--output", output.name], check=True)  # noqa: S603
            runs.append(json.loads(Path(output.name).read_text()))
    text = report(runs)
    print(text)
    if not options.no_write:
        write_atomically(RESULTS_DIR / "analytics.md", text + "\n")


if __name__ == "__main__":
    main()
