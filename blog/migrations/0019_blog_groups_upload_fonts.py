from django.db import migrations

# The document permissions a blog's group holds on its collection, as
# blog.tenants.lifecycle.DOCUMENT_PERMISSIONS said when this was written.
DOCUMENT_PERMISSIONS = ["add_document", "change_document", "choose_document"]


def blog_collection_pairs(apps):
    """(group id, collection id) of every blog that has both; none in a fresh database."""
    BlogPage = apps.get_model("blog", "BlogPage")
    return BlogPage.objects.filter(group__isnull=False, collection__isnull=False).values_list(
        "group_id", "collection_id"
    )


def document_permissions(apps):
    # In a fresh database Django creates the permissions after the migrations; there are
    # no blogs then either.
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="wagtaildocs", codename__in=DOCUMENT_PERMISSIONS
    )


def let_blogs_upload_fonts(apps, schema_editor):
    """Existing blogs get what new ones get: documents (web fonts) in their collection."""
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    permissions = list(document_permissions(apps))
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(
                group_id=group_id, collection_id=collection_id, permission=permission
            )
            for group_id, collection_id in blog_collection_pairs(apps)
            for permission in permissions
        ],
        ignore_conflicts=True,
        batch_size=5000,
    )


def take_the_permissions_back(apps, schema_editor):
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    BlogPage = apps.get_model("blog", "BlogPage")
    GroupCollectionPermission.objects.filter(
        group_id__in=BlogPage.objects.values("group_id"),
        permission__in=document_permissions(apps),
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0018_bear_themes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(let_blogs_upload_fonts, take_the_permissions_back)]
