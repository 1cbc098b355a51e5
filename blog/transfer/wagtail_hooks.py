"""Import and Export in the dashboard: their URLs, menu items and log action."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from blog.transfer.views import (
    NAMESPACE,
    blog_zip_view,
    cancel,
    export_view,
    job_page,
    posts_csv_view,
    start,
    upload,
)


@hooks.register("register_admin_urls")
def register_export_urls():
    return [
        path("export/", export_view, name="bearcms_export"),
        path("export/posts.csv", posts_csv_view, name="bearcms_export_csv"),
        path("export/blog.zip", blog_zip_view, name="bearcms_export_zip"),
    ]


@hooks.register("register_admin_menu_item")
def register_export_menu_item():
    return MenuItem("Export", reverse("bearcms_export"), icon_name="download", order=350)


@hooks.register("register_admin_urls")
def register_import_urls():
    urls = [
        path("", upload, name="upload"),
        path("<int:pk>/", job_page, name="job"),
        path("<int:pk>/start/", start, name="start"),
        path("<int:pk>/cancel/", cancel, name="cancel"),
    ]
    return [path("import/", include((urls, NAMESPACE), namespace=NAMESPACE))]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return MenuItem("Import", reverse(f"{NAMESPACE}:upload"), icon_name="upload", order=351)


@hooks.register("register_log_actions")
def register_import_log_action(actions):
    @actions.register_action("bearcms.import")
    class ImportPosts(LogFormatter):
        label = "Import posts"

        def format_message(self, log_entry):
            data = log_entry.data
            skipped = f", skipped {data['skipped']}" if data.get("skipped") else ""
            return f"Imported {data.get('imported', 0)} posts from {data.get('source')}{skipped}"
