"""Discovery's search: which discoverable posts match some words, best match first.

Wagtail's search index holds each published post's words (its title and body, as
``tsvector`` columns on PostgreSQL, an FTS5 table on SQLite), written when the post is
published.

On PostgreSQL, Wagtail's own search (``posts.search(words)``) matches ``title || body``,
which none of its indexes serves, and then ranks every match: at a million posts a common
word matches half of them, and the search read every one. So discovery asks its own
question, which two indexes (migrations ``blog.0027`` and ``0028``) answer whatever the
number of posts: the newest ``CANDIDATES`` posts that match, ranked among themselves
(``ts_rank``, title words counting more than body words). PostgreSQL's planner picks the
cheaper way from its statistics:

- a rare word: the GIN index ``discovery_search`` on the index entries' ``title || body``
  finds the few entries that match, and ``discovery_search_post`` (a post's id as text,
  as the search index keeps it; unique) leads from each to its post;
- a common word: it walks the listed posts newest first (``discovery_newest``) and checks
  each one's index entry (by its unique key) until it has ``CANDIDATES`` matches.

So a search has ten pages of results at most (a listing has fifty), and the ranking
needs no second query: one query gives the candidates' ids in order, and only the page shown is
loaded (``RankedPosts``).

On SQLite, the embedded default for one machine's worth of blogs, Wagtail's FTS5 backend
ranks every match itself, which is quick at that size.
"""

from collections.abc import Sequence

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, transaction
from django.db.models import F
from django.db.models.expressions import CombinedExpression
from wagtail.search.backends import get_search_backend

# The newest matches ranked: ten pages of results. The walk down the newest posts reads
# about CANDIDATES / (the share of posts that match) entries, 20 us each: 200 matches of
# two words found together in a sixth of the posts took 31 ms a request at a million
# posts (bench/results/discover.md); a thousand took 140 ms.
CANDIDATES = 200


class RankedPosts(Sequence):
    """Posts in the order of ``ids``, loaded from ``posts`` only for the slice a page
    shows (a ``Paginator`` slices before it reads)."""

    def __init__(self, ids, posts):
        self.ids = ids
        self.posts = posts

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return RankedPosts(self.ids[index], self.posts)
        return self.posts.get(pk=self.ids[index])

    def __iter__(self):
        by_id = self.posts.in_bulk(self.ids)
        return (by_id[pk] for pk in self.ids if pk in by_id)


def matching_posts(posts, words):
    """Those of ``posts`` (a ``PostPage`` queryset) that contain all ``words``, best
    match first: a sequence a ``Paginator`` can page through."""
    if connection.vendor != "postgresql":
        return posts.search(words)
    query = SearchQuery(words, search_type="plain", config=get_search_backend().config)
    words_of_post = CombinedExpression(
        F("index_entries__title"), "||", F("index_entries__body"), output_field=SearchVectorField()
    )
    candidates = (
        posts.annotate(words_of_post=words_of_post)
        .filter(words_of_post=query)
        .order_by("-discovery_date")
        .annotate(rank=SearchRank(F("words_of_post"), query))
        .values_list("pk", "rank")[:CANDIDATES]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Parallel workers would each walk their share of the posts to CANDIDATES matches
        # (three times the work, and 30 ms to start them) for a walk that stops early.
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        rows = list(candidates)
    # Sorted in Python: a stable sort keeps the newest first among equal ranks.
    ranked = sorted(rows, key=lambda row: -row[1])
    return RankedPosts([pk for pk, _rank in ranked], posts)
