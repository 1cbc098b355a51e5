"""The discovery benchmark: is ``/discover/`` as fast at 100,000 blogs and 1,000,000 posts
as at 1,000 blogs?

For each ``--blogs`` N (default 1,000, 10,000 and 100,000, ``--posts`` 10 each) this makes a
PostgreSQL database ``bench_discover_<N>`` (or keeps it with ``--reuse``), migrates it,
seeds it with ``manage.py bench_seed --no-history`` (half the blogs reviewed, a mix of
languages, upvotes and dates: see that command), runs ``VACUUM ANALYZE`` so the planner
knows the tables' sizes, then times in one process, with Django's test client on the
platform host (no web server, no network), warm requests to the discovery pages (see
``PAGES``). For each it reports median, p95 and max wall time, the SQL queries of one
request, and ``EXPLAIN (ANALYZE, BUFFERS)`` of every query on the posts table, with the
index each one uses.

Search (``/discover/search/?q=``) is measured for a word in about half the posts, two
words, a word in ten posts and a word in none. The seeded pages are not in the search
index: the benchmark indexes them with Wagtail's own backend (``add_bulk``, 5,000 posts a
call, the SQL a publish runs), which takes about 10 minutes for 1,000,000 posts, and
reports how long it took.

The discovery cache (``READER_PAGE_CACHE_SECONDS``) is off: what is timed is the database
path every first request after a change takes.

Each N runs in its own Python process. It writes ``bench/results/discover.json`` (every
figure and plan) and ``discover.md``. A report, not a test: nothing fails because
something is slow.

    .venv/bin/python bench/discover.py                 # 10k, 100k and 1M posts
    .venv/bin/python bench/discover.py --reuse         # measure the databases seeded before
    .venv/bin/python bench/discover.py --blogs 100 1000 --requests 20 --no-write
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402
    BASE_DIR,
    RESULTS_DIR,
    WORK_DIR,
    percentile,
    run_workers,
    setup_django,
    write_atomically,
)

COMMON_WORD = "sourdough"  # in about half the seeded bodies (bench_seed's PARAGRAPHS)
RARE_WORD = "quokka"  # in RARE_POSTS listed posts, added by index_posts
RARE_POSTS = 10
INDEX_CHUNK = 5000
# (name, path, as whom, what a 200 response must contain)
PAGES = (
    ("trending", "/discover/", "anonymous", 'href="http'),
    ("newest", "/discover/?newest=1", "anonymous", 'href="http'),
    ("page 50", "/discover/?page=50", "anonymous", 'href="http'),
    ("lang=de", "/discover/?lang=de", "anonymous", 'href="http'),
    ("feed", "/discover/feed/", "anonymous", "<entry>"),
    ("feed newest", "/discover/feed/?newest=1", "anonymous", "<entry>"),
    # Beyond the list: a signed-in reader (their hidden blogs are left out) and a
    # language no seeded blog writes in, the worst case of the language filter.
    ("signed in", "/discover/", "reader", 'href="http'),
    ("lang=nl (none)", "/discover/?lang=nl", "anonymous", "<main"),
    ("search", f"/discover/search/?q={COMMON_WORD}", "anonymous", 'href="http'),
    ("search 2 words", "/discover/search/?q=kingfishers+tomatoes", "anonymous", 'href="http'),
    ("search rare", f"/discover/search/?q={RARE_WORD}", "anonymous", 'href="http'),
    ("search no match", "/discover/search/?q=zanzibar", "anonymous", "No posts match"),
)
EXPLAINED = (
    "trending",
    "newest",
    "page 50",
    "lang=de",
    "signed in",
    "lang=nl (none)",
    "search",
    "search 2 words",
    "search rare",
    "search no match",
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blogs", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--posts", type=int, default=10, help="posts per blog")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page first")
    parser.add_argument(
        "--max-seconds", type=float, default=60, help="stop timing one page after this long"
    )
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--reuse", action="store_true", help="keep a database that holds the same N x M blogs"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave bench/results/ alone"
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- The worker: one N in its own process -----------------------------------------------


def database_name(blogs):
    return f"bench_discover_{blogs}"


def database_url(options, blogs):
    return options.postgres.rsplit("/", 1)[0] + "/" + database_name(blogs)


def configure_environment(options, blogs):
    """Point Django (this process and the seeding ones) at this N's database and cache."""
    os.environ["DATABASE_URL"] = database_url(options, blogs)
    os.environ["CACHE_DIR"] = str(WORK_DIR / f"discover-cache-{blogs}")
    shutil.rmtree(os.environ["CACHE_DIR"], ignore_errors=True)
    os.environ["DEBUG"] = "false"  # no debug toolbar, no SQL kept in memory
    os.environ["SITE_PORT"] = "8000"  # http, as in development: no HTTPS redirect
    os.environ.pop("REDIS_URL", None)
    os.environ["READER_PAGE_CACHE_SECONDS"] = "0"  # the discovery views cache nothing
    os.environ["DJANGO_SETTINGS_MODULE"] = "bearcms.settings"


