"""An index on the paths of Wagtail's root pages (depth 1).

Every admin page a staff member opens asks for the tree's root nodes (``depth = 1 ORDER
BY path``: the explorer menu's starting point). Without an index SQLite answers by walking
the path index over every page of every blog (40 ms at 100,000 blogs). The index is
partial, so that it serves that question alone: a full (depth, path) index would tempt
the planner away from (slug, path) when it looks a post up among its blog's children.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0011_import_queued_at"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX blog_page_root_paths ON wagtailcore_page (path) WHERE depth = 1",
            "DROP INDEX blog_page_root_paths",
        ),
    ]
