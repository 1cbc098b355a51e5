"""Latency of the analytics pixel (``/hit/<post id>/``) at a fixed 200 requests per second.

The pixel is the only reader request that writes, and it must stay cheap: the target is
a median under 5 ms at 200 requests/s. This seeds ``--blogs`` blogs x ``--posts`` posts
(PostgreSQL database ``bearcms_hits`` when PostgreSQL answers, else SQLite; Redis
database 13 as the shared cache when Redis answers), starts gunicorn with 2 sync workers
the way ``bench/throughput.py`` does (its functions are reused), and sends requests on a
fixed schedule from a pool of threads, each a new connection (sync workers do not keep
connections alive), to random posts of random blogs.

A real reader comes from their own address with their own browser: every request here
has its own source address (any 127.x.y.z reaches the server over loopback, so neither
de-duplication nor the per-IP rate limit folds them together) and a varied browser user
agent, so nearly every request inserts a row. Latency is measured from sending the
request to reading the whole response; a request the client could not send on time is
counted as late, so a slow client cannot hide a slow server.

Prints and writes bench/results/hits.json and hits.md. A report, not a test.

    .venv/bin/python bench/hits.py                       # 200 requests/s for 30 s
    .venv/bin/python bench/hits.py --rate 50 --duration 5 --no-write
"""

import argparse
import http.client
import itertools
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.throughput import (  # noqa: E402
    BASE_DIR,
    PYTHON,
    RESULTS_DIR,
    WORK_DIR,
    choose_database,
    free_port,
    manage,
    redis_url,
    server_environment,
    start_gunicorn,
)

DATABASE_NAME = "bearcms_hits"
TARGET_MEDIAN_MS = 5
LATE_MS = 10  # a request sent this much after its slot counts as late
BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.{n}.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.{n}",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.{n} Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/26.{n} Chrome/122.0.0.0 Mobile Safari/537.36",
]
COUNT_HITS = "from blog.models import Hit; print(Hit.objects.count())"
LIST_POSTS = (
    "import json; from blog.models import PostPage; print(json.dumps(list("
    "PostPage.objects.filter(live=True).values_list('blog__subdomain', 'id'))))"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blogs", type=int, default=100)
    parser.add_argument("--posts", type=int, default=3)
    parser.add_argument("--rate", type=int, default=200, help="requests per second")
    parser.add_argument("--duration", type=int, default=30, help="seconds of measured load")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-write", action="store_true")
    return parser.parse_args()


def django_shell(env, code):
    command = [PYTHON, "manage.py", "shell", "-v", "0", "-c", code]
    return subprocess.run(
        command, cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True
    ).stdout


def server_cpu_ms(master_pid):
    """CPU time of gunicorn's workers so far: the live ones' own, plus what the master has
    collected from workers that exited (recycled after ``max_requests``). Linux only."""

    def times(pid, fields):
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(stat[field]) for field in fields)

    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    ticks = times(master_pid, (13, 14)) + sum(times(pid, (11, 12)) for pid in children)
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def source_addresses():
    """127.1.0.1, 127.1.0.2, ...: a different reader's address for every request."""
    for a, b, c in itertools.product(range(1, 255), range(256), range(1, 255)):
        yield f"127.{a}.{b}.{c}"


