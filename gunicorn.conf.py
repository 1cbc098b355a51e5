"""gunicorn settings for the web dyno and the staging box (see Procfile)."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Heroku sets WEB_CONCURRENCY to suit the dyno's memory; 2 elsewhere.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads per worker (gunicorn's gthread worker when above 1). Measured with bench/load.py
# on 2 cores: 4 threads made every percentile worse than 1 (the GIL, not I/O, is what a
# request waits for), so sync workers it is unless a deployment measures otherwise.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Heroku's router gives up on a request after 30 s; a worker stuck longer is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Heroku sends SIGKILL 30 s after SIGTERM: finish in-flight requests well before that.
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never takes a dyno down; the jitter keeps
# the workers of one dyno from restarting all at once.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# Only from these addresses are X-Forwarded-* headers believed (the scheme of the request,
# for one). Heroku's router comes from changing addresses and is the only way in: set
# FORWARDED_ALLOW_IPS="*" there; Caddy on the same box is 127.0.0.1.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn >= 25 opens a control socket under $HOME by default. Nothing here uses it
# (dynos scale by count), and it would be a file of the dyno's own that a second server
# on the same box silently takes over.
control_socket_disable = True
