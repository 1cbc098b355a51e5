from django.db import migrations, models
from django.db.models.expressions import RawSQL

# The SQL that writes ``"home_post_list": true`` into a revision's stored page, and that
# takes it out again: Django has no JSON update expression that both databases run.
SET_IN_REVISION = {
    "postgresql": "jsonb_set(content, '{home_post_list}', 'true'::jsonb)",
    "sqlite": "json_set(content, '$.home_post_list', json('true'))",
}
REMOVE_FROM_REVISION = {
    "postgresql": "content - 'home_post_list'",
    "sqlite": "json_remove(content, '$.home_post_list')",
}


def blog_revisions(apps):
    """The revisions of blogs (not of their posts); none in a fresh database."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(app_label="blog", model="blogpage").first()
    if content_type is None:
        return Revision.objects.none()
    return Revision.objects.filter(content_type=content_type)


def keep_listing_posts_on_existing_blogs(apps, schema_editor):
    """Blogs made before the choice existed always listed their posts below the home
    content: they keep doing so, and so do their revisions, so that publishing a draft or
    an older revision saved before this migration does not take the list away. New blogs
    get the field's default, Bear Blog's way (a list only while the home is empty)."""
    apps.get_model("blog", "BlogPage").objects.update(home_post_list=True)
    sql = SET_IN_REVISION[schema_editor.connection.vendor]
    blog_revisions(apps).exclude(content__has_key="home_post_list").update(
        content=RawSQL(sql, [])  # noqa: S611 - constant SQL, no input in it
    )


def forget_the_choice_in_revisions(apps, schema_editor):
    """Back to before: revisions lose the field, as the blogs' rows do."""
    sql = REMOVE_FROM_REVISION[schema_editor.connection.vendor]
    blog_revisions(apps).filter(content__has_key="home_post_list").update(
        content=RawSQL(sql, [])  # noqa: S611 - constant SQL, no input in it
    )


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0015_post_meta_image_url"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="blogpage",
            name="home_post_list",
            field=models.BooleanField(
                default=False,
                help_text="When this is off, your home page lists your posts only while the "
                "home content is empty, as on Bear Blog. Write {{ posts }} in the home content "
                "to place the list where you want it.",
                verbose_name="list your posts below the home content",
            ),
        ),
        migrations.RunPython(keep_listing_posts_on_existing_blogs, forget_the_choice_in_revisions),
    ]
