from django.apps import AppConfig


class BlogConfig(AppConfig):
    """The tenant blogs: pages, tenancy, host routing, Markdown, admin isolation."""

    name = "blog"

    def ready(self):
        from blog import (
            cdn,
            dodginess,
            page_cache,
            page_urls,
            site_cache,
            spreadsheets,
            subscriber_mail,
            tenancy,
            tree_lookups,
        )

        cdn.connect_signals()
        dodginess.connect_signals()
        spreadsheets.install()
        page_cache.connect_signals()
        site_cache.connect_signals()
        page_urls.install()
        tenancy.connect_signals()
        subscriber_mail.connect_signals()
        tree_lookups.install()
