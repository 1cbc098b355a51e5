"""Throughput of reader pages under gunicorn (2 workers), side by side with a constant view.

Seeds ``--blogs`` blogs x ``--posts`` posts into a fresh database (PostgreSQL when one
answers at ``--postgres``, like production; otherwise SQLite), uses Redis for the shared
cache when one answers on 127.0.0.1:6379 (else the file cache), starts gunicorn with 2
sync workers on loopback and drives it with wrk (8 connections, random blogs and posts
through a Lua script that sets the Host header) for each page in turn:

* ``constant``: a view that returns a constant string (bench/urls.py): the ceiling;
* ``post``, ``home``, ``blog`` (``/blog/``) and ``feed`` (``/feed/``, Atom).

It prints requests per second, latency percentiles and non-2xx counts, the ratio to the
constant view and to Bear Blog's own figures on this class of machine, and writes
bench/results/throughput.json and throughput.md. A report, not a test: nothing fails
because something is slow.

    .venv/bin/python bench/throughput.py                 # 1,000 blogs x 3 posts, 15 s each
    .venv/bin/python bench/throughput.py --duration 5 --blogs 100
"""

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = BASE_DIR / "var" / "bench"
RESULTS_DIR = BASE_DIR / "bench" / "results"
PYTHON = sys.executable
# Bear Blog's own code on this class of machine (2 cores, gunicorn 2 sync workers,
# PostgreSQL, wrk with 8 connections): requests per second, from the issue.
BEAR_RPS = {"post": 250, "home": 147, "blog": 155, "feed": 105}
TARGET_FACTOR = 3
PAGES = ("constant", "post", "home", "blog", "feed")
WRK_SCRIPT = """
local targets = {%s}
math.randomseed(%d)
request = function()
  local target = targets[math.random(#targets)]
  return wrk.format("GET", target[2], {["Host"] = target[1]})
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blogs", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=3)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-write", action="store_true")
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def choose_database(postgres_url, name="bearcms_throughput"):
    """A fresh PostgreSQL database ``name`` when the server answers, else a fresh SQLite
    file of that name."""
    try:
        import psycopg2

        connection = psycopg2.connect(postgres_url, connect_timeout=3)
    except Exception:
        database = WORK_DIR / f"{name}.sqlite3"
        database.unlink(missing_ok=True)
        return f"sqlite:///{database}", "SQLite"
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()
    return postgres_url.rsplit("/", 1)[0] + "/" + name, "PostgreSQL"


def redis_url(url="redis://127.0.0.1:6379/14"):
    """A Redis database for the shared cache, emptied, as production has; or None."""
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
    except Exception:
        return None
    return url


def server_environment(database_url, port, cache_url):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "REDIS_URL")}
    cache_dir = WORK_DIR / "throughput-cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    if cache_url:
        env["REDIS_URL"] = cache_url
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        SECRET_KEY="throughput-benchmark-" + "x" * 40,
        SITE_PORT=str(port),
        CACHE_DIR=str(cache_dir),
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def start_gunicorn(env, port):
    command = [
        PYTHON, "-m", "gunicorn", "bearcms.wsgi", "--workers", "2", "--bind",
        f"127.0.0.1:{port}", "--log-level", "warning", "--access-logfile", "/dev/null",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def targets_for(page, blogs, posts):
    """(Host, path) pairs wrk picks from at random."""
    hosts = [f"bench{n}.localhost" for n in range(1, blogs + 1)]
    if page == "constant":
        return [("localhost", "/constant/")]
    if page == "post":
        return [(host, f"/post-{m}/") for host in hosts for m in range(1, posts + 1)]
    path = {"home": "/", "blog": "/blog/", "feed": "/feed/"}[page]
    return [(host, path) for host in hosts]


def run_wrk(port, targets, options):
    sample = random.Random(7).sample(targets, min(len(targets), 2000))
    lua = WRK_SCRIPT % (", ".join(f'{{"{h}", "{p}"}}' for h, p in sample), 7)
    script = WORK_DIR / "throughput.lua"
    script.write_text(lua)
    command = [
        "wrk", "--latency", "-t2", f"-c{options.connections}", f"-d{options.duration}s",
        "-s", str(script), f"http://127.0.0.1:{port}/",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output):
    def milliseconds(value):
        number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50_ms": milliseconds(latency["50"]),
        "p90_ms": milliseconds(latency["90"]),
        "p99_ms": milliseconds(latency["99"]),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def report(results, meta):
    ceiling = results["constant"]["rps"]
    lines = [
        "| page | requests/s | p50 / p90 / p99 ms | non-2xx | of the constant view "
        "| Bear Blog | target (3x Bear) |",
        "|---|---|---|---|---|---|---|",
    ]
    for page in PAGES:
        figures = results[page]
        bear = BEAR_RPS.get(page)
        target = "-"
        if bear:
            met = figures["rps"] >= bear * TARGET_FACTOR
            target = f"{bear * TARGET_FACTOR} ({'met' if met else 'MISSED'})"
        lines.append(
            f"| {page} | {figures['rps']:,.0f} | {figures['p50_ms']:.1f} / "
            f"{figures['p90_ms']:.1f} / {figures['p99_ms']:.1f} | {figures['non_2xx']} | "
            f"{figures['rps'] / ceiling:.0%} | {bear or '-'} | {target} |"
        )
    lines += [
        "",
        f"gunicorn 2 sync workers, wrk 2 threads x {meta['connections']} connections, "
        f"{meta['duration']} s per page, {meta['blogs']:,} blogs x {meta['posts']} posts "
        f"(random blogs and posts), {meta['database']}, {meta['machine']}; "
        f"run {meta['date']}. Load generator and server share the machine.",
    ]
    return "\n".join(lines)


def main():
    options = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install --no-install-recommends wrk")
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    database_url, database = choose_database(options.postgres)
    port = free_port()
    cache_url = redis_url()
    env = server_environment(database_url, port, cache_url)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "bench_seed", "--blogs", str(options.blogs), "--posts", str(options.posts))
    server = start_gunicorn(env, port)
    try:
        results = {}
        for page in PAGES:
            targets = targets_for(page, options.blogs, options.posts)
            run_wrk(port, targets, options)  # warm-up: workers import and fill caches
            results[page] = run_wrk(port, targets, options)
            print(page, results[page], flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    meta = {
        "blogs": options.blogs,
        "posts": options.posts,
        "duration": options.duration,
        "connections": options.connections,
        "database": database + (", Redis cache" if cache_url else ", file cache"),
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }
    table = report(results, meta)
    print(table)
    if not options.no_write:
        RESULTS_DIR.mkdir(exist_ok=True)
        (RESULTS_DIR / "throughput.json").write_text(
            json.dumps({"meta": meta, "results": results}, indent=2) + "\n"
        )
        (RESULTS_DIR / "throughput.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
