"""Prefix lookups on materialised paths that SQLite can answer from an index.

Wagtail finds a page's descendants with ``path__startswith``, which Django's SQLite
backend writes as ``path LIKE 'prefix%' ESCAPE '\\'``. SQLite's LIKE ignores case, so it
cannot use the (case-sensitive) index on ``path``: every "pages of this blog" query
reads the whole page table (250 ms for a blog home at 100,000 blogs, see bench/). The
same prefix written as a range, ``path >= prefix AND path < prefix || U+10FFFF``, is
answered from the index. PostgreSQL needs none of this: Django gives each indexed
CharField a ``varchar_pattern_ops`` index that LIKE uses.
"""

from django.db.models.lookups import StartsWith
from wagtail.models import Collection, Page

HIGHEST_CHARACTER = "\U0010ffff"


class PathStartsWith(StartsWith):
    """``startswith`` on a tree path, as an index range on SQLite."""

    def as_sqlite(self, compiler, connection):
        if not (self.rhs_is_direct_value() and isinstance(self.rhs, str) and self.rhs):
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if len(self.rhs) <= Page.steplen:
            # The tree's root matches every row: keep the planner off the path index
            # (unary +), so that it uses the narrower conditions of the query instead.
            lhs = f"+{lhs}"
        sql = f"({lhs} >= %s AND {lhs} < %s)"
        return sql, [*lhs_params, self.rhs, *lhs_params, self.rhs + HIGHEST_CHARACTER]


def install():
    """Use the range form for the trees the admin and reader pages query most."""
    for model in (Page, Collection):
        model._meta.get_field("path").register_lookup(PathStartsWith)
