"""gunicorn settings for the web dyno and the staging box (see Procfile)."""

import os

# Importing these reads no setting: Django is set up when the app is loaded (preload).
from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template
from django.urls import get_resolver

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Heroku sets WEB_CONCURRENCY to suit the dyno's memory; elsewhere two sync workers per
# core. Measured with bench/load.py on 2 cores (50 readers, 5 bloggers, 20 upvoters,
# steady state; bench/results/load.md), reader p99 / upvote p99:
#   2 workers x 1 thread: 51-71 / 62 ms    4 workers x 1 thread: 26-34 / 38 ms
# What a reader waits for is a free worker: a log-in hashes its password for ~0.45 s and
# a publish takes ~0.1 s, and with two workers two of those leave readers queued; four
# workers rarely are all busy. Threads did worse (2 x 4 and 4 x 2 gave reader p99 of
# 174-292 ms where 4 x 1 gave 124-195, the first seconds included): a request waits for
# the GIL, not for I/O. Each worker costs ~100 MB (preloaded, so much of it is shared).
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
# Threads per worker (gunicorn's gthread worker when above 1): 1, as measured above.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Heroku's router gives up on a request after 30 s; a worker stuck longer is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Heroku sends SIGKILL 30 s after SIGTERM: finish in-flight requests well before that.
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never takes a dyno down; the jitter keeps
# the workers of one dyno from restarting at once (their counts grow in step).
max_requests = 2000
max_requests_jitter = 1000
# Workers fork from a master that has imported the app and built what Django otherwise
# builds on a worker's first request (``when_ready``). A recycled worker then starts in
# milliseconds: without this each restart cost ~1 s of imports and a first request of
# ~170 ms, and two workers recycled at about the same count stalled every reader of
# the dyno for that second (bench/load.py). Deploys restart the server (a reload by HUP
# would fork workers of the old code).
preload_app = True
accesslog = "-"
# Only from these addresses are X-Forwarded-* headers believed (the scheme of the request,
# for one). Heroku's router comes from changing addresses and is the only way in: set
# FORWARDED_ALLOW_IPS="*" there; Caddy on the same box is 127.0.0.1.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn >= 25 opens a control socket under $HOME by default. Nothing here uses it
# (dynos scale by count), and it would be a file of the dyno's own that a second server
# on the same box silently takes over.
control_socket_disable = True


def when_ready(server):
    """Before any worker forks: resolve a path of each URLconf, compile the reader's
    templates and import the cache's client, which Django does lazily, once per process
    (92 ms of a worker's first request). Nothing here opens a connection: a forked
    worker must not share the master's."""
    for urlconf in (settings.ROOT_URLCONF, settings.BLOG_URLCONF):
        get_resolver(urlconf).resolve("/")
    for name in READER_TEMPLATES:
        get_template(name)
    for alias in settings.CACHES:
        getattr(caches[alias], "client", None)  # django-redis builds it, unconnected


READER_TEMPLATES = (
    "blog/post_page.html",
    "blog/blog_page.html",
    "blog/post_index.html",
    "blog/404.html",
    "home/discover.html",
)
