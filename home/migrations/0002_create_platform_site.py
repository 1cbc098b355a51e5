"""Make the platform's HomePage the root of the default Site.

Wagtail's own migrations leave a plain "Welcome" page as the default Site's root. It is
replaced when untouched (a plain page with no children, whatever its slug or title);
otherwise it is kept and the HomePage is added beside it. The tree path is computed
from the root's children, since historical models have no treebeard methods.
"""

from django.conf import settings
from django.db import migrations

STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def encode_step(number):
    digits = ""
    while number:
        number, remainder = divmod(number, len(ALPHABET))
        digits = ALPHABET[remainder] + digits
    return digits.rjust(STEPLEN, "0")


def create_platform_site(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")

    root = Page.objects.get(depth=1)
    default_site = Site.objects.filter(is_default_site=True).first()
    welcome = default_site and Page.objects.filter(
        id=default_site.root_page_id,
        depth=2,
        numchild=0,
        content_type__app_label="wagtailcore",
        content_type__model="page",
    ).first()
    if welcome:
        welcome.delete()
        root.numchild -= 1

    last_child = Page.objects.filter(depth=2).order_by("-path").first()
    step = int(last_child.path[STEPLEN:], 36) + 1 if last_child else 1
    content_type, _ = ContentType.objects.get_or_create(app_label="home", model="homepage")
    slug = "home" if not Page.objects.filter(depth=2, slug="home").exists() else "platform"
    home = HomePage.objects.create(
        title="bearcms",
        draft_title="bearcms",
        slug=slug,
        content_type=content_type,
        path=root.path + encode_step(step),
        depth=2,
        numchild=0,
        url_path=f"/{slug}/",
        locale_id=Locale.objects.order_by("id").values_list("id", flat=True).first(),
    )
    root.numchild += 1
    root.save(update_fields=["numchild"])

    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(
        hostname=settings.BLOG_DOMAIN,
        port=settings.SITE_PORT,
        root_page_id=home.id,
        is_default_site=True,
        site_name="bearcms",
    )


def remove_platform_site(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    homes = apps.get_model("home.HomePage").objects.filter(depth=2)
    count = homes.count()
    homes.delete()
    root = Page.objects.get(depth=1)
    root.numchild -= count
    root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_platform_site, remove_platform_site)]
