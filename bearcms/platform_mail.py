"""When a mail that failed is tried again: one schedule for every mail the platform sends.

A mail provider's outage lasts minutes to hours; a task that fails is enqueued again
after a growing delay, as long as the task backend can defer it (the database backend
the worker runs can; the inline backend of development and tests cannot, so there a
failure is only logged). Used by subscriber mail (``blog.subscriber_mail``) and account
mail (``home.account_mail``).
"""

from datetime import timedelta
from smtplib import SMTPException

# The delay before attempt n+1 after n failed ones: about four days in all.
RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 30, 120, 720, 1440, 1440)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
MAIL_ERRORS = (SMTPException, OSError)  # OSError covers refused connections and timeouts


def retry_delay(attempts):
    """The wait after ``attempts`` failed attempts."""
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def can_defer(task_to_run):
    """Can the task backend run a task later (a retry), or only now?"""
    return task_to_run.get_backend().supports_defer
