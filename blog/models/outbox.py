"""The outbox pattern, shared by everything the platform sends to other servers: one row
per message and recipient, claimed by one sender at a time, stamped when sent.

A subscriber's new-post email (``Delivery``) and an activity to a fediverse inbox
(``ActivityDelivery``) are such rows. A sender claims a due row with a conditional UPDATE
(two senders cannot both claim one), sends it, and stamps ``sent_at``; a failure counts
an attempt and sets the next one after the backoff of ``blog.core.retries``. If the
sender dies, its claim expires and the row is due again.
"""

import logging

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from blog.core.retries import MAX_ATTEMPTS, retry_delay

logger = logging.getLogger(__name__)


class OutboxEntry(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def due(cls):
        """The rows to send now: unsent, not given up, their next attempt come."""
        return cls.objects.filter(
            sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, next_attempt_at__lte=timezone.now()
        )

    @classmethod
    def claim(cls, pk, duration):
        """Take a due row for this process for ``duration``; True if it is ours."""
        now = timezone.now()
        return bool(
            cls.due()
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=pk)
            .update(claimed_until=now + duration)
        )

    @classmethod
    def mark_sent(cls, pk):
        cls.objects.filter(pk=pk).update(sent_at=timezone.now(), claimed_until=None)

    @classmethod
    def record_failure(cls, pk, error, give_up=False):
        """Count a failed attempt on the row (not on a copy read before the claim) and set
        the next one after the backoff; ``give_up``: there is no point in another."""
        row = cls.objects.filter(pk=pk)
        message = f"{type(error).__name__}: {error}"[:500]
        if give_up:
            row.update(attempts=MAX_ATTEMPTS, last_error=message, claimed_until=None)
            logger.warning("Gave up sending %s %s: %s", cls.__name__, pk, message)
            return
        row.update(attempts=F("attempts") + 1, last_error=message)
        attempts = row.values_list("attempts", flat=True).get()
        row.update(next_attempt_at=timezone.now() + retry_delay(attempts), claimed_until=None)
        if attempts >= MAX_ATTEMPTS:
            logger.error(
                "Gave up sending %s %s after %d attempts: %s", cls.__name__, pk, attempts, message
            )
        else:
            logger.warning(
                "Sending %s %s failed (attempt %d): %s", cls.__name__, pk, attempts, message
            )
