"""The live server answers one request at a time when it shares the test's connection.

On SQLite the suite's database is in memory, so Django hands the test's one connection to
every thread of the live server. A browser sends requests side by side (Wagtail's
autosave and preview beside a Publish), and on one shared connection their transactions
nest in each other: one request's rollback undoes another's writes, and a savepoint
outlives its atomic block. That is the test's set-up, not the app's (in production each
request has its own connection), and it showed up as rare 500s on a loaded machine.
Holding a lock from the call into the app until the server closes the response (a
streamed body reads the database too) serialises them; on PostgreSQL there is nothing to
share and requests still run side by side.
"""

import threading

from django.core.servers.basehttp import ThreadedWSGIServer


class ReleasedOnClose:
    """A WSGI response that releases the lock when the server closes it (the server
    always does, even when the client went away before the body was read)."""

    def __init__(self, response, release):
        self.response, self.release = response, release

    def __iter__(self):
        return iter(self.response)

    def close(self):
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.release()


class OneRequestAtATimeOnASharedConnection(ThreadedWSGIServer):
    """Django's threaded test server, serialised when it shares the test's connection.

    The thread that holds the lock remembers it, so the lock is released once whichever
    way its request ends: when the response is closed, or at the latest when the
    connection's thread is done (an error before the response was ever closed)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lock = threading.Lock()
        self.holder = threading.local()

    def release(self):
        if getattr(self.holder, "holds", False):
            self.holder.holds = False
            self.lock.release()

    def finish_request(self, request, client_address):
        try:
            super().finish_request(request, client_address)
        finally:
            self.release()

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)

        def serialised(environ, start_response):
            self.lock.acquire()
            self.holder.holds = True
            try:
                response = application(environ, start_response)
            except BaseException:
                self.release()
                raise
            return ReleasedOnClose(response, self.release)

        return super().set_app(serialised)
