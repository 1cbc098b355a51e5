"""When a service the platform leans on fails: S3 unreachable or hanging, SMTP down, the
disk full, the Slack webhook hanging. Each is made to fail for real (a closed port, a
stopped SeaweedFS or aiosmtpd, a server that never answers, SQLite's own page limit, a
full tmpfs), and each test asserts what the blogger or reader sees and that nothing they
saved was lost.

tests/bearcms/test_slack_logging.py proves the Slack handler in-process
(``test_a_request_that_logs_an_error_is_not_slowed_by_a_hanging_webhook``); here it runs
under a real gunicorn worker, configured from the environment as production is.
"""

import errno
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests
from aiosmtpd.controller import Controller
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from bearcms.media_storage import MediaS3Storage
from bearcms.settings import s3_media_storage
from blog.core.names import blog_hostname
from blog.core.storage_outages import MESSAGE as STORAGE_MESSAGE
from blog.models import Delivery, PostPage, Subscriber
from tests.support import gunicorn_server, programs
from tests.support import seaweedfs as s3_server
from tests.support.clients import PASSWORD, host_client
from tests.support.dashboard_forms import edit_post, edit_url
from tests.support.paths import FONT, ROOT
from tests.support.ports import free_port
from tests.support.smtp import Inbox

PNG = get_test_image_file().file.getvalue()
live_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)
DRAFT = "My draft, saved before the upload: *every word of it*."


# --- S3 unreachable or hanging -----------------------------------------------------------


def point_media_at(settings, monkeypatch, endpoint_url, bucket="media"):
    """Make the default storage the S3 bucket at ``endpoint_url``, as production's is."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.SECRET_KEY)
    environment = {
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint_url,
        "AWS_S3_REGION_NAME": s3_server.REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_S3_CUSTOM_DOMAIN": "media.example.test",
    }
    settings.STORAGES = {**settings.STORAGES, "default": s3_media_storage(environment)}


@pytest.fixture
def short_s3_bounds(settings):
    """Seconds, not production's, so that a failing test never waits long."""
    settings.AWS_S3_CONNECT_TIMEOUT = 1
    settings.AWS_S3_READ_TIMEOUT = 1
    settings.AWS_S3_MAX_ATTEMPTS = 2


@pytest.fixture
def unreachable_s3(settings, monkeypatch, short_s3_bounds):
    """Media storage pointed at a loopback port nothing listens on."""
    point_media_at(settings, monkeypatch, f"http://127.0.0.1:{free_port()}")


@pytest.fixture
def draft(make_blogger, make_post):
    """A blogger's post with a saved draft that is newer than its published text."""
    blog = make_blogger()
    post = make_post(blog, title="Work in progress", slug="wip", body="Published text")
    post.body = DRAFT
    post.save_revision(user=blog.owner)
    return PostPage.objects.get(pk=post.pk)


def editor_upload(client, page, name="photo.png", data=PNG):
    return client.post(
        reverse("bearcms_editor_image_upload", args=[page.pk]),
        {"image": SimpleUploadedFile(name, data, content_type="image/png")},
    )


def assert_draft_intact(client, post, revision_id):
    post = PostPage.objects.get(pk=post.pk)
    assert post.latest_revision_id == revision_id
    assert post.get_latest_revision_as_object().body == DRAFT
    page = client.get(edit_url(post))
    assert page.status_code == 200
    assert "every word of it" in page.content.decode()


def test_an_editor_upload_with_s3_unreachable_says_so_and_keeps_the_draft(
    draft, login, unreachable_s3
):
    client = login(draft.owner)
    revision_id = draft.latest_revision_id
    response = editor_upload(client, draft)
    assert response.status_code == 503
    assert response.json() == {"error": STORAGE_MESSAGE}  # EasyMDE shows "error" as it is
    assert not get_image_model().objects.exists()
    assert_draft_intact(client, draft, revision_id)


@live_db  # the failed save marks the test's own transaction for rollback
def test_the_dashboards_add_image_form_with_s3_unreachable_is_a_page_that_says_so(
    draft, login, unreachable_s3
):
    client = login(draft.owner)
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "A cat", "file": SimpleUploadedFile("cat.png", PNG), "collection": ""},
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert STORAGE_MESSAGE in response.content.decode()
    assert not get_image_model().objects.exists()


