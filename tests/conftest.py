"""Shared fixtures: small factories for bloggers and posts, logged-in clients, real servers."""

import itertools
import os
import tempfile
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.test.testcases import LiveServerThread
from django.utils import timezone
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir

from bearcms.settings import s3_media_storage
from blog.core import reader_requests
from blog.models import PostPage
from blog.tenants.lifecycle import create_blog
from tests.support import programs
from tests.support import seaweedfs as s3_server
from tests.support.clients import PASSWORD
from tests.support.dns_server import DNSServer
from tests.support.live_server import OneRequestAtATimeOnASharedConnection
from tests.support.media_storage import CDN
from tests.support.ports import free_port
from tests.support.smtp import Inbox

# Chromium fixtures (browser_page, shoot, artifacts) and the hook that keeps failed pages.
pytest_plugins = ["tests.support.browser"]

_counter = itertools.count(1)

# pytest-django's live_server runs Django's LiveServerThread with this server class.
LiveServerThread.server_class = OneRequestAtATimeOnASharedConnection

# Property tests (tests/blog/test_properties.py): no example database, and hypothesis's caches
# outside the checkout (no .hypothesis/ in it); no per-example deadline (the first render
# of a page compiles templates), and few enough examples that the suite stays quick.
# HYPOTHESIS_PROFILE=thorough digs deeper by hand.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "bearcms-hypothesis")
hypothesis_settings.register_profile("bearcms", deadline=None, database=None, max_examples=60)
hypothesis_settings.register_profile(
    "thorough", parent=hypothesis_settings.get_profile("bearcms"), max_examples=2000
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "bearcms"))


# Fixtures through which a test reaches the suite's database (pytest-django's).
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
     "live_server"}
)  # fmt: skip
# Tests run in this process: one that asks for no database fixture cannot open the
# suite's database (pytest-django refuses), and any process it starts is given a
# database of its own. (tests/system starts servers on the pass's database.)
IN_PROCESS_TESTS = ("tests/blog/", "tests/home/", "tests/bearcms/")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark ``database_independent`` the in-process tests that use no database: what they
    check is the same on every database, so the PostgreSQL pass leaves them out (Makefile).
    Modules of tests/system that pin their own database carry the mark themselves."""
    for item in items:
        uses_database = item.get_closest_marker("django_db") or DATABASE_FIXTURES.intersection(
            getattr(item, "fixturenames", ())
        )
        if item.nodeid.startswith(IN_PROCESS_TESTS) and not uses_database:
            item.add_marker(pytest.mark.database_independent)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Host and URL caches must not leak between tests (each test has its own DB)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def steady_rate_window(monkeypatch):
    """Rate limits count in fixed windows (``blog.core.reader_requests``): hold their clock
    in the middle of one, so that a slow run never splits a test's requests across two."""
    monkeypatch.setattr(reader_requests, "time", SimpleNamespace(time=lambda: 1_800_030.0))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a folder of the test's own, never the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """Passwords hashed in a millisecond, not 0.4 s (tests/support/hashers.py)."""
    settings.PASSWORD_HASHERS = ["tests.support.hashers.QuickPBKDF2PasswordHasher"]


@pytest.fixture
def make_blogger(db):
    """Create a verified user with a blog; returns the BlogPage (``blog.owner`` is the user)."""

    def make(subdomain=None, title=None, email=None):
        n = next(_counter)
        subdomain = subdomain or f"blog{n}"
        user = get_user_model().objects.create_user(
            username=f"user-{subdomain}",
            email=email or f"{subdomain}@example.com",
            password=PASSWORD,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return create_blog(user, subdomain, title=title or f"Blog of {subdomain}")

    return make


@pytest.fixture
def make_post():
    """Publish a post under ``blog``; ``live=False`` leaves it a draft."""

    def make(blog, title="A post", body="Hello", live=True, tags=(), **fields):
        fields.setdefault("published_date", timezone.now() - timezone.timedelta(minutes=1))
        post = PostPage(title=title, body=body, owner=blog.owner, live=False, **fields)
        blog.add_child(instance=post)
        if tags:
            post.tags.set(list(tags))
        revision = post.save_revision(user=blog.owner)
        if live:
            revision.publish()
        post.refresh_from_db()
        return post

    return make


@pytest.fixture
def platform_client(db):
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def login(db):
    """A platform-host client logged in as ``user``."""

    def make(user):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        return client

    return make


@pytest.fixture
def staff(db):
    """A staff member (a superuser, as staff are made with ``createsuperuser``)."""
    return get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-staff-1")


@pytest.fixture
def staff_client(staff, login):
    return login(staff)


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server (aiosmtpd) Django sends to; ``down()`` points Django at a closed
    port instead and ``up()`` back."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    inbox.down = lambda: setattr(settings, "EMAIL_PORT", free_port())
    inbox.up = lambda: setattr(settings, "EMAIL_PORT", port)
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """A real S3-compatible server (SeaweedFS) for the whole run; anonymous access is
    refused. Tests create their own bucket (``seaweedfs.create_bucket(name)``)."""
    process, server = s3_server.start(tmp_path_factory.mktemp("seaweedfs"), free_port)
    yield server
    programs.stop(process)


@pytest.fixture
def bucket(seaweedfs, settings, monkeypatch):
    """A fresh bucket as the default storage, configured the way production is: from
    the environment, with the keys only in the environment."""
    name = seaweedfs.create_bucket(f"media-{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", seaweedfs.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", seaweedfs.secret_key)
    environment = {
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_ENDPOINT_URL": seaweedfs.endpoint_url,
        "AWS_S3_REGION_NAME": seaweedfs.region,
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_S3_CUSTOM_DOMAIN": CDN,
    }
    settings.STORAGES = {**settings.STORAGES, "default": s3_media_storage(environment)}
    return name


@pytest.fixture
def dns_records(settings):
    """A real DNS server the app asks (``DNS_NAMESERVERS``); ``dns_records.txt[name]`` is
    the list of TXT strings at ``name``."""
    server = DNSServer()
    settings.DNS_NAMESERVERS = [server.address]
    yield server
    server.close()


@pytest.fixture
def proxies(settings):
    """``proxies("127.0.0.1")``: trust these proxies' X-Forwarded-For, as production
    trusts Caddy's (``TRUSTED_PROXIES``); ``proxies()`` trusts none."""

    def trust(*values):
        settings.TRUSTED_PROXIES = list(values)
        reader_requests.trusted_proxies.cache_clear()

    yield trust
    reader_requests.trusted_proxies.cache_clear()
