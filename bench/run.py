"""The scale benchmark: do reader pages and a blogger's dashboard stay as fast at 100,000
blogs as at 10?

For each ``--blogs`` N this makes a fresh SQLite database under ``var/bench/``, migrates
it, seeds N blogs x ``--posts`` posts with ``manage.py bench_seed`` and then times, with
Django's test client in one process (no network, no web server), warm requests to:

* ``post``: a post, as a reader on the blog's host;
* ``home``: the blog's home page, as a reader;
* ``dashboard``: ``/dashboard/`` on the platform host, logged in as the blog's owner;
* ``explorer``: ``/dashboard/pages/<blog id>/``, the same blogger's page explorer;
* ``domain``: the post again, on the blog's own domain (custom domains resolve through
  the same indexed lookup; the sample blogs are moved there for it and back afterwards);
* ``ask``: ``/caddy/ask/?domain=<that domain>``, Caddy's question before a certificate;
* ``blogs``: ``/dashboard/blogs/``, the staff Blogs listing (newest first, with figures),
  as staff; ``blogs-deep``: a page halfway through it (``?p=1000`` at 100,000 blogs);
* ``review``: ``/dashboard/review/``, the staff review queue (dodgiest unreviewed first).

Each N runs in its own Python process, so the two sizes share no cache or import state.
It prints a table and writes ``bench/results/results.json`` and ``results.md``. The
figures are a report, not a test: nothing here fails because something is slow. See
``bench/README.md`` for how to read them.

    .venv/bin/python bench/run.py                       # N = 10 and 100,000, 2 posts each
    .venv/bin/python bench/run.py --blogs 10 1000 --requests 20
"""

import argparse
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import closing
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = BASE_DIR / "var" / "bench"
RESULTS_DIR = BASE_DIR / "bench" / "results"
SCENARIOS = (
    "post",
    "home",
    "dashboard",
    "explorer",
    "domain",
    "ask",
    "blogs",
    "blogs-deep",
    "review",
)
ON_OWN_DOMAINS = {"domain", "ask"}  # measured while the sample blogs have custom domains
TARGET_RATIO = 1.5  # the target: at 100,000 blogs within 1.5x of the time at 10
TARGET_POST_QUERIES = 5
SAMPLE_BLOGS = 10  # requests rotate over this many randomly chosen blogs


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blogs", type=int, nargs="+", default=[10, 100_000])
    parser.add_argument("--posts", type=int, default=2, help="posts per blog")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per blog first")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=60,
        help="stop timing one page after this long (at least 5 requests are made)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a database from an earlier run when it holds the same N x M blogs",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="write a cProfile of one warm request per page to var/bench/",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave bench/results/ alone"
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- The worker: one N in its own process -----------------------------------------------