def server(options, sql, database="postgres"):
    """Run ``sql`` on the PostgreSQL server (autocommit: CREATE DATABASE needs it)."""
    import psycopg2

    connection = psycopg2.connect(options.postgres.rsplit("/", 1)[0] + f"/{database}")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def seeded_counts(options, blogs):
    try:
        return server(
            options,
            "SELECT (SELECT COUNT(*) FROM blog_blogpage), (SELECT COUNT(*) FROM blog_postpage)",
            database_name(blogs),
        )[0]
    except Exception:
        return None


def prepare_database(options, blogs):
    """Migrate and seed in their own processes; with ``--reuse``, keep a database that
    already holds N x M blogs (and report the seeding time recorded when it was made)."""
    record = WORK_DIR / f"discover-{blogs}-seed.json"
    posts = blogs * options.posts
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    if options.reuse and seeded_counts(options, blogs) == (blogs, posts) and record.exists():
        # Migrations added since it was seeded (new indexes) are measured too.
        subprocess.run([*manage, "migrate", "--verbosity=0"], check=True, cwd=BASE_DIR)  # noqa: S603
        return {**json.loads(record.read_text()), "reused": True}
    record.unlink(missing_ok=True)
    server(options, f"DROP DATABASE IF EXISTS {database_name(blogs)}")
    server(options, f"CREATE DATABASE {database_name(blogs)}")
    started = time.perf_counter()
    # Our own interpreter and manage.py, with arguments we built: nothing untrusted.
    subprocess.run([*manage, "migrate", "--verbosity=0"], check=True, cwd=BASE_DIR)  # noqa: S603
    migrated = time.perf_counter()
    seed = [*manage, "bench_seed", f"--blogs={blogs}", f"--posts={options.posts}", "--no-history"]
    subprocess.run(seed, check=True, cwd=BASE_DIR)  # noqa: S603
    seeded = time.perf_counter()
    timings = {
        "migrate_seconds": round(migrated - started, 1),
        "seed_seconds": round(seeded - migrated, 1),
    }
    record.write_text(json.dumps(timings))
    return {**timings, "reused": False}


def make_clients():
    """An anonymous reader, and a signed-in one who hid two blogs from their feed."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from blog.models import BlogPage
    from home.models import HiddenBlog

    reader, _ = get_user_model().objects.get_or_create(
        username="discover-reader", defaults={"email": "discover-reader@example.com"}
    )
    listed = BlogPage.objects.filter(reviewed=True, discoverable=True, hidden=False)
    for blog in listed.order_by("path")[:2]:
        HiddenBlog.objects.get_or_create(user=reader, blog=blog)
    signed_in = Client(HTTP_HOST=settings.BLOG_DOMAIN)
    signed_in.force_login(reader)
    return {"anonymous": Client(HTTP_HOST=settings.BLOG_DOMAIN), "reader": signed_in}


def fetch(client, url, expected):
    response = client.get(url)
    content = response.content
    if response.status_code != 200 or expected.encode() not in content:
        raise SystemExit(f"{url} answered {response.status_code} without {expected!r}")
    return len(content), content.count(b"<h2><a href=") or content.count(b"<entry>")


def measure(client, url, expected, options):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Warm-up, cut short when one request takes seconds (a third of the time budget at most).
    warm_until = time.perf_counter() + options.max_seconds / 3
    for _ in range(options.warmup):
        fetch(client, url, expected)
        if time.perf_counter() > warm_until:
            break
    with CaptureQueriesContext(connection) as captured:
        size, entries = fetch(client, url, expected)
    # Read now: the next request empties the connection's log this is a view of.
    queries = [query["sql"] for query in captured.captured_queries]
    times = []
    deadline = time.perf_counter() + options.max_seconds
    for i in range(options.requests):
        started = time.perf_counter()
        fetch(client, url, expected)
        times.append((time.perf_counter() - started) * 1000)
        if i >= 4 and time.perf_counter() > deadline:
            break
    result = {
        "url": url,
        "requests": len(times),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "queries": len(queries),
        "bytes": size,
        "entries": entries,
    }
    return result, queries


def query_role(sql):
    """What a discovery query is for, told by its shape (see home.discover)."""
    if "GROUP BY" in sql:
        return "anti-flood"
    if sql.startswith("SELECT COUNT(*)"):
        return "count"
    return "page"


def explain(sql):
    """``EXPLAIN (ANALYZE, BUFFERS)`` of one captured query, and the indexes it used."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "role": query_role(sql),
        "sql": sql,
        "plan": plan,
        "indexes": sorted(
            set(re.findall(r"Index (?:Only )?Scan(?: Backward)? (?:using|on) (\w+)", plan))
        ),
        "seq_scans": sorted(set(re.findall(r"Seq Scan on (\w+)", plan))),
        "execution_ms": float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)),
    }


