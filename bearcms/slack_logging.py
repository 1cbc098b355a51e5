"""ERROR log records posted to a Slack incoming webhook, off the request's thread.

``SlackWebhookHandler.emit()`` only formats the record and drops it into a bounded queue;
one daemon thread per process posts from there with ``urllib`` and a timeout. A request that
logs an error therefore never waits for Slack, and a Slack outage or a hanging connection
costs at most one blocked background thread. An error storm is cut by a per-process rate
limit: at most ``max_per_window`` posts per window, the rest counted and reported in one
"... and K more errors suppressed" message once the window has passed.

Stdlib only: the handler is built by ``logging.config.dictConfig`` while settings load.
"""

import contextlib
import json
import logging
import os
import queue
import sys
import threading
import time
import traceback
import urllib.request

_STOP = object()


def format_slack_text(record, max_chars=3000, traceback_lines=12):
    """A short Slack message for ``record``.

    Only the level, logger, message, the request's method and path and the exception's
    last traceback lines: never headers, cookies, the query string or POST data, which
    may carry session keys, tokens or a reader's personal data.
    """
    lines = [f"*{record.levelname}* `{record.name}`: {record.getMessage()}"]
    request = getattr(record, "request", None)
    method, path = getattr(request, "method", None), getattr(request, "path", None)
    if isinstance(method, str) and isinstance(path, str):
        lines.append(f"{method} {path}")
    if record.exc_info and record.exc_info[0] is not None:
        exc_type, exc, tb = record.exc_info
        frames = "".join(traceback.format_exception(exc_type, exc, tb)).rstrip().splitlines()
        lines.append("```" + "\n".join(frames[-traceback_lines:]) + "```")
    text = "\n".join(lines)
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    return text


class SlackWebhookHandler(logging.Handler):
    """Post records of ``level`` (ERROR by default) to ``webhook_url``, asynchronously.

    ``emit()`` never blocks on the network and never raises: when the queue is full or
    the rate limit is reached the record is counted and summarised later. The posting
    thread is started on the first record of each process (so gunicorn workers forked
    from a master that loaded the settings each get their own).
    """

    def __init__(
        self,
        webhook_url,
        timeout=5.0,
        level=logging.ERROR,
        max_per_window=10,
        window_seconds=60.0,
        queue_size=100,
        max_chars=3000,
    ):
        super().__init__(level=level)
        if not webhook_url.startswith(("https://", "http://")):
            # urllib would also open file: and ftp: URLs.
            raise ValueError("SLACK_WEBHOOK_URL must be an http(s) URL")
        self.webhook_url = webhook_url
        self.timeout = float(timeout)
        self.max_per_window = int(max_per_window)
        self.window_seconds = float(window_seconds)
        self.queue_size = int(queue_size)
        self.max_chars = int(max_chars)
        # Read by tests and operators (e.g. from a shell): posts delivered and failed.
        self.sent = 0
        self.failures = 0
        self._pid = None
        self._queue = None
        self._thread = None

    # --- In the logging thread: cheap and non-blocking.

    def emit(self, record):
        try:
            if self._pid != os.getpid():
                self._start_worker()
            if threading.current_thread() is self._thread:
                return  # the poster logging about itself would loop
            text = format_slack_text(record, self.max_chars)
            with self._state_lock:
                if self._admit(time.monotonic()):
                    self._enqueue(text)
        except Exception:
            self.handleError(record)

    def _start_worker(self):
        # A fresh queue and thread per process: after fork() the parent's thread is gone
        # and its queue's internal locks may be in any state.
        self._pid = os.getpid()
        # Not the handler's own lock: logging.shutdown() holds that while calling close(),
        # which waits for this thread.
        self._state_lock = threading.Lock()
        self._queue = queue.Queue(maxsize=self.queue_size)
        self._window_start = time.monotonic()
        self._sent_in_window = 0
        self._suppressed = 0
        self._thread = threading.Thread(
            target=self._serve, args=(self._queue,), name="slack-logging", daemon=True
        )
        self._thread.start()

    def _admit(self, now):
        if now - self._window_start >= self.window_seconds:
            self._roll_window(now)
        if self._sent_in_window < self.max_per_window:
            self._sent_in_window += 1
            return True
        self._suppressed += 1
        return False

    def _roll_window(self, now):
        """Start a new window; report what the last one suppressed (caller holds the lock)."""
        suppressed = self._suppressed
        self._window_start, self._sent_in_window, self._suppressed = now, 0, 0
        if suppressed:
            plural = "error was" if suppressed == 1 else "errors were"
            text = f"… and {suppressed} more {plural} suppressed (Slack rate limit)"
            if not self._enqueue(text, count_drop=False):
                self._suppressed += suppressed  # try again after the next window

    def _enqueue(self, text, count_drop=True):
        try:
            self._queue.put_nowait(text)
        except queue.Full:
            if count_drop:
                self._suppressed += 1
            return False
        return True

    # --- In the posting thread.

    def _serve(self, jobs):
        while True:
            with self._state_lock:
                if self._suppressed:
                    wait = self._window_start + self.window_seconds - time.monotonic()
                else:
                    wait = self.window_seconds
            try:
                text = jobs.get(timeout=max(wait, 0.01))
            except queue.Empty:
                with self._state_lock:
                    now = time.monotonic()
                    if self._suppressed and now - self._window_start >= self.window_seconds:
                        self._roll_window(now)
                continue
            if text is _STOP:
                return
            self._post(text)

    def _post(self, text):
        body = json.dumps({"text": text}).encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.webhook_url,
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
            self.sent += 1
        except Exception as exc:
            # Never through logging: this handler would be asked to report its own failure.
            # The webhook URL is a secret, so it is not printed.
            self.failures += 1
            with contextlib.suppress(Exception):  # stderr closed: nothing left to tell
                sys.stderr.write(f"slack logging: post failed: {type(exc).__name__}: {exc}\n")

    def close(self):
        """Let queued posts go out, waiting at most ``timeout`` seconds (e.g. at exit)."""
        thread, jobs = self._thread, self._queue
        if thread is not None and self._pid == os.getpid() and thread.is_alive():
            deadline = time.monotonic() + self.timeout
            try:
                jobs.put(_STOP, timeout=self.timeout)
            except queue.Full:
                pass
            else:
                thread.join(max(deadline - time.monotonic(), 0))
        self._pid = self._thread = self._queue = None
        super().close()
