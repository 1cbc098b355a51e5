"""``manage.py rollup_analytics``: sum every finished UTC day's hits into ``DailyReads``
and delete hits past keeping (``blog.analytics.rollups``). Production runs it hourly, so a
day is in the sums within an hour of its end and a missed run catches up; running it
again changes nothing. ``--day YYYY-MM-DD`` rolls one day up again from its hits (and
then any finished day not rolled up yet)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from blog.analytics.rollups import RawHitsGone, finished_by, roll_up, roll_up_finished_days


class Command(BaseCommand):
    help = "Sum finished days' analytics hits into daily reads; delete hits past keeping."

    def add_arguments(self, parser):
        parser.add_argument(
            "--day", type=datetime.date.fromisoformat, help="Roll up this UTC day again."
        )

    def handle(self, day=None, **options):
        if day is not None:
            try:
                roll_up(day, finished_by())
            except (RawHitsGone, ValueError) as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Rolled up {day}.")
        # Also after --day: figures take every day up to the last one rolled up from the
        # sums, so none with hits may be left out before it.
        days, deleted = roll_up_finished_days()
        span = f" ({days[0]} to {days[-1]})" if days else ""
        self.stdout.write(f"Rolled up {len(days)} days{span}, deleted {deleted} old hits.")
