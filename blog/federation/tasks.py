"""Sending a blog's activities to its followers' servers, from background tasks.

An activity is stored once (``Activity``, its ``key`` unique) with one
``ActivityDelivery`` per inbox, in one transaction: a server's shared inbox once for all
its followers there, else each follower's own. Then ``deliver_activity`` posts each due
delivery, signed with the blog's key, as every outbox row is sent
(``blog.models.outbox``):

- a 2xx answer stamps it sent; a task run again sends nothing twice;
- a server that is down, slow (``FEDERATION_TIMEOUT``) or answering 5xx, 408 or 429 gets
  it again after the backoff of ``blog.core.retries``, by a deferred task where the
  backend can run one later and by ``manage.py send_activities`` in any case; after
  ``MAX_ATTEMPTS`` it is given up;
- any other 4xx means the server will not take it, and an inbox at an address this
  server never requests (``blog.federation.remote``) is never tried: given up at once.

Publishing never waits for any of this: the task is enqueued after the commit, and the
worker sends it (inline only in development and tests).
"""

import json
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Min
from django_tasks import task

from blog.core.retries import MAX_ATTEMPTS, can_defer
from blog.federation.remote import AddressRefused, RemoteError, send
from blog.models import Activity, ActivityDelivery

logger = logging.getLogger(__name__)

CLAIM_DURATION = timedelta(minutes=5)  # longer than any one request (FEDERATION_TIMEOUT)
RETRIED_STATUSES = {408, 429}


def record(blog, kind, key, document, inboxes, post_id=None):
    """Store the activity and its deliveries, and send them after the commit; None when
    an activity with ``key`` was made already (it is not made or sent twice)."""
    inboxes = sorted(set(inboxes))
    try:
        with transaction.atomic():
            row = Activity.objects.create(
                blog=blog, key=key, kind=kind, document=document, post_id=post_id
            )
            ActivityDelivery.objects.bulk_create(
                [ActivityDelivery(activity=row, inbox=inbox) for inbox in inboxes],
                batch_size=500,
            )
    except IntegrityError:
        return None
    if inboxes:
        activity_id = row.pk
        transaction.on_commit(lambda: deliver_activity.enqueue(activity_id), robust=True)
    return row


@task()
def deliver_activity(activity_id):
    """Send the activity's due deliveries; if some failed, come back when they are due."""
    failed = send_deliveries(ActivityDelivery.due().filter(activity_id=activity_id))
    if failed and can_defer(deliver_activity):
        waiting = ActivityDelivery.objects.filter(
            activity_id=activity_id, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
        )
        retry = waiting.aggregate(at=Min("next_attempt_at"))["at"]
        if retry is not None:
            deliver_activity.using(run_after=retry).enqueue(activity_id)


def send_deliveries(deliveries):
    """Send each of ``deliveries`` this process can claim; return how many failed."""
    failed = 0
    # Listed up front: rows change as they are sent, and SQLite cursors see that.
    for delivery in list(deliveries.select_related("activity__blog").order_by("pk")):
        if not ActivityDelivery.claim(delivery.pk, CLAIM_DURATION):
            continue  # another sender has it
        activity = delivery.activity
        try:
            body = json.dumps(activity.document).encode()
            with send("POST", delivery.inbox, activity.blog, body=body) as response:
                status = response.status_code
        except AddressRefused as error:
            ActivityDelivery.record_failure(delivery.pk, error, give_up=True)
            continue
        except RemoteError as error:
            ActivityDelivery.record_failure(delivery.pk, error)
            failed += 1
            continue
        if 200 <= status < 300:
            ActivityDelivery.mark_sent(delivery.pk)
        else:
            error = RemoteError(f"{delivery.inbox} answered {status}.")
            give_up = 400 <= status < 500 and status not in RETRIED_STATUSES
            ActivityDelivery.record_failure(delivery.pk, error, give_up=give_up)
            failed += 0 if give_up else 1
    return failed
