"""A post's id as text, uniquely indexed: what discovery's search (``home.discovery_search``)
follows on PostgreSQL from a matched search index entry (its ``object_id`` is text) to the
post. Unique, so that the planner knows each entry leads to one post. (SQLite searches
with FTS5 and never reads it.)"""

from django.db import migrations, models
from django.db.models.functions import Cast


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0026_post_tag_names"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="postpage",
            constraint=models.UniqueConstraint(
                Cast("page_ptr", output_field=models.CharField(max_length=50)),
                name="discovery_search_post",
            ),
        ),
    ]
