"""When work that failed on another server is tried again: mail to an SMTP provider,
activities to a fediverse server.

Outages last minutes to hours, a dead server for good: a task that fails is enqueued
again after a growing delay, as long as the task backend can defer it (the database
backend the worker runs can; the inline backend of development and tests cannot, so there
the periodic commands pick up what is due). After ``MAX_ATTEMPTS`` it is given up.
"""

from datetime import timedelta

# The delay before attempt n+1 after n failed ones: about four days in all.
RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 30, 120, 720, 1440, 1440)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def retry_delay(attempts):
    """The wait after ``attempts`` failed attempts."""
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def can_defer(task_to_run):
    """Can the task backend run a task later (a retry), or only now?"""
    return task_to_run.get_backend().supports_defer
