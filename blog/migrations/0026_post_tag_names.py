"""PostPage.tag_names: the names of a post's tags, kept on its row for the reader pages.

Filled here for the posts that exist, in the order the tags were added (the order the
post page showed them in), a batch of rows at a time.
"""

from itertools import groupby

from django.db import migrations, models

BATCH = 2000


def fill_tag_names(apps, schema_editor):
    PostPage = apps.get_model("blog", "PostPage")
    PostTag = apps.get_model("blog", "PostTag")
    rows = PostTag.objects.order_by("content_object_id", "id").values_list(
        "content_object_id", "tag__name"
    )
    batch = []
    for post_id, tagged in groupby(rows.iterator(chunk_size=BATCH), key=lambda row: row[0]):
        batch.append(PostPage(pk=post_id, tag_names=[name for _, name in tagged]))
        if len(batch) == BATCH:
            PostPage.objects.bulk_update(batch, ["tag_names"])
            batch = []
    PostPage.objects.bulk_update(batch, ["tag_names"])


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0025_analytics_rollups"),
    ]

    operations = [
        migrations.AddField(
            model_name="postpage",
            name="tag_names",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(fill_tag_names, migrations.RunPython.noop),
    ]
