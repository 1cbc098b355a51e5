"""Mixed load as on a production dyno: readers, bloggers publishing and upvoters at once.

The issue's target: on this 2-core machine, no 5xx, and a p99 under 200 ms for reader
pages and upvotes, while 50 readers read 1,000 blogs, 5 bloggers publish and 20 readers
upvote (the bloggers' own requests are reported beside them: a log-in hashes a password
for half a second by design).

1. Makes the PostgreSQL database ``bench_load`` (dropped first), migrates it, collects the
   static files into var/bench/load-static (the admin needs their manifest with DEBUG
   off; kept while current) and seeds ``--blogs``
   blogs x ``--posts`` posts with ``manage.py bench_seed``; its owners ``bench1`` ...
   log in with ``bench-password``.
2. Starts gunicorn as the Procfile's web dyno does (``gunicorn.conf.py`` through
   tests/support/gunicorn_server.py: WEB_CONCURRENCY's default of 2 workers, GUNICORN_THREADS' 1),
   DEBUG off, Redis database 12 as the shared cache (emptied), the reader page cache at
   its production default, ``TRUSTED_PROXIES=127.0.0.1`` so that each simulated person's
   X-Forwarded-For counts, and the default ``SITE_PORT`` of 443: requests say
   ``X-Forwarded-Proto: https`` as Heroku's router does. The Procfile's task worker
   (``manage.py db_worker``) runs beside it, as publishing queues subscriber mail.
3. Runs locust headless for ``--seconds`` with bench/locustfile.py (think times there).
4. Checks the data: every post whose publish request got its 302 exists, is live and is
   served on its blog; each post's upvote count grew by exactly its new Upvote rows, and
   there are as many new rows as upvotes that got their 303; no queued task failed.
5. Reports, per request type and in total: requests, requests/s, p50/p95/p99 ms (the
   client's, from sending to the whole response; the first ``--warm-up`` seconds, a
   fresh server with empty caches and everyone arriving at once, are counted apart),
   and the requests that did not get the expected status as 5xx, 429 and other; beside
   them the server's own p50/p99 from the access log (time in the worker; the rest is
   waiting for a free worker and the network), and the CPU gunicorn and locust used.
   Prints it and writes bench/results/load.md and load.json; the logs stay in
   var/bench/load/.
6. Stops everything, drops the database (unless ``--keep-database``) and empties the Redis
   database.

A report, not a test: it never fails because something is slow (it exits 1 only when the
data check finds something wrong).

    .venv/bin/python bench/load.py                        # 1,000 blogs, 60 s
    .venv/bin/python bench/load.py --seconds 10 --blogs 50 --no-write
    .venv/bin/python bench/load.py --bloggers 0 --web-concurrency 4   # what-ifs
"""

import argparse
import json
import os
import platform
import re
import resource
import runpy
import shutil
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.hits import django_shell, server_cpu_ms  # noqa: E402
from bench.run import percentile  # noqa: E402
from bench.throughput import (  # noqa: E402
    BASE_DIR,
    PYTHON,
    RESULTS_DIR,
    WORK_DIR,
    choose_database,
    free_port,
    redis_url,
)
from tests.support import gunicorn_server, programs  # noqa: E402

DATABASE_NAME = "bench_load"
TARGET_P99_MS = 200
PLATFORM = "localhost"
BLOGGER_PASSWORD = "bench-password"  # noqa: S105 (what bench_seed gives its users)
# The access log line, for the server's own time per request (microseconds, %(D)s).
ACCESS_LOG_FORMAT = '%({host}i)s "%(m)s %(U)s" %(s)s %(D)s'
ACCESS_LINE = re.compile(r'^(\S+) "(\S+) (\S+)" (\d{3}) (\d+)$', re.M)

TARGETS = """
import json
from django.utils import timezone
from blog.models import BlogPage, PostPage
from blog.core.names import blog_hostname
blogs = {}
for blog in BlogPage.objects.filter(depth=2).order_by("id"):
    blogs[blog.id] = {"host": blog_hostname(blog.subdomain), "page_id": blog.id,
                      "owner": blog.owner.email, "posts": [], "upvotable": []}
counts = {}
for post in PostPage.objects.filter(live=True).order_by("path"):
    blog = blogs[post.blog_id]
    blog["posts"].append(post.slug)
    if not post.is_page and post.published_date <= timezone.now():
        blog["upvotable"].append(post.id)
    counts[post.id] = post.upvote_count
print(json.dumps({"blogs": list(blogs.values()), "upvote_counts": counts}))
"""

