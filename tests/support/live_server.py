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
    """Django's threaded test server, serialised when it shares the test's connection."""

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def serialised(environ, start_response):
            lock.acquire()
            try:
                response = application(environ, start_response)
            except BaseException:
                lock.release()
                raise
            return ReleasedOnClose(response, lock.release)

        return super().set_app(serialised)