@live_db
@pytest.mark.parametrize(
    ("view", "name", "content", "model"),
    [
        ("wagtailimages:add_multiple", "cat.png", PNG, get_image_model),
        ("wagtaildocs:add_multiple", FONT.name, FONT.read_bytes(), get_document_model),
    ],
)
def test_the_dashboards_multiple_upload_with_s3_unreachable_shows_the_message_on_the_file(
    draft, login, unreachable_s3, view, name, content, model
):
    # Wagtail's uploader shows ``error_message`` beside the file that failed.
    blog = draft.get_parent().specific
    response = login(draft.owner).post(
        reverse(view),
        {"files[]": SimpleUploadedFile(name, content), "collection": blog.collection_id},
    )
    assert response.status_code == 200
    assert response.json() == {"success": False, "error_message": STORAGE_MESSAGE}
    assert not model().objects.exists()


def test_stopping_s3_mid_session_turns_the_next_upload_into_a_message(
    draft, login, settings, monkeypatch, short_s3_bounds, tmp_path
):
    process, server = s3_server.start(tmp_path / "seaweedfs", free_port)
    try:
        bucket = server.create_bucket(f"media-{uuid.uuid4().hex[:12]}")
        point_media_at(settings, monkeypatch, server.endpoint_url, bucket)
        client = login(draft.owner)
        assert editor_upload(client, draft, "before.png").status_code == 200
        revision_id = draft.latest_revision_id
    finally:
        programs.stop(process)
    response = editor_upload(client, draft, "after.png")
    assert response.status_code == 503
    assert response.json() == {"error": STORAGE_MESSAGE}
    [image] = get_image_model().objects.all()  # the one from before the outage
    assert image.title == "before"
    assert_draft_intact(client, draft, revision_id)


class HangingServer:
    """Accepts connections and never answers, like an S3 endpoint that is stuck."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.connections.append(self.sock.accept()[0])
            except OSError:
                return

    def stop(self):
        self.sock.close()
        for connection_ in self.connections:
            connection_.close()


def test_a_hanging_s3_fails_an_upload_after_the_configured_attempts_not_botocores_five(
    draft, login, settings, monkeypatch, short_s3_bounds
):
    server = HangingServer()
    try:
        point_media_at(settings, monkeypatch, server.url)
        response = editor_upload(login(draft.owner), draft)
    finally:
        server.stop()
    assert response.status_code == 503
    # One S3 call (the name check) timed out on each of its AWS_S3_MAX_ATTEMPTS tries.
    assert len(server.connections) == settings.AWS_S3_MAX_ATTEMPTS == 2


def test_production_bounds_each_s3_call_to_seconds_and_keeps_options_json():
    """3 s to connect, 10 s to answer, two tries: a dead bucket costs a blogger about 6 s,
    a hanging one about 20 s, inside gunicorn's 30 s (botocore's defaults: 5 x 60 s)."""
    settings_ = s3_media_storage(
        {"AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_CUSTOM_DOMAIN": "cdn.example.test",
         "AWS_S3_ADDRESSING_STYLE": "path"}
    )  # fmt: skip
    assert settings_["BACKEND"] == "bearcms.media_storage.MediaS3Storage"
    storage = MediaS3Storage(**settings_["OPTIONS"])
    config = storage.client_config
    assert (config.connect_timeout, config.read_timeout) == (3, 10)
    assert config.retries == {"mode": "standard", "total_max_attempts": 2}
    # The storage's own options still reach botocore alongside the bounds.
    assert config.s3 == {"addressing_style": "path"} and config.signature_version == "s3v4"
    # Wagtail stores the storage's options in each file-deletion task: JSON only.
    json.dumps(storage.deconstruct()[2])


# --- SMTP down: mail waits for the worker's retry ---------------------------------------


class RestartableSMTP:
    """A real aiosmtpd server on a fixed port that can be stopped and started again."""

    def __init__(self, settings):
        self.inbox, self.port, self.controller = Inbox(), free_port(), None
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", self.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def recipients(self):
        return [rcpt for rcpt, _content in self.inbox.messages]


@pytest.fixture
def smtp(settings):
    server = RestartableSMTP(settings)
    yield server
    server.stop()


@pytest.fixture
def database_tasks(settings):
    """Tasks queued in the database for a worker, as production runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """django_tasks_db's worker in batch mode: every due task, then return."""
    Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="faults-test",
    ).run()  # fmt: skip


def waiting_tasks():
    """Tasks not run yet, due or deferred."""
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY)


def time_passes():
    """The retry delay has passed: every deferred task and delivery is due now."""
    now = timezone.now()
    waiting_tasks().filter(run_after__gt=now).update(run_after=now)
    Delivery.objects.update(next_attempt_at=now)