def index_posts(record):
    """Put every post in the search index, as publishing each would, with ``RARE_WORD``
    added to a few listed ones first; once per database (the seeding record says so).

    The index table's GIN indexes are dropped for the fill and built again after it, as
    a restore would: kept, they cost PostgreSQL about 5 ms of CPU per entry at a million
    posts (an hour and a half). An interrupted fill goes on from the last post indexed.
    """
    from django.db import connection
    from django.db.models import IntegerField, Max, Value
    from django.db.models.functions import Cast, Concat
    from wagtail.search.backends import get_search_backend
    from wagtail.search.models import IndexEntry

    from blog.models import PostPage

    timings = json.loads(record.read_text())
    if "index_seconds" in timings:
        return timings["index_seconds"]
    started = time.perf_counter()
    listed = PostPage.objects.filter(in_discovery=True)
    missing = RARE_POSTS - listed.filter(body__contains=RARE_WORD).count()
    rare_ids = list(
        listed.exclude(body__contains=RARE_WORD).order_by("pk").values_list("pk", flat=True)
    )[: max(missing, 0)]
    PostPage.objects.filter(pk__in=rare_ids).update(
        body=Concat("body", Value(f"\n\nA {RARE_WORD} came to the window."))
    )
    table = IndexEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
            " AND indexdef LIKE '%%USING gin%%'",
            [table],
        )
        # Kept in the record first, so that a fill interrupted after the drop builds
        # them all the same when it goes on.
        gin_indexes = dict(timings.get("gin_indexes", {})) | dict(cursor.fetchall())
        record.write_text(json.dumps({**timings, "gin_indexes": gin_indexes}))
        for name in gin_indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    indexed = IndexEntry.objects.annotate(post=Cast("object_id", IntegerField())).filter(
        content_type__model="postpage"
    )
    last = indexed.aggregate(last=Max("post"))["last"] or 0
    backend = get_search_backend()
    for post in PostPage.objects.filter(pk__in=rare_ids, pk__lte=last):
        backend.add(post)  # indexed before it had the word
    while True:
        chunk = list(PostPage.objects.filter(pk__gt=last).order_by("pk")[:INDEX_CHUNK])
        if not chunk:
            break
        backend.add_bulk(PostPage, chunk)
        last = chunk[-1].pk
    with connection.cursor() as cursor:
        for definition in gin_indexes.values():
            cursor.execute(definition)
    timings["index_seconds"] = round(time.perf_counter() - started, 1)
    record.write_text(json.dumps(timings))
    return timings["index_seconds"]


