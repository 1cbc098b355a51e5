"""``manage.py send_subscriber_mail``: run every few minutes (cron, Heroku Scheduler).

Makes scheduled posts whose date has come show everywhere at once (the app's page cache
and the CDN are refreshed) and mails them, and retries deliveries that failed; all of it
is idempotent, so overlapping runs are harmless (see ``blog.subscribers.tasks``).
"""

from django.core.management.base import BaseCommand

from blog.subscribers.tasks import send_subscriber_mail


class Command(BaseCommand):
    help = "Show and email posts whose scheduled date has come; retry failed emails."

    def handle(self, **options):
        failed = send_subscriber_mail()
        if failed:
            self.stderr.write(f"{failed} emails failed; they are retried on a later run.")
