"""Replace Wagtail's welcome page with the platform's HomePage on the default Site."""

from django.conf import settings
from django.db import migrations


def create_platform_site(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="home")
    home = HomePage.objects.create(
        title="bearcms",
        draft_title="bearcms",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale_id=1,
    )
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(
        hostname=settings.BLOG_DOMAIN,
        port=settings.SITE_PORT,
        root_page_id=home.id,
        is_default_site=True,
        site_name="bearcms",
    )


def remove_platform_site(apps, schema_editor):
    apps.get_model("home.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_platform_site, remove_platform_site)]
