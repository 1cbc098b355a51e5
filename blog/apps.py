from django.apps import AppConfig


class BlogConfig(AppConfig):
    """The tenant blogs: pages, tenancy, host routing, Markdown, admin isolation."""

    name = "blog"

    def ready(self):
        from blog import hosts, tenancy, tree_lookups

        hosts.install()
        tenancy.connect_signals()
        tree_lookups.install()
