"""Title norms of Wagtail's PostgreSQL search index without reading the whole index.

After every write to the index (each publish, each few hundred posts of an import),
modelsearch's ``PostgresIndex._refresh_title_norms`` sets each new entry's
``title_norm`` (the average title length over the entry's own, a boost for short titles)
from the average over every entry, and finds the new entries (still at 1.0) by reading
every entry: two passes over the whole table per publish, 2.9 s at a million posts
(``bench/results/discover.md``), where this takes 9 ms.

Here the average is that of the newest ``SAMPLE`` entries (read backwards along the
primary key: titles do not change length with the index's size), and the new entries
are found through the partial index ``search_entry_new_title_norm`` (``title_norm =
1.0``, migration ``blog.0028``), which holds only the entries written since. A full
refresh (``full=True``, Wagtail's rebuild) is left as it was.
"""

from django.db.models import Avg, F
from django.db.models.functions import Length
from modelsearch.backends.database.postgres.postgres import PostgresIndex

SAMPLE = 1000
# The norm of a title as long as the average is 1.0, which would leave it among the new
# entries for good (and, when most titles are that long, make each publish rewrite most
# of the index): it is set a hair above, by a second pass over the few left at 1.0.
SET_AT_ONE = 1.000001
stock_refresh_title_norms = PostgresIndex._refresh_title_norms


def refresh_title_norms(self, full=False):
    if full:
        stock_refresh_title_norms(self, full=True)
        return
    newest = self.entries.order_by("-pk").values("pk")[:SAMPLE]
    average = (
        self.entries.filter(pk__in=newest)
        .annotate(title_length=Length("title"))
        .filter(title_length__gt=0)
        .aggregate(Avg("title_length"))["title_length__avg"]
    )
    if average:
        new = self.entries.filter(title_norm=1.0).annotate(title_length=Length("title"))
        new.filter(title_length__gt=0).update(title_norm=average / F("title_length"))
        new.filter(title_length__gt=0).update(title_norm=SET_AT_ONE)


def install():
    PostgresIndex._refresh_title_norms = refresh_title_norms
