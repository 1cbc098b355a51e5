"""The GIN index discovery's search reads on PostgreSQL (``home.discovery_search``): each
of Wagtail's search index entries' ``title || body``, the words discovery matches.

The table is Wagtail's, so the index is made here in SQL. It is built ``CONCURRENTLY``
(so this migration is not atomic), so that publishing goes on while it is built over a
big index table; a build that was interrupted leaves an invalid index, which a second
run drops and builds again. Without ``fastupdate``: new entries go into the index at once
(a little more work per publish) rather than into a pending list that every search reads
whole until VACUUM merges it (up to 4 MB: 12 ms a search, measured). SQLite searches with
FTS5 and needs none of this.
"""

from django.db import migrations

NAME = "discovery_search"
CREATE = (
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} "
    "ON wagtailsearch_indexentry USING gin ((title || body)) WITH (fastupdate = off)"
)
INVALID = "SELECT 1 FROM pg_index WHERE indexrelid = to_regclass(%s) AND NOT indisvalid"


def create_words_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(INVALID, [NAME])
        if cursor.fetchone():
            schema_editor.execute(f"DROP INDEX CONCURRENTLY {NAME}")
    schema_editor.execute(CREATE)


def drop_words_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("blog", "0027_discovery_search_indexes"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create_words_index, drop_words_index)]
