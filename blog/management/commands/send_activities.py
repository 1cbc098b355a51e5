"""``manage.py send_activities``: run every few minutes (cron, Heroku Scheduler).

Sends followers on the fediverse the posts whose scheduled date has come, and sends
again every activity whose server failed and whose next attempt is due; idempotent, so
overlapping runs are harmless (see ``blog.federation.posts``).
"""

from django.core.management.base import BaseCommand

from blog.federation.posts import send_activities


class Command(BaseCommand):
    help = "Send fediverse followers posts whose date has come; retry failed deliveries."

    def handle(self, **options):
        failed = send_activities()
        if failed:
            self.stderr.write(f"{failed} deliveries failed; they are retried on a later run.")
