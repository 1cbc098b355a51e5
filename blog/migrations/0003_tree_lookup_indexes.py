"""Two composite indexes on Wagtail's tables that keep per-blog queries O(log N).

* (slug, path): a post is found by its slug among its blog's children. Alone, the slug
  index matches every blog's "about" or "hello-world"; with the path it is one range.
* (page_id, action): the dashboard's "Edited by" filter asks who edited a blog's pages;
  the stock action index would walk every edit of every blog.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0002_published_date_on_first_publish"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX blog_page_slug_path ON wagtailcore_page (slug, path)",
            "DROP INDEX blog_page_slug_path",
        ),
        migrations.RunSQL(
            "CREATE INDEX blog_pagelogentry_page_action "
            "ON wagtailcore_pagelogentry (page_id, action)",
            "DROP INDEX blog_pagelogentry_page_action",
        ),
    ]
