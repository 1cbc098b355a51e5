"""Settings for the throughput benchmark: bearcms's own, plus a constant view (bench/urls.py)."""

from bearcms.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