def title_norm_refresh_ms():
    """What each write to the search index costs after it, median of three: modelsearch's
    own refresh of the title norms and ours (blog.wagtail_overrides.search_norms), each
    for the newest post's entry marked new again, in a transaction rolled back."""
    from django.db import connection, transaction
    from wagtail.search.backends import get_search_backend

    from blog.models import PostPage
    from blog.wagtail_overrides import search_norms

    index = get_search_backend().get_index_for_model(PostPage)
    newest = str(PostPage.objects.order_by("-pk").values_list("pk", flat=True).first())
    # Entries modelsearch left at 1.0 (titles as long as the average: most seeded ones)
    # are set once, as the first write after the upgrade sets them.
    search_norms.refresh_title_norms(index)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {index.entries.model._meta.db_table}")  # what autovacuum does
    figures = {}
    for name, refresh in (
        ("modelsearch", search_norms.stock_refresh_title_norms),
        ("ours", search_norms.refresh_title_norms),
    ):
        times = []
        for _ in range(3):
            with transaction.atomic():
                index.entries.filter(object_id=newest).update(title_norm=1.0)
                started = time.perf_counter()
                refresh(index)
                times.append((time.perf_counter() - started) * 1000)
                transaction.set_rollback(True)
        figures[name] = round(statistics.median(times), 1)
    return figures


def wagtail_search_ms(word, options):
    """The median time of the first page of Wagtail's own search for ``word`` (every
    match ranked), as discovery ran it before ``home.discovery_search``: for comparison."""
    from django.core.paginator import Paginator

    from home.discover import PAGE_SIZE, discoverable_posts

    times = []
    deadline = time.perf_counter() + options.max_seconds
    while len(times) < 5 and time.perf_counter() < deadline:
        started = time.perf_counter()
        list(Paginator(discoverable_posts().search(word)[:1000], PAGE_SIZE).page(1))
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def worker(options):
    blogs = options.worker
    configure_environment(options, blogs)
    run = {"blogs": blogs, "posts_per_blog": options.posts}
    run.update(prepare_database(options, blogs))
    database = database_name(blogs)
    started = time.perf_counter()
    # The planner's statistics, and no autovacuum of the fresh tables during the timing.
    server(options, "VACUUM ANALYZE", database)
    run["vacuum_analyze_seconds"] = round(time.perf_counter() - started, 1)
    setup_django()
    run["index_seconds"] = index_posts(WORK_DIR / f"discover-{blogs}-seed.json")
    server(options, "ANALYZE", database)
    import django
    import wagtail
    from django.db import connection

    from blog.models import PostPage

    run["in_discovery"] = PostPage.objects.filter(in_discovery=True).count()
    [(size,)] = server(options, "SELECT pg_database_size(current_database())", database)
    run["database_mb"] = round(size / 1e6)
    version = connection.cursor().connection.server_version  # 150020 is 15.20
    run["versions"] = {
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "postgresql": f"{version // 10000}.{version % 100}",
        "cpus": os.cpu_count(),
    }
    clients = make_clients()
    run["pages"], run["plans"] = {}, {}
    for name, url, who, expected in PAGES:
        result, queries = measure(clients[who], url, expected, options)
        run["pages"][name] = result
        print(
            f"  N={blogs:>7,}  {name:<15} median {result['median_ms']:>8.2f} ms  "
            f"p95 {result['p95_ms']:>8.2f}  max {result['max_ms']:>8.2f}  "
            f"{result['queries']:>2} queries  {result['entries']:>2} entries  "
            f"({result['requests']} requests)",
            flush=True,
        )
        if name in EXPLAINED:
            run["plans"][name] = [explain(sql) for sql in queries if "blog_postpage" in sql]
    run["wagtail_search"] = {
        word: wagtail_search_ms(word, options) for word in (COMMON_WORD, RARE_WORD)
    }
    print(f"  N={blogs:>7,}  Wagtail's own search, median ms: {run['wagtail_search']}")
    run["title_norms_ms"] = title_norm_refresh_ms()
    print(f"  N={blogs:>7,}  title norm refresh after a write, ms: {run['title_norms_ms']}")
    # Other work on the machine slows wall time down: say how busy it was.
    run["load_average"] = round(os.getloadavg()[0], 2)
    Path(options.output).write_text(json.dumps(run))


# --- The driver: one worker per N, then the report --------------------------------------


def ratios(runs):
    """For each page, the median at the largest N over the median at the smallest."""
    if len(runs) < 2:
        return {}
    small, large = runs[0]["pages"], runs[-1]["pages"]
    return {
        name: round(large[name]["median_ms"] / small[name]["median_ms"], 2)
        for name in large
        if "median_ms" in large[name] and "median_ms" in small.get(name, {})
    }