def assert_retried_after_the_outage(smtp, address):
    """With the server down the worker's attempt fails and is deferred; once the server
    is back and the delay has passed, the mail goes exactly once."""
    run_worker()
    assert smtp.inbox.messages == []
    [retry] = waiting_tasks()
    assert retry.run_after > timezone.now()  # deferred, not retried in a tight loop
    run_worker()  # not due yet: nothing happens
    assert smtp.inbox.messages == [] and waiting_tasks().count() == 1
    smtp.start()
    time_passes()
    run_worker()
    assert smtp.recipients() == [[address]]
    time_passes()
    run_worker()
    assert smtp.recipients() == [[address]] and not waiting_tasks().exists()
    return smtp.inbox.messages[0][1]


@live_db
def test_sign_up_with_smtp_down_succeeds_and_the_worker_delivers_the_confirmation_later(
    smtp, database_tasks
):
    response = Client(HTTP_HOST="localhost").post(
        "/accounts/signup/",
        {"email": "ada@example.com", "subdomain": "ada", "password1": PASSWORD,
         "password2": PASSWORD},
        follow=True,
    )  # fmt: skip
    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    content = assert_retried_after_the_outage(smtp, "ada@example.com")
    assert "/accounts/confirm-email/" in content


@live_db
def test_a_password_reset_with_smtp_down_is_mailed_once_the_server_is_back(
    make_blogger, smtp, database_tasks
):
    blog = make_blogger(email="reset@example.com")
    response = Client(HTTP_HOST="localhost").post(
        "/accounts/password/reset/", {"email": blog.owner.email}
    )
    assert response.status_code == 302
    content = assert_retried_after_the_outage(smtp, "reset@example.com")
    assert "/accounts/password/reset/key/" in content


@live_db
def test_a_subscriber_confirmation_with_smtp_down_is_mailed_once_the_server_is_back(
    make_blogger, smtp, database_tasks
):
    blog = make_blogger()
    response = host_client(blog).post(
        "/subscribe/",
        {"email": "reader@example.com"},
        HTTP_ORIGIN=f"http://{blog_hostname(blog.subdomain)}",
    )
    assert response.status_code == 200
    content = assert_retried_after_the_outage(smtp, "reader@example.com")
    assert "/subscribe/confirm/" in content


@live_db
def test_a_new_post_mail_with_smtp_down_is_mailed_once_the_server_is_back(
    make_blogger, make_post, smtp, database_tasks
):
    blog = make_blogger()
    Subscriber.objects.create(blog=blog, email="fan@example.com", confirmed_at=timezone.now())
    make_post(blog, title="News", slug="news", body="Fresh")  # enqueues the mail
    content = assert_retried_after_the_outage(smtp, "fan@example.com")
    assert "News" in content
    delivery = Delivery.objects.get()
    assert delivery.sent_at is not None and delivery.attempts == 1
    assert "Connection refused" in delivery.last_error


# --- Disk full (SQLite) ------------------------------------------------------------------

DISK_FULL_TITLE = "Not saved: the server's disk is full"


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's disk: development and the staging box")