def configure_environment(blogs):
    """Point Django (this process and the seeding ones) at this N's database and cache."""
    database = WORK_DIR / f"bench-{blogs}.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["CACHE_DIR"] = str(WORK_DIR / f"cache-{blogs}")
    os.environ["DEBUG"] = "false"  # no debug toolbar, no SQL kept in memory
    os.environ["SITE_PORT"] = "8000"  # http, as in development: no HTTPS redirect
    os.environ.pop("REDIS_URL", None)  # the file cache, as on the staging box
    # Reader pages are rendered on every request: a page-cache hit costs the same at any
    # N and would hide what rendering costs.
    os.environ["READER_PAGE_CACHE_SECONDS"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bearcms.settings"
    return database


def seeded_counts(database):
    try:
        with closing(sqlite3.connect(database)) as db:
            return tuple(
                db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("blog_blogpage", "blog_postpage")
            )
    except sqlite3.Error:
        return None


def prepare_database(database, blogs, posts, reuse):
    """Migrate and seed in their own processes, so that the measuring one starts clean;
    with ``reuse``, keep a database that already holds N x M blogs (and report the
    seeding time recorded when it was made)."""
    record = database.with_suffix(".json")
    if reuse and seeded_counts(database) == (blogs, blogs * posts) and record.exists():
        return {**json.loads(record.read_text()), "reused": True}
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm"), record):
        path.unlink(missing_ok=True)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    started = time.perf_counter()
    # Our own interpreter and manage.py, with arguments we built: nothing untrusted.
    subprocess.run([*manage, "migrate", "--verbosity=0"], check=True, cwd=BASE_DIR)  # noqa: S603
    migrated = time.perf_counter()
    seed = [*manage, "bench_seed", f"--blogs={blogs}", f"--posts={posts}"]
    subprocess.run(seed, check=True, cwd=BASE_DIR)  # noqa: S603
    seeded = time.perf_counter()
    timings = {
        "migrate_seconds": round(migrated - started, 1),
        "seed_seconds": round(seeded - migrated, 1),
    }
    record.write_text(json.dumps(timings))
    return {**timings, "reused": False}


def setup_django():
    sys.path.insert(0, str(BASE_DIR))
    warnings.filterwarnings("ignore", message="No directory at")

    import django
    from django.conf import settings

    # Serve static URLs without collectstatic's manifest (as DEBUG does); the pages are
    # the same, only the asset file names lack their hash.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django.setup()


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def own_domain(blog):
    return f"{blog.subdomain}.example.org"


def move_sample(sample, to_own_domains):
    """Publish the sample blogs on their own domains, or back on their subdomains, as a
    blogger does from the dashboard."""
    for blog in sample:
        blog.custom_domain = own_domain(blog) if to_own_domains else None
        blog.save_revision().publish()


def staff_user():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    return users.filter(username="bench-staff").first() or users.create_superuser(
        "bench-staff", "bench-staff@example.com", None
    )


def make_targets(blogs):
    """Per page, a list of (client, url, expected) over a fixed random sample of blogs;
    and the sample."""
    from django.conf import settings
    from django.test import Client

    from blog.models import BlogPage, PostPage

    numbers = sorted(
        random.Random(20_261_126).sample(range(1, blogs + 1), min(SAMPLE_BLOGS, blogs))
    )
    sample = list(
        BlogPage.objects.filter(subdomain__in=[f"bench{n}" for n in numbers]).select_related(
            "owner"
        )
    )
    targets = {name: [] for name in SCENARIOS}
    staff = Client(HTTP_HOST=settings.BLOG_DOMAIN)
    staff.force_login(staff_user())
    deep_page = max(1, blogs // 100)  # 50 blogs a page: halfway through the listing
    targets["blogs"] = [(staff, "/dashboard/blogs/", "Blogs")]
    targets["blogs-deep"] = [(staff, f"/dashboard/blogs/?p={deep_page}", "Blogs")]
    targets["review"] = [(staff, "/dashboard/review/", "Review queue")]
    for blog in sample:
        post = PostPage.objects.child_of(blog).order_by("path").first()
        reader = Client(HTTP_HOST=f"{blog.subdomain}.{settings.BLOG_DOMAIN}")
        blogger = Client(HTTP_HOST=settings.BLOG_DOMAIN)
        blogger.force_login(blog.owner)
        targets["post"].append((reader, f"/{post.slug}/", post.title))
        targets["home"].append((reader, "/", blog.title))
        targets["dashboard"].append((blogger, "/dashboard/", "Dashboard"))
        targets["explorer"].append((blogger, f"/dashboard/pages/{blog.id}/", post.title))
        on_domain = Client(HTTP_HOST=own_domain(blog))
        targets["domain"].append((on_domain, f"/{post.slug}/", post.title))
        platform = Client(HTTP_HOST=settings.BLOG_DOMAIN)
        targets["ask"].append((platform, f"/caddy/ask/?domain={own_domain(blog)}", "OK"))
    return targets, sample


def fetch(client, url, expected):
    response = client.get(url)
    if response.status_code != 200 or expected.encode() not in response.content:
        raise SystemExit(f"{url} answered {response.status_code} without {expected!r}")
    return len(response.content)


def measure(name, targets, options, notes):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Cold: the first request after the cache was emptied (host and URL caches to fill).
    cache.clear()
    client, url, expected = targets[0]
    with CaptureQueriesContext(connection) as cold_queries:
        started = time.perf_counter()
        fetch(client, url, expected)
        cold_ms = (time.perf_counter() - started) * 1000
    cold_count = len(cold_queries)  # now: the captured list is a view of the connection's log
    # Warm-up: every blog's caches filled, templates compiled; cut short when one request
    # takes seconds (then a third of the time budget is spent here at most).
    warm_until = time.perf_counter() + options.max_seconds / 3
    for client, url, expected in targets * options.warmup:
        fetch(client, url, expected)
        if time.perf_counter() > warm_until:
            break
    counts = []
    for client, url, expected in targets[:2]:
        with CaptureQueriesContext(connection) as queries:
            fetch(client, url, expected)
        counts.append(len(queries))
    notes.append(f"== {name}: {url}\n" + "\n".join(q["sql"] for q in queries.captured_queries))
    if options.profile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(fetch, client, url, expected)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
        (WORK_DIR / f"profile-{options.worker}-{name}.txt").write_text(out.getvalue())
    times, cpu_times, sizes = [], [], []
    deadline = time.perf_counter() + options.max_seconds
    for i in range(options.requests):
        client, url, expected = targets[i % len(targets)]
        started, cpu_started = time.perf_counter(), time.process_time()
        sizes.append(fetch(client, url, expected))
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
        if i >= 4 and time.perf_counter() > deadline:
            break
    return {
        "requests": len(times),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "cpu_median_ms": round(statistics.median(cpu_times), 2),
        "queries": max(counts),
        "bytes": int(statistics.median(sizes)),
        "cold_ms": round(cold_ms, 1),
        "cold_queries": cold_count,
    }


def worker(options):
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    blogs = options.worker
    database = configure_environment(blogs)
    run = {"blogs": blogs, "posts_per_blog": options.posts}
    run.update(prepare_database(database, blogs, options.posts, options.reuse))
    setup_django()
    import django
    import wagtail

    files = [Path(f"{database}{suffix}") for suffix in ("", "-wal")]
    run["database_mb"] = round(sum(f.stat().st_size for f in files if f.exists()) / 1e6, 1)
    run["versions"] = {
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
    }
    targets, sample = make_targets(blogs)
    move_sample(sample, to_own_domains=False)  # as they were, should a run have stopped
    notes = []
    run["pages"] = {}
    for name in SCENARIOS:
        if name in ON_OWN_DOMAINS and not sample[0].custom_domain:
            move_sample(sample, to_own_domains=True)
        run["pages"][name] = result = measure(name, targets[name], options, notes)
        print(
            f"  N={blogs:>7,}  {name:<9} median {result['median_ms']:>9.2f} ms  "
            f"p95 {result['p95_ms']:>9.2f} ms  {result['queries']:>3} queries  "
            f"{result['bytes']:>10,} bytes  ({result['requests']} requests)",
            flush=True,
        )
    move_sample(sample, to_own_domains=False)
    (WORK_DIR / f"queries-{blogs}.txt").write_text("\n\n".join(notes) + "\n")
    Path(options.output).write_text(json.dumps(run))


# --- The driver: one worker per N, then the report --------------------------------------


def ratios(runs):
    """For each page, the median at the largest N over the median at the smallest."""
    if len(runs) < 2:
        return {}
    small, large = runs[0]["pages"], runs[-1]["pages"]
    return {
        name: {
            "median": round(large[name]["median_ms"] / small[name]["median_ms"], 2),
            "cpu_median": round(large[name]["cpu_median_ms"] / small[name]["cpu_median_ms"], 2),
        }
        for name in SCENARIOS
    }


def markdown(report):
    runs = report["runs"]
    header = "| page |" + "".join(
        f" N={run['blogs']:,}: median / p95 ms | queries | bytes |" for run in runs
    )
    if len(runs) > 1:
        header += f" ratio (N={runs[-1]['blogs']:,} / N={runs[0]['blogs']:,}) |"
    lines = [header, "|---" * (header.count("|") - 1) + "|"]
    for name in SCENARIOS:
        row = f"| {name} |"
        for run in runs:
            page = run["pages"][name]
            row += (
                f" {page['median_ms']:.1f} / {page['p95_ms']:.1f} | {page['queries']} |"
                f" {page['bytes']:,} |"
            )
        if len(runs) > 1:
            ratio = report["ratios"][name]
            over = " **over 1.5x**" if min(ratio.values()) > TARGET_RATIO else ""
            row += f" {ratio['median']:.2f}x (CPU {ratio['cpu_median']:.2f}x){over} |"
        lines.append(row)
    seeding = ", ".join(
        f"N={run['blogs']:,}: {run['seed_seconds']} s ({run['database_mb']} MB)"
        for run in runs
        if "seed_seconds" in run
    )
    v = report["versions"]
    lines += [
        "",
        f"{report['posts_per_blog']} posts per blog. Wall time of warm requests, median and "
        f"95th percentile of up to {report['requests']} each; ratio = median at the largest N "
        f"over median at the smallest (CPU: the same for this process's CPU time, which other "
        f"load on the machine disturbs less). Queries = SQL queries of one warm request; "
        f"bytes = response size.",
        f"Seeding (bulk): {seeding or 'reused databases'}.",
        f"Python {v.get('python')}, Django {v.get('django')}, Wagtail {v.get('wagtail')}, "
        f"SQLite {v.get('sqlite')}, {v.get('cpus')} CPUs; commit {report['commit']}, "
        f"run {report['date']}.",
    ]
    return "\n".join(lines) + "\n"


def git_commit():
    """The commit measured, with "+changes" when the working tree differs from it."""
    try:
        git = ["git", "-C", str(BASE_DIR)]
        commit = subprocess.run(  # noqa: S603 (fixed arguments)
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(  # noqa: S603 (fixed arguments)
            [*git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}+changes" if changed else commit


def write_atomically(path, text):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def run_workers(script, options):
    """Run ``script --worker N`` once per size N, each in a process of its own (a fresh
    Django with its own database), and return what each wrote."""
    runs = []
    for blogs in options.blogs:
        print(f"N = {blogs:,} blogs x {options.posts} posts", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as output:
            command = [
                sys.executable,
                script,
                "--worker",
                str(blogs),
                "--output",
                output.name,
                *sys.argv[1:],
            ]
            subprocess.run(command, check=True)  # noqa: S603 (a script of ours, our arguments)
            runs.append(json.loads(Path(output.name).read_text()))
    return runs


def main():
    options = parse_args()
    if options.worker is not None:
        return worker(options)
    runs = run_workers(__file__, options)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "commit": git_commit(),
        "posts_per_blog": options.posts,
        "requests": options.requests,
        "versions": runs[-1]["versions"] if runs else {},
        "target": {"ratio": TARGET_RATIO, "post_queries": TARGET_POST_QUERIES},
        "runs": runs,
        "ratios": ratios(runs),
    }
    table = markdown(report)
    print("\n" + table)
    if not options.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        write_atomically(RESULTS_DIR / "results.json", json.dumps(report, indent=2) + "\n")
        write_atomically(RESULTS_DIR / "results.md", table)
        print(f"Written to {RESULTS_DIR.relative_to(BASE_DIR)}/results.json and results.md")
    # Cache directories are rebuilt per run; databases stay for --reuse (var/ is ignored).
    for blogs in options.blogs:
        shutil.rmtree(WORK_DIR / f"cache-{blogs}", ignore_errors=True)


if __name__ == "__main__":
    main()
