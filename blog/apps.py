import importlib
import sys

from django.apps import AppConfig

# Queued tasks are stored by their function's import path (django-tasks' database
# backend). These modules moved into packages; the old paths stay importable for one
# release, so that tasks queued before the deploy still run after it. Drop them in the
# release after next (docs/architecture.md, "Moved modules").
MOVED_TASK_MODULES = {
    "blog.dodginess": "blog.moderation.dodginess",
    "blog.import_posts": "blog.transfer.tasks",
    "blog.subscriber_mail": "blog.subscribers.tasks",
}


class BlogConfig(AppConfig):
    """The tenant blogs: pages, tenancy, host routing, Markdown, admin isolation.

    ``blog/wagtail_hooks.py`` collects each package's Wagtail hooks; this connects each
    package's signal receivers (in this order: a receiver runs in the order it was
    connected) and installs the overrides of Wagtail and Django in
    ``blog.wagtail_overrides``.
    """

    name = "blog"

    def ready(self):
        from blog import wagtail_overrides
        from blog.caching import signals as caching_signals  # noqa: F401
        from blog.federation import signals as federation_signals  # noqa: F401
        from blog.moderation import signals as moderation_signals  # noqa: F401
        from blog.subscribers import signals as subscriber_signals  # noqa: F401
        from blog.tenants import signals as tenant_signals  # noqa: F401
        from blog.tenants.page_urls import site_root_paths_for_page

        wagtail_overrides.install(site_root_paths_for_page)
        for old, new in MOVED_TASK_MODULES.items():
            sys.modules.setdefault(old, importlib.import_module(new))
