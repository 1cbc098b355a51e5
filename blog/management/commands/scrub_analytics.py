"""``manage.py scrub_analytics``: blank visitor hashes older than 24 hours and delete past
days' salts (``blog.analytics.hits.scrub``). Production runs it hourly; running it again
changes nothing."""

from django.core.management.base import BaseCommand

from blog.analytics.hits import scrub


class Command(BaseCommand):
    help = "Blank analytics visitor hashes older than 24 hours and delete old daily salts."

    def handle(self, **options):
        blanked, deleted = scrub()
        self.stdout.write(f"Blanked {blanked} visitor hashes, deleted {deleted} daily salts.")