class FixedRateLoad:
    """Send ``rate`` requests per second for ``duration`` seconds on a fixed schedule."""

    def __init__(self, port, targets, rate, duration, threads, seed):
        self.port = port
        self.targets = targets
        self.rate = rate
        self.total = rate * duration
        self.threads = threads
        self.random = random.Random(seed)
        self.slots = iter(range(self.total))
        self.addresses = source_addresses()
        self.lock = threading.Lock()
        self.latencies, self.errors, self.late = [], [], 0

    def next_request(self):
        with self.lock:
            slot = next(self.slots, None)
            if slot is None:
                return None
            host, post_id = self.random.choice(self.targets)
            agent = self.random.choice(BROWSERS).format(n=self.random.randrange(10**6))
            return slot, host, post_id, agent, next(self.addresses)

    def worker(self, start):
        while (request := self.next_request()) is not None:
            slot, host, post_id, agent, address = request
            delay = start + slot / self.rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            elif -delay * 1000 > LATE_MS:
                with self.lock:
                    self.late += 1
            began = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=10, source_address=(address, 0)
                )
                connection.request(
                    "GET", f"/hit/{post_id}/", headers={"Host": host, "User-Agent": agent}
                )
                response = connection.getresponse()
                body = response.read()
                connection.close()
                ok = response.status == 200 and body.startswith(b"GIF")
                error = None if ok else f"HTTP {response.status}"
            except OSError as exc:
                error = type(exc).__name__
            elapsed = (time.perf_counter() - began) * 1000
            with self.lock:
                if error:
                    self.errors.append(error)
                else:
                    self.latencies.append(elapsed)

    def run(self):
        # Python hands the GIL between threads every 5 ms by default: a thread whose
        # response has arrived could wait that long to read it, and that wait would be
        # measured as the server's latency.
        sys.setswitchinterval(0.0002)
        start = time.perf_counter() + 0.1
        workers = [threading.Thread(target=self.worker, args=(start,)) for _ in range(self.threads)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
        wall = time.perf_counter() - start
        ordered = sorted(self.latencies)

        def percentile(p):
            return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0

        return {
            "requests": self.total,
            "ok": len(ordered),
            "errors": len(self.errors),
            "error_kinds": sorted(set(self.errors)),
            "late": self.late,
            "rps": round(len(ordered) / wall, 1),
            "p50_ms": round(statistics.median(ordered), 2) if ordered else 0.0,
            "p95_ms": round(percentile(0.95), 2),
            "p99_ms": round(percentile(0.99), 2),
            "max_ms": round(ordered[-1], 2) if ordered else 0.0,
        }


def report(results, meta):
    met = "met" if results["p50_ms"] < TARGET_MEDIAN_MS else "MISSED"
    return "\n".join(
        [
            "| rate | achieved req/s | p50 / p95 / p99 / max ms | errors | late | rows inserted "
            "| server CPU ms/request | target (median < 5 ms) |",
            "|---|---|---|---|---|---|---|---|",
            f"| {meta['rate']}/s | {results['rps']} | {results['p50_ms']} / {results['p95_ms']} / "
            f"{results['p99_ms']} / {results['max_ms']} | {results['errors']} | "
            f"{results['late']} | {results['rows_inserted']:,} of {results['requests']:,} | "
            f"{results['server_cpu_ms_per_request']} | {met} |",
            "",
            f"`GET /hit/<id>/`, gunicorn 2 sync workers, {meta['duration']} s at a fixed "
            f"{meta['rate']} requests/s (after {meta['warmup']} s of warm-up), a new "
            f"connection, source address and browser user agent per request, random posts of "
            f"{meta['blogs']} blogs x {meta['posts']} posts; {meta['database']}, "
            f"{meta['machine']}, load average {meta['load_average_before']} before the run; "
            f"run {meta['date']}. Load generator and server share the machine.",
        ]
    )


def main():
    options = parse_args()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    database_url, database = choose_database(options.postgres, DATABASE_NAME)
    port = free_port()
    cache_url = redis_url("redis://127.0.0.1:6379/13")
    env = server_environment(database_url, port, cache_url)
    env["CACHE_DIR"] = str(WORK_DIR / "hits-cache")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "bench_seed", "--blogs", str(options.blogs), "--posts", str(options.posts))
    targets = [
        (f"{subdomain}.localhost", post_id)
        for subdomain, post_id in json.loads(django_shell(env, LIST_POSTS))
    ]
    load_before = os.getloadavg()[0]  # others' work on the machine skews every figure
    server = start_gunicorn(env, port)
    try:
        load = FixedRateLoad(port, targets, options.rate, options.warmup, options.threads, 1)
        load.run()  # warm-up: workers import, connect and fill caches
        before = int(django_shell(env, COUNT_HITS))
        cpu_before = server_cpu_ms(server.pid)
        load = FixedRateLoad(port, targets, options.rate, options.duration, options.threads, 2)
        results = load.run()
        cpu = server_cpu_ms(server.pid) - cpu_before
        results["server_cpu_ms_per_request"] = round(cpu / max(results["ok"], 1), 2)
        results["rows_inserted"] = int(django_shell(env, COUNT_HITS)) - before
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    meta = {
        "blogs": options.blogs,
        "posts": options.posts,
        "rate": options.rate,
        "duration": options.duration,
        "warmup": options.warmup,
        "threads": options.threads,
        "database": database + (", Redis cache" if cache_url else ", file cache"),
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_average_before": round(load_before, 2),
        "date": time.strftime("%Y-%m-%d"),
    }
    table = report(results, meta)
    print(json.dumps(results, indent=2))
    print(table)
    if not options.no_write:
        RESULTS_DIR.mkdir(exist_ok=True)
        (RESULTS_DIR / "hits.json").write_text(
            json.dumps({"meta": meta, "results": results}, indent=2) + "\n"
        )
        (RESULTS_DIR / "hits.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
