"""Where a reader page's time goes: queries, CPU time and a profile of each page, rendered
with the page cache off, in one process (Django's test client, no web server).

Run by bench/throughput.py on the database it seeded (the environment names it), or on
its own against any seeded database:

    DATABASE_URL=... .venv/bin/python bench/render_path.py --out var/bench/render-path.json

For each page it makes warm-up requests, counts the queries of one request, times
``--requests`` more (CPU time of this process) and, with ``--profile DIR``, writes a
cProfile summary of ``--profile-requests`` requests to ``DIR/profile-<page>.txt``: the
first place to look when a page gets slower.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# (host, path) of each page; bench1 is a blog bench_seed made, localhost the platform.
PAGES = {
    "post": ("bench1.localhost", "/post-3/"),
    "home": ("bench1.localhost", "/"),
    "blog": ("bench1.localhost", "/blog/"),
    "feed": ("bench1.localhost", "/feed/"),
    "rss": ("bench1.localhost", "/feed/?type=rss"),
    "discover": ("localhost", "/discover/"),
    "discover-feed": ("localhost", "/discover/feed/"),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", type=Path, help="write each page's profile here")
    parser.add_argument("--profile-requests", type=int, default=50)
    parser.add_argument("--out", type=Path, help="write the figures here as JSON")
    return parser.parse_args()


def setup_django():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ["READER_PAGE_CACHE_SECONDS"] = "0"
    import django

    django.setup()


class QueryCounter:
    """Counts the SQL statements run while it is installed (``connection.execute_wrapper``)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(client, host, path, options, profile_dir, name):
    from django.db import connection

    for _ in range(5):
        response = client.get(path, HTTP_HOST=host)
    if response.status_code != 200:
        raise SystemExit(f"{name}: {host}{path} answered {response.status_code}")
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        client.get(path, HTTP_HOST=host)
    started = time.process_time()
    for _ in range(options.requests):
        client.get(path, HTTP_HOST=host)
    cpu_ms = (time.process_time() - started) / options.requests * 1000
    if profile_dir:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(options.profile_requests):
            client.get(path, HTTP_HOST=host)
        profile.disable()
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(80)
        (profile_dir / f"profile-{name}.txt").write_text(text.getvalue())
    return {"queries": counter.count, "cpu_ms": round(cpu_ms, 2), "bytes": len(response.content)}


def main():
    options = parse_args()
    setup_django()
    from django.test import Client

    if options.profile:
        options.profile.mkdir(parents=True, exist_ok=True)
    client = Client()
    results = {}
    for name, (host, path) in PAGES.items():
        results[name] = measure(client, host, path, options, options.profile, name)
        print(name, results[name], flush=True)
    if options.out:
        options.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
