from django.apps import AppConfig


class BlogConfig(AppConfig):
    """The tenant blogs: pages, tenancy, host routing, Markdown, admin isolation."""

    name = "blog"

    def ready(self):
        from blog import hosts, tree_lookups

        hosts.install()
        tree_lookups.install()