INTEGRITY = """
import json
from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from blog.models import PostPage, Upvote
with open(%r) as file:
    run = json.load(file)
before = {int(k): v for k, v in run["upvote_counts"].items()}
missing, not_live = [], []
for post in run["published"]:
    subdomain = post["host"].split(".")[0]
    page = PostPage.objects.filter(blog__subdomain=subdomain, slug=post["slug"]).first()
    if page is None:
        missing.append(post["slug"])
    elif not page.live or page.has_unpublished_changes:
        not_live.append(post["slug"])
rows = dict(Upvote.objects.values_list("post").annotate(n=Count("id")))
wrong_counts = [
    post_id for post_id, count in PostPage.objects.values_list("id", "upvote_count")
    if count - before.get(post_id, 0) != rows.get(post_id, 0)
]
tasks = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")))
print(json.dumps({
    "published_missing": missing, "published_not_live": not_live,
    "upvote_rows": sum(rows.values()), "posts_with_wrong_upvote_count": wrong_counts,
    "tasks": tasks,
}))
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="seconds of load")
    parser.add_argument(
        "--warm-up",
        type=int,
        default=10,
        help="seconds at the start left out of the percentiles (counted apart)",
    )
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--bloggers", type=int, default=5)
    parser.add_argument("--upvoters", type=int, default=20)
    parser.add_argument("--blogs", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=3, help="posts per blog")
    parser.add_argument(
        "--web-concurrency", type=int, help="gunicorn workers (default: gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--threads", type=int, help="threads per worker (default: gunicorn.conf.py's)"
    )
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--keep-database", action="store_true", help=f"leave {DATABASE_NAME} for a closer look"
    )
    options = parser.parse_args(argv)
    if options.bloggers > options.blogs:
        parser.error("each blogger needs a blog of their own: --bloggers <= --blogs")
    return options


def config_vars(database_url, cache_url, static_root):
    """A web dyno's config vars; everything else is the production default."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": cache_url,
        "SECRET_KEY": "load-benchmark-" + "k" * 50,
        "BLOG_DOMAIN": PLATFORM,
        "TRUSTED_PROXIES": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_LOG_FORMAT}'",
    }


def command_env(config):
    env = {k: v for k, v in os.environ.items() if k not in gunicorn_server.NOT_INHERITED}
    return env | config


def static_is_current(static_root):
    """Whether an earlier run's collected static files are newer than the project's own
    and its dependencies': collecting (hashing, compressing) takes a minute on 2 cores."""
    manifest = Path(static_root) / "staticfiles.json"
    if not manifest.exists():
        return False
    sources = [BASE_DIR / "requirements.txt", *(BASE_DIR / "static").rglob("*")]
    return manifest.stat().st_mtime > max(path.stat().st_mtime for path in sources)


def prepare(options, config):
    """Migrate and collect static files side by side, then seed."""
    env = command_env(config)
    commands = [["migrate", "--noinput"]]
    if not static_is_current(config["STATIC_ROOT"]):
        commands.append(["collectstatic", "--noinput"])
    running = [
        subprocess.Popen([PYTHON, "manage.py", *command, "-v0"], cwd=BASE_DIR, env=env)
        for command in commands
    ]
    if any(process.wait() for process in running):
        raise SystemExit("migrate or collectstatic failed")
    seed = ["bench_seed", "--blogs", str(options.blogs), "--posts", str(options.posts)]
    subprocess.run([PYTHON, "manage.py", *seed], cwd=BASE_DIR, env=env, check=True)
    return json.loads(django_shell(env, TARGETS))


def locust_targets(seeded, options):
    blogs = [blog for blog in seeded["blogs"] if blog["posts"]]
    bloggers = [
        {"email": blog["owner"], "password": BLOGGER_PASSWORD, "host": blog["host"],
         "page_id": blog["page_id"]}
        for blog in blogs[: options.bloggers]
    ]  # fmt: skip
    return {"scheme": "https", "platform": PLATFORM, "blogs": blogs, "bloggers": bloggers}


