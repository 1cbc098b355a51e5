"""ERROR records reach Slack through a real local webhook server, and never slow a request."""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from bearcms.slack_logging import SlackWebhookHandler
from tests.support.paths import ROOT
from tests.support.ports import free_port

logger = logging.getLogger("bearcms.tests.slack")
SECRET_COOKIE = "cookie-value-never-in-slack"
SECRET_HEADER = "header-value-never-in-slack"
SECRET_FORM = "form-value-never-in-slack"


def crashing_view(request):
    raise RuntimeError("the view broke")


def view_that_logs_an_error(request):
    logger.error("could not reach the mail provider")
    return HttpResponse("ok")


urlpatterns = [
    path("boom/", crashing_view),
    path("logs-error/", view_that_logs_an_error),
]


def wait_for(predicate, timeout=5.0):
    """Poll until the background thread has done its part (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


class SlackRecorder:
    """A local Slack-like webhook: a real HTTP server keeping every JSON body it is sent."""

    def __init__(self, port=0):
        self.posts = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                recorder.posts.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T0/B0/x"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def texts(self):
        return [post["text"] for post in self.posts]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class HangingServer:
    """Accepts connections and never answers, like a webhook endpoint that is stuck."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(connection)

    def stop(self):
        self.sock.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def recorder():
    server = SlackRecorder()
    yield server
    server.stop()


@pytest.fixture
def attach():
    """Attach a handler to the root logger, as settings do with SLACK_WEBHOOK_URL."""
    attached = []

    def make(url, **options):
        handler = SlackWebhookHandler(url, **options)
        logging.getLogger().addHandler(handler)
        attached.append(handler)
        return handler

    yield make
    for handler in attached:
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_an_error_record_is_posted_once_with_its_message_and_logger(recorder, attach):
    handler = attach(recorder.url, timeout=2)
    logger.error("payment provider said %s", "no")
    assert wait_for(lambda: len(recorder.posts) == 1)
    [text] = recorder.texts
    assert "ERROR" in text and "bearcms.tests.slack" in text
    assert "payment provider said no" in text
    # The server records the post before the handler has read the answer and counted it.
    assert wait_for(lambda: handler.sent == 1)


def test_an_exception_s_type_and_last_traceback_lines_are_included(recorder, attach):
    attach(recorder.url, timeout=2)
    try:
        {}["missing-key"]
    except KeyError:
        logger.exception("lookup failed")
    assert wait_for(lambda: len(recorder.posts) == 1)
    [text] = recorder.texts
    assert "lookup failed" in text
    assert "KeyError: 'missing-key'" in text
    assert "test_slack_logging.py" in text


def test_a_long_message_is_truncated_to_a_few_kilobytes(recorder, attach):
    attach(recorder.url, timeout=2, max_chars=3000)
    logger.error("x" * 50_000)
    assert wait_for(lambda: len(recorder.posts) == 1)
    assert len(recorder.texts[0]) <= 3000


def test_warning_and_info_records_are_not_posted(recorder, attach):
    handler = attach(recorder.url, timeout=2)
    logger.warning("disk is getting full")
    logger.info("a reader subscribed")
    logger.error("the marker that comes after")
    # Posts go out in order from one thread: once the marker arrived, earlier ones had.
    assert wait_for(lambda: len(recorder.posts) >= 1)
    assert recorder.texts == [recorder.texts[0]]
    assert "the marker that comes after" in recorder.texts[0]
    assert wait_for(lambda: handler.sent == 1)


@pytest.mark.urls("tests.bearcms.test_slack_logging")
def test_an_unhandled_view_exception_is_posted_with_path_but_no_cookies_headers_or_form(
    db, recorder, attach
):
    attach(recorder.url, timeout=2)
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    client.cookies["sessionid"] = SECRET_COOKIE
    response = client.post(
        "/boom/?token=query-value", {"password": SECRET_FORM}, HTTP_X_API_KEY=SECRET_HEADER
    )
    assert response.status_code == 500
    assert wait_for(lambda: len(recorder.posts) >= 1)
    [text] = recorder.texts
    assert "django.request" in text
    assert "POST /boom/" in text
    assert "RuntimeError: the view broke" in text
    for secret in (SECRET_COOKIE, SECRET_HEADER, SECRET_FORM, "query-value"):
        assert secret not in text


def test_logging_an_error_never_waits_for_a_hanging_webhook(attach):
    server = HangingServer()
    try:
        handler = attach(server.url, timeout=2, queue_size=5)
        durations = []
        for n in range(20):
            started = time.perf_counter()
            logger.error("error %d while Slack hangs", n)
            durations.append(time.perf_counter() - started)
        assert max(durations) < 0.05, durations
        # The background thread really is stuck on the hanging server.
        assert wait_for(lambda: len(server.connections) >= 1)
        assert handler.sent == 0
    finally:
        server.stop()