def plan_summary(plan):
    used = ", ".join(plan["indexes"]) or "no index"
    scans = f", seq scan on {', '.join(plan['seq_scans'])}" if plan["seq_scans"] else ""
    return f"{plan['role']}: {used}{scans} ({plan['execution_ms']:.2f} ms)"


def markdown(report):
    runs = report["runs"]
    header = "| page | URL |" + "".join(
        f" N={run['blogs']:,}: median / p95 / max ms | queries |" for run in runs
    )
    if len(runs) > 1:
        header += " ratio |"
    lines = [header, "|---" * (header.count("|") - 1) + "|"]
    for name, url, _who, _expected in PAGES:
        row = f"| {name} | `{url}` |"
        for run in runs:
            page = run["pages"][name]
            row += f" {page['median_ms']:.1f} / {page['p95_ms']:.1f} / {page['max_ms']:.1f} |"
            row += f" {page['queries']} |"
        if len(runs) > 1:
            ratio = report["ratios"].get(name)
            row += f" {ratio:.2f}x |" if ratio else " - |"
        lines.append(row)
    largest = runs[-1]
    lines += ["", f"Queries on the posts table at N={largest['blogs']:,} (EXPLAIN ANALYZE):", ""]
    for name, plans in largest["plans"].items():
        lines.append(f"- {name}: " + "; ".join(plan_summary(plan) for plan in plans))
    seeding = ", ".join(
        f"N={run['blogs']:,}: {run.get('seed_seconds', '?')} s"
        + (" (reused)" if run.get("reused") else "")
        + f", {run['in_discovery']:,} of {run['blogs'] * run['posts_per_blog']:,} posts listed"
        + f", {run['database_mb']:,} MB, indexed for search in {run['index_seconds']} s"
        for run in runs
    )
    v = report["versions"]
    lines += [
        "",
        f"{report['posts_per_blog']} posts per blog. Wall time of warm requests in the test "
        f"client (middleware, view, template, PostgreSQL; no web server), up to "
        f"{report['requests']} per page; ratio = median at the largest N over median at the "
        "smallest. Queries = SQL queries of one request.",
        f"Seeding (`bench_seed --no-history`) and search indexing: {seeding}.",
        "Wagtail's own search (`posts.search(q)`: every match ranked), for comparison, "
        "median ms of its first page: "
        + ", ".join(
            f"N={run['blogs']:,}: "
            + ", ".join(f"{word} {ms}" for word, ms in run["wagtail_search"].items())
            for run in runs
        )
        + ".",
        "The title norms refreshed after each write to the search index, median ms: "
        + ", ".join(
            f"N={run['blogs']:,}: modelsearch's {run['title_norms_ms']['modelsearch']}, "
            f"ours {run['title_norms_ms']['ours']}"
            for run in runs
            if "title_norms_ms" in run
        )
        + ".",
        "Load average (1 min) at the end of each run: "
        + ", ".join(f"N={run['blogs']:,}: {run['load_average']}" for run in runs)
        + " (the benchmark and PostgreSQL keep about 1 CPU busy; more is other work).",
        f"Python {v.get('python')}, Django {v.get('django')}, Wagtail {v.get('wagtail')}, "
        f"PostgreSQL {v.get('postgresql')}, {v.get('cpus')} CPUs; run {report['date']}.",
        "",
        f"## Plans at N={largest['blogs']:,}",
    ]
    for name, plans in largest["plans"].items():
        for plan in plans:
            lines += ["", f"### {name}: {plan['role']}", "", "```sql", plan["sql"], "```"]
            lines += ["", "```"]
            lines += [plan["plan"], "```"]
    return "\n".join(lines) + "\n"


def main():
    options = parse_args()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    if options.worker is not None:
        return worker(options)
    runs = run_workers(__file__, options)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "posts_per_blog": options.posts,
        "requests": options.requests,
        "versions": runs[-1]["versions"],
        "runs": runs,
        "ratios": ratios(runs),
    }
    table = markdown(report)
    print("\n" + table.split("\n## Plans")[0])
    if not options.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        write_atomically(RESULTS_DIR / "discover.json", json.dumps(report, indent=2) + "\n")
        write_atomically(RESULTS_DIR / "discover.md", table)
        print(f"Written to {RESULTS_DIR.relative_to(BASE_DIR)}/discover.json and discover.md")


if __name__ == "__main__":
    main()