def start_servers(config, port, log_dir):
    """gunicorn (the web dyno) and the task worker; both write their logs to log_dir."""
    web = gunicorn_server.start(config, port, cwd=BASE_DIR, log_path=log_dir / "gunicorn.log")
    worker_log = open(log_dir / "worker.log", "wb")  # noqa: SIM115 - closed with the process
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "db_worker"], cwd=BASE_DIR, env=command_env(config),
        stdout=worker_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return web, worker


def children_cpu_ms():
    """CPU time of this process's finished children (locust, once it has exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def load_average():
    return Path("/proc/loadavg").read_text().split()[:3]


class LoadSampler(threading.Thread):
    """The 1-minute load average every 5 s while the load runs (other work on the machine
    shows up here)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples, self.done = [], threading.Event()

    def run(self):
        while not self.done.wait(5):
            self.samples.append(float(load_average()[0]))


def run_locust(port, targets_path, results_path, options, log_dir):
    users = options.readers + options.bloggers + options.upvoters
    command = [
        PYTHON, "-m", "locust", "-f", str(BASE_DIR / "bench" / "locustfile.py"), "--headless",
        "--host", f"http://127.0.0.1:{port}", "-u", str(users), "-r", str(max(users // 3, 1)),
        "-t", f"{options.seconds}s", "--stop-timeout", "10", "--only-summary",
        "--loglevel", "WARNING", "--targets", str(targets_path), "--results", str(results_path),
        "--readers", str(options.readers), "--bloggers", str(options.bloggers),
        "--upvoters", str(options.upvoters),
    ]  # fmt: skip
    with open(log_dir / "locust.log", "wb") as log:
        subprocess.run(command, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT)
    return json.loads(results_path.read_text())


def served(port, post):
    """Whether the published post is served to a reader on its blog."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "GET", f"/{post['slug']}/",
            headers={"Host": post["host"], "X-Forwarded-Proto": "https"},
        )  # fmt: skip
        response = connection.getresponse()
        return response.status == 200 and post["title"] in response.read().decode()
    finally:
        connection.close()


def check_integrity(env, port, run, upvote_counts, work):
    path = work / "integrity-input.json"
    path.write_text(json.dumps({"published": run["published"], "upvote_counts": upvote_counts}))
    found = json.loads(django_shell(env, INTEGRITY % str(path)))
    found["published"] = len(run["published"])
    found["published_not_served"] = [p["slug"] for p in run["published"] if not served(port, p)]
    found["upvotes_accepted"] = run["upvotes"]
    problems = [
        f"{len(found[key])} {key.replace('_', ' ')}"
        for key in ("published_missing", "published_not_live", "published_not_served",
                    "posts_with_wrong_upvote_count")
        if found[key]
    ]  # fmt: skip
    if found["upvote_rows"] != run["upvotes"]:
        problems.append(f"{found['upvote_rows']} new Upvote rows for {run['upvotes']} upvotes")
    if found["tasks"].get("FAILED"):
        problems.append(f"{found['tasks']['FAILED']} failed tasks")
    found["problems"] = problems
    return found


def request_type(host, method, path):
    """The locust request name an access-log line belongs to."""
    if host.split(":")[0] == PLATFORM:
        if path.startswith("/accounts/login/"):
            return "blogger: log in" if method == "POST" else "blogger: login form"
        if path.startswith("/dashboard/pages/add/"):
            return "blogger: publish" if method == "POST" else "blogger: add form"
        return "other"
    if method == "POST":
        return "upvote" if path.startswith("/upvote/") else "other"
    return {"/": "reader: home", "/feed/": "reader: feed"}.get(path, "reader: post")


def server_times(log_text):
    """Milliseconds spent in the worker, per request type, from the access log."""
    times = defaultdict(list)
    for host, method, path, _status, micros in ACCESS_LINE.findall(log_text):
        times[request_type(host, method, path)].append(int(micros) / 1000)
    times["total"] = [ms for kind, values in list(times.items()) for ms in values]
    return times


def summarize(run, log_text, warm_up):
    """The figures of each request type, and of all, for the requests started after
    ``warm_up`` seconds: a fresh server with empty caches, every simulated person
    arriving within 3 s, is not the steady load the target is about. Statuses count
    every request; the warm-up's own figures are kept apart."""
    duration = run["stopped"] - run["started"]
    server = server_times(log_text)
    rows = {}
    everything = {"ms": [], "statuses": defaultdict(int)}
    warming = []
    for name in sorted(run["requests"]):
        figures = run["requests"][name]
        timed = list(zip(figures["ms"], figures["at"], strict=True))
        steady = [ms for ms, at in timed if at >= warm_up]
        warming += [ms for ms, at in timed if at < warm_up]
        everything["ms"] += steady
        for outcome, count in figures["statuses"].items():
            everything["statuses"][outcome] += count
        # Bloggers log in once, at the start: such a type keeps its warm-up figures.
        kept = steady or figures["ms"]
        rows[name] = row({**figures, "ms": kept}, duration - warm_up, server.get(name, []))
    rows["total"] = row(everything, duration - warm_up, server["total"])
    warm = {"requests": len(warming), "p99_ms": percentile(warming, 0.99) if warming else None}
    return rows, duration, warm


def row(figures, duration, server_ms):
    ms, statuses = figures["ms"], figures["statuses"]
    return {
        "requests": len(ms),
        "rps": len(ms) / duration,
        "p50_ms": percentile(ms, 0.50),
        "p95_ms": percentile(ms, 0.95),
        "p99_ms": percentile(ms, 0.99),
        "max_ms": max(ms),
        "5xx": statuses.get("5xx", 0),
        "429": statuses.get("429", 0),
        "other": statuses.get("other", 0),
        "server_p50_ms": percentile(server_ms, 0.50) if server_ms else None,
        "server_p99_ms": percentile(server_ms, 0.99) if server_ms else None,
    }


def report(rows, meta, integrity):
    lines = [
        "| request | requests | req/s | p50 / p95 / p99 ms | max ms | 5xx | 429 | other "
        "| server p50 / p99 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, figures in rows.items():
        server = "-"
        if figures["server_p50_ms"] is not None:
            server = f"{figures['server_p50_ms']:.1f} / {figures['server_p99_ms']:.1f}"
        label = f"**{name}**" if name == "total" else name
        lines.append(
            f"| {label} | {figures['requests']:,} | {figures['rps']:.1f} | "
            f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f} / {figures['p99_ms']:.1f} | "
            f"{figures['max_ms']:.0f} | {figures['5xx']} | {figures['429']} | "
            f"{figures['other']} | {server} |"
        )
    targeted = [n for n in rows if n.startswith("reader") or n == "upvote"]
    missed = [n for n in targeted if rows[n]["p99_ms"] >= TARGET_P99_MS]
    errors = rows["total"]["5xx"]
    verdict = (
        f"Target (no 5xx, p99 < {TARGET_P99_MS} ms for reader pages and upvotes): "
        + ("met." if not (missed or errors) else "MISSED: ")
        + ", ".join(([f"{errors} 5xx"] if errors else []) + [f"p99 of {name}" for name in missed])
    )
    users = meta["users"]
    lines += [
        "",
        verdict,
        "",
        f"{users['readers']} readers (think 0.5-1.5 s), {users['bloggers']} bloggers "
        f"(3-6 s between posts), {users['upvoters']} upvoters (1-3 s) for "
        f"{meta['seconds']:.0f} s over {meta['blogs']:,} blogs x {meta['posts']} posts; "
        f"gunicorn {meta['workers']} workers x {meta['threads']} threads (gunicorn.conf.py), "
        "PostgreSQL, Redis "
        f"cache, reader page cache {meta['page_cache']}; {meta['machine']}; locust on the "
        f"same machine. Load average before {meta['load_before']}, during (max of 5 s "
        f"samples) {meta['load_during_max']}. CPU used (in cores): gunicorn "
        f"{meta['server_cores']:.2f}, locust {meta['locust_cores']:.2f} (PostgreSQL, Redis "
        f"and the task worker not counted). Run {meta['date']}.",
        "",
        f"ms: the client's, from sending the request to reading the whole response, for "
        f"the requests started after the first {meta['warm_up']['seconds']} s (a fresh "
        f"server, empty caches, everyone arriving within 3 s: "
        f"{meta['warm_up']['requests']:,} requests, p99 {meta['warm_up']['p99_ms']:.0f} ms, "
        "left out; statuses count them). "
        "server: time inside a gunicorn worker (access log, the whole run); the "
        "difference is the wait "
        "for a free worker. 5xx / 429 / other: requests without the expected status "
        "(200, or 302 for logging in and publishing, 303 for an upvote).",
        "",
        "Data check: " + ("; ".join(integrity["problems"]) or "passed") + ". "
        f"{integrity['published']} posts published (302), "
        f"{len(integrity['published_missing'])} missing, "
        f"{len(integrity['published_not_live'])} not live, "
        f"{len(integrity['published_not_served'])} not served; "
        f"{integrity['upvotes_accepted']} upvotes accepted (303), {integrity['upvote_rows']} "
        f"new Upvote rows, {len(integrity['posts_with_wrong_upvote_count'])} posts whose "
        f"count differs from their rows; queued tasks by status: {integrity['tasks']}.",
    ]
    return "\n".join(lines)


def on_server(postgres_url, statement):
    import psycopg2

    connection = psycopg2.connect(postgres_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def gunicorn_setting(name):
    """A setting gunicorn.conf.py gives (workers, threads), for the report."""
    return runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))[name]


def empty_redis(url):
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


def main(argv=None):
    options = parse_args(argv)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    work = WORK_DIR / "load"  # the logs of the latest run
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    database_url, kind = choose_database(options.postgres, DATABASE_NAME)
    if kind != "PostgreSQL":
        raise SystemExit(f"needs PostgreSQL at {options.postgres}")
    cache_url = redis_url(options.redis)
    if cache_url is None:
        raise SystemExit(f"needs Redis at {options.redis}")
    config = config_vars(database_url, cache_url, WORK_DIR / "load-static")
    if options.web_concurrency:
        config["WEB_CONCURRENCY"] = str(options.web_concurrency)
    if options.threads:
        config["GUNICORN_THREADS"] = str(options.threads)
    servers = ()
    try:
        started = time.monotonic()
        # Migrating commits once per migration: not waiting for the disk each time halves
        # it on a busy machine. The load itself runs with PostgreSQL's default again.
        on_server(options.postgres, f"ALTER DATABASE {DATABASE_NAME} SET synchronous_commit = off")
        seeded = prepare(options, config)
        on_server(options.postgres, f"ALTER DATABASE {DATABASE_NAME} RESET synchronous_commit")
        print(f"prepared in {time.monotonic() - started:.0f} s", flush=True)
        targets_path = work / "targets.json"
        targets_path.write_text(json.dumps(locust_targets(seeded, options)))
        port = free_port()
        servers = start_servers(config, port, work)
        workers = options.web_concurrency or gunicorn_setting("workers")
        load_before = " ".join(load_average())
        sampler = LoadSampler()
        sampler.start()
        server_cpu, client_cpu = server_cpu_ms(servers[0].pid), children_cpu_ms()
        run = run_locust(port, targets_path, work / "results.json", options, work)
        server_cpu = server_cpu_ms(servers[0].pid) - server_cpu
        client_cpu = children_cpu_ms() - client_cpu
        sampler.done.set()
        integrity = check_integrity(command_env(config), port, run, seeded["upvote_counts"], work)
    finally:
        for server in servers:
            programs.stop(server, timeout=30)
        if not options.keep_database:
            on_server(options.postgres, f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
        empty_redis(options.redis)
    rows, duration, warm = summarize(run, (work / "gunicorn.log").read_text(), options.warm_up)
    meta = {
        "seconds": duration,
        "warm_up": {"seconds": options.warm_up, **warm},
        "blogs": options.blogs,
        "posts": options.posts,
        "users": {k: getattr(options, k) for k in ("readers", "bloggers", "upvoters")},
        "workers": workers,
        "threads": options.threads or gunicorn_setting("threads"),
        "page_cache": "60 s",
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_before": load_before,
        "load_during_max": max(sampler.samples, default=None),
        "server_cores": server_cpu / 1000 / duration,
        "locust_cores": client_cpu / 1000 / duration,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "logs": str(work),
    }
    table = report(rows, meta, integrity)
    print(table)
    if not options.no_write:
        RESULTS_DIR.mkdir(exist_ok=True)
        (RESULTS_DIR / "load.json").write_text(
            json.dumps({"meta": meta, "results": rows, "integrity": integrity}, indent=2) + "\n"
        )
        (RESULTS_DIR / "load.md").write_text(table + "\n")
    return 1 if integrity["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
