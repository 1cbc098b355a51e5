"""Two indexes on Wagtail's search index table, made here in SQL since the table is
Wagtail's (PostgreSQL only: SQLite searches with FTS5 and needs neither).

- ``discovery_search``: a GIN index on each entry's ``title || body``, the words
  discovery's search matches (``home.discovery_search``). Without ``fastupdate``: new
  entries go into the index at once (a little more work per publish) rather than into a
  pending list that every search reads whole until VACUUM merges it (up to 4 MB: 12 ms a
  search, measured).
- ``search_entry_new_title_norm``: the entries whose title norm is still to be set
  (``blog.wagtail_overrides.search_norms``), so that a publish finds its own entry
  without reading every entry.

Both are built ``CONCURRENTLY`` (so this migration is not atomic), so that publishing
goes on while they are built over a big table; a build that was interrupted leaves an
invalid index, which a second run drops and builds again.
"""

from django.db import migrations

INDEXES = {
    "discovery_search": "ON wagtailsearch_indexentry USING gin ((title || body)) "
    "WITH (fastupdate = off)",
    "search_entry_new_title_norm": "ON wagtailsearch_indexentry (id) WHERE title_norm = 1.0",
}
INVALID = "SELECT 1 FROM pg_index WHERE indexrelid = to_regclass(%s) AND NOT indisvalid"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(INVALID, [name])
            if cursor.fetchone():
                schema_editor.execute(f"DROP INDEX CONCURRENTLY {name}")
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("blog", "0027_discovery_search_indexes"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
