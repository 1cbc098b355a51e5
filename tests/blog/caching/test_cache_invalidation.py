"""The host cache is shared by every web process, and a change made in one process is
seen by the others at once.

The second process needs to open the same database, which an in-memory SQLite test
database does not allow: these tests run in the PostgreSQL pass of `make test`.
"""

import json
import os
import subprocess
import sys

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from wagtail.models import Site

from tests.support.paths import ROOT

RESOLVE = """
import json, sys, django
django.setup()
from blog.tenants.hosts import resolve_site_for_host
sites = {host: resolve_site_for_host(host) for host in sys.argv[1:]}
print(json.dumps({host: site and site.root_page_id for host, site in sites.items()}))
"""


def resolve_in_another_process(cache_env, *hosts):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_DIR")}
    env.update(cache_env)
    db = connection.settings_dict
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-c", RESOLVE, *hosts], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def redis_url():
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return None
    return url


@pytest.fixture(params=["file", "redis"])
def shared_cache(request, settings, tmp_path):
    """Point this process and the other one at the same cache, as production does."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a second process cannot open an in-memory SQLite DB")
    if request.param == "file":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path),
            }
        }
        yield {"CACHE_DIR": str(tmp_path)}
    else:
        url = redis_url()
        if url is None:
            pytest.skip("no Redis at 127.0.0.1:6379")
        settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}}
        cache.clear()
        yield {"REDIS_URL": url}
        cache.clear()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_renamed_blog_is_seen_by_other_processes_at_once(shared_cache, make_blogger):
    blog = make_blogger("cross")
    seen = resolve_in_another_process(shared_cache, "cross.localhost")
    assert seen == {"cross.localhost": blog.id}  # now cached in the shared cache

    site = Site.objects.get(root_page=blog)
    site.hostname = "moved.localhost"
    site.save()

    seen = resolve_in_another_process(shared_cache, "cross.localhost", "moved.localhost")
    assert seen == {"cross.localhost": None, "moved.localhost": blog.id}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_blog_is_seen_by_other_processes_after_a_miss(shared_cache, make_blogger):
    assert resolve_in_another_process(shared_cache, "fresh.localhost") == {"fresh.localhost": None}
    blog = make_blogger("fresh")
    assert resolve_in_another_process(shared_cache, "fresh.localhost") == {
        "fresh.localhost": blog.id
    }