@pytest.fixture
def full_disk(sqlite_only):
    """The database cannot grow by a page: SQLite fails every write that needs one with
    "database or disk is full", as it does when the disk is. VACUUM first, so that no
    free page is left to reuse; the new revision is large enough to need new pages."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA page_count")
        (pages,) = cursor.fetchone()
        cursor.execute(f"PRAGMA max_page_count = {pages}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA max_page_count = 1073741823")


def assert_disk_full_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "600"
    html = response.content.decode()
    assert DISK_FULL_TITLE in html and "Traceback" not in html


@live_db
def test_saving_a_post_on_a_full_disk_says_so_and_keeps_the_previous_revision(
    draft, login, full_disk
):
    client = login(draft.owner)
    client.raise_request_exception = False
    revision_id = draft.latest_revision_id
    response = edit_post(
        client, draft, publish=False, title="Work in progress", slug="wip",
        body="A much longer rewrite. " * 400,
    )  # fmt: skip
    assert_disk_full_page(response)
    assert_draft_intact(client, draft, revision_id)
    # Readers still get the published text.
    page = host_client(draft.get_parent().specific).get("/wip/")
    assert page.status_code == 200 and "Published text" in page.content.decode()


@pytest.fixture
def tiny_disk(tmp_path):
    """A real filesystem of its own (tmpfs), to be filled up; skipped where mounting is
    not allowed."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    result = subprocess.run(
        [shutil.which("mount") or "mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs",
         str(mount_point)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    yield mount_point
    subprocess.run([shutil.which("umount") or "umount", "-l", str(mount_point)], check=False)


def fill(directory):
    """Write a file until the filesystem has no byte left; return its path."""
    filler = directory / "filler"
    chunk = b"\0" * (1 << 20)
    with open(filler, "wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC
                break
        while chunk:  # the last few bytes too
            chunk = chunk[: len(chunk) // 2]
            try:
                f.write(chunk)
            except OSError:
                continue
    return filler


@pytest.fixture
def dev_server(tiny_disk, tmp_path):
    """Start ``make run``'s server (runserver, DEBUG on, SQLite) on the tiny disk with a
    copy of the test database as it is now; returns (port, database path)."""
    processes = []

    def start():
        database = tiny_disk / "db.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(database)])
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in gunicorn_server.NOT_INHERITED}
        env.update(
            DEBUG="true", SITE_PORT=str(port), DATABASE_URL=f"sqlite:///{database}",
            CACHE_DIR=str(tmp_path / "cache"), MEDIA_ROOT=str(tmp_path / "media"),
        )  # fmt: skip
        log_path = tmp_path / "runserver.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        processes.append(process)
        deadline = time.monotonic() + 60
        while not gunicorn_server.answers(port):
            assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        return port, database

    yield start
    for process in processes:
        programs.stop(process)


@live_db
def test_the_dev_server_on_a_full_disk_refuses_a_sign_up_clearly_and_keeps_serving_reads(
    sqlite_only, make_blogger, make_post, dev_server, tiny_disk
):
    blog = make_blogger("kept")
    make_post(blog, title="Still here", slug="still-here", body="Published text")
    port, database = dev_server()
    base, reader = f"http://127.0.0.1:{port}", {"Host": blog_hostname(blog.subdomain)}
    session = requests.Session()
    assert session.get(f"{base}/still-here/", headers=reader, timeout=30).status_code == 200
    session.get(f"{base}/accounts/signup/", headers={"Host": "localhost"}, timeout=30)
    filler = fill(tiny_disk)

    page = session.get(f"{base}/still-here/", headers=reader, timeout=30)
    assert page.status_code == 200 and "Published text" in page.text
    response = session.post(
        f"{base}/accounts/signup/",
        {"email": "late@example.com", "subdomain": "late", "password1": PASSWORD,
         "password2": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Host": "localhost"}, allow_redirects=False, timeout=30,
    )  # fmt: skip
    assert response.status_code == 503
    assert DISK_FULL_TITLE in response.text and "Traceback" not in response.text

    filler.unlink()
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        users = db.execute("SELECT count(*) FROM auth_user WHERE email = 'late@example.com'")
        assert users.fetchone() == (0,)


# --- Slack webhook hanging, under gunicorn ----------------------------------------------


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.05)
    return predicate()


@live_db
def test_sign_ups_under_gunicorn_go_through_while_mail_is_down_and_slack_hangs(
    sqlite_only, tmp_path
):
    """Each sign-up logs an ERROR (the inline backend cannot retry the mail), which the
    Slack handler posts to a webhook that never answers. A post in the request would
    hold it for SLACK_TIMEOUT (120 s), past the client's and gunicorn's timeouts."""
    database = tmp_path / "db.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(database)])
    webhook, port = HangingServer(), free_port()
    env = {
        "SECRET_KEY": "a-key-for-this-test-only-" * 3, "SITE_PORT": "8000",
        "DATABASE_URL": f"sqlite:///{database}", "CACHE_DIR": str(tmp_path / "cache"),
        "TASKS_BACKEND": "immediate", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(free_port()),
        "SLACK_WEBHOOK_URL": f"{webhook.url}/hook", "SLACK_TIMEOUT": "120",
        "WEB_CONCURRENCY": "1",
    }  # fmt: skip
    server = gunicorn_server.start(env, port, tmp_path, tmp_path / "gunicorn.log")
    try:
        for n in range(3):
            client = requests.Session()
            client.headers["Host"] = "localhost"
            client.get(f"http://127.0.0.1:{port}/accounts/signup/", timeout=20)
            response = client.post(
                f"http://127.0.0.1:{port}/accounts/signup/",
                {"email": f"busy{n}@example.com", "subdomain": f"busy{n}",
                 "password1": PASSWORD, "password2": PASSWORD,
                 "csrfmiddlewaretoken": client.cookies["csrftoken"]},
                allow_redirects=False, timeout=20,
            )  # fmt: skip
            assert response.status_code == 302, response.text[:2000]
            assert response.headers["Location"] == "/accounts/confirm-email/"
        assert wait_for(lambda: len(webhook.connections) >= 1)  # the handler is stuck there
    finally:
        programs.stop(server)
        webhook.stop()
    log = (tmp_path / "gunicorn.log").read_text()
    assert log.count("Could not send account/email/email_confirmation_signup") == 3
    assert "WORKER TIMEOUT" not in log
