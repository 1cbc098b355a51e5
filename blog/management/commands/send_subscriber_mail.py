"""``manage.py send_subscriber_mail``: run every few minutes (cron, Heroku Scheduler).

Mails scheduled posts whose date has come and retries deliveries that failed; both are
idempotent, so overlapping runs are harmless (see ``blog.subscriber_mail``).
"""

from django.core.management.base import BaseCommand

from blog.subscriber_mail import send_subscriber_mail


class Command(BaseCommand):
    help = "Email subscribers about posts whose date has come, and retry failed emails."

    def handle(self, **options):
        failed = send_subscriber_mail()
        if failed:
            self.stderr.write(f"{failed} emails failed; they are retried on a later run.")