@pytest.mark.urls("tests.bearcms.test_slack_logging")
def test_a_request_that_logs_an_error_is_not_slowed_by_a_hanging_webhook(db, attach):
    server = HangingServer()
    try:
        attach(server.url, timeout=3)
        client = Client(HTTP_HOST="localhost")
        client.get("/logs-error/")  # warm-up: URL resolution, middleware, first thread start
        started = time.perf_counter()
        response = client.get("/logs-error/")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        # A blocking post would take the full 3 s timeout.
        assert elapsed < 0.5, elapsed
    finally:
        server.stop()


def test_an_error_storm_posts_at_most_the_limit_then_one_summary(recorder, attach):
    handler = attach(recorder.url, timeout=2, max_per_window=5, window_seconds=0.5)
    for n in range(500):
        logger.error("storm error %d", n)
    assert wait_for(lambda: len(recorder.posts) >= 6)
    texts = recorder.texts
    assert [t for t in texts if "storm error" in t] == texts[:5]
    assert "… and 495 more errors were suppressed" in texts[5]
    # Nothing else follows in the next window: the storm is over.
    time.sleep(0.6)
    assert len(recorder.posts) == 6
    assert handler.sent == 6


def test_a_full_queue_drops_and_counts_instead_of_blocking(attach):
    server = HangingServer()
    try:
        handler = attach(server.url, timeout=2, queue_size=2, max_per_window=100)
        for n in range(10):
            logger.error("queued %d", n)
        # One in the stuck thread at most, two queued: the rest were counted, not kept.
        assert 7 <= handler._suppressed <= 8
    finally:
        server.stop()


def test_a_webhook_that_is_down_raises_nothing_and_later_records_are_delivered(attach):
    port = free_port()  # nothing listens here yet: connections are refused
    handler = attach(f"http://127.0.0.1:{port}/hook", timeout=2)
    logger.error("while Slack is down")
    assert wait_for(lambda: handler.failures == 1)
    server = SlackRecorder(port=port)
    try:
        logger.error("after Slack came back")
        assert wait_for(lambda: len(server.posts) == 1)
        assert "after Slack came back" in server.texts[0]
        assert handler.failures == 1
    finally:
        server.stop()


def test_the_posting_thread_starts_on_the_first_record_not_at_configuration(recorder, attach):
    handler = attach(recorder.url, timeout=2)
    assert handler._thread is None
    logger.error("first")
    assert handler._thread.is_alive() and handler._thread.daemon
    assert wait_for(lambda: len(recorder.posts) == 1)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_worker_posts_through_a_thread_of_its_own(recorder, attach):
    # As under gunicorn: the master had a posting thread, the forked worker has none.
    handler = attach(recorder.url, timeout=2)
    logger.error("from the master")
    assert wait_for(lambda: len(recorder.posts) == 1)
    pid = os.fork()
    if pid == 0:  # the worker: report through the exit code, never return into pytest
        ok = False
        try:
            logger.error("from the forked worker")
            ok = wait_for(lambda: handler.sent == 2)
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert "from the forked worker" in recorder.texts[1]
    # The master's own thread still serves it.
    logger.error("master again")
    assert wait_for(lambda: len(recorder.posts) == 3)


def run_with_settings(code, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("SLACK_WEBHOOK_URL", "DEBUG")}
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="bearcms.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_settings_post_errors_to_the_webhook_from_slack_webhook_url(recorder):
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').error('Internal Server Error: /x/'); "
        "logging.getLogger('home').warning('only a warning')"
    )
    # The process exits right away: logging's shutdown lets the queued post go out first.
    result = run_with_settings(code, SLACK_WEBHOOK_URL=recorder.url, SLACK_TIMEOUT="2")
    assert result.returncode == 0, result.stderr
    assert wait_for(lambda: len(recorder.posts) >= 1)
    assert len(recorder.posts) == 1
    assert "Internal Server Error: /x/" in recorder.texts[0]
    # The console keeps logging too, one line per record on stdout.
    assert " ERROR django.request Internal Server Error: /x/" in result.stdout


def test_without_slack_webhook_url_no_slack_handler_is_configured():
    code = (
        "import django, logging; django.setup(); "
        "print(sorted(type(h).__name__ for h in logging.getLogger().handlers))"
    )
    result = run_with_settings(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['StreamHandler']"
