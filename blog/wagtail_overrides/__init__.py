"""Every place the product replaces or reaches into a private part of Wagtail or Django.

Each module says what it changes and why stock behaviour would not do; ``install()``
applies the patches once, from ``BlogConfig.ready()``. ``tests/blog/wagtail_overrides/``
checks that each patched name still has the shape it is written against, so that a
Wagtail or Django upgrade that changes it fails there, by name, instead of quietly.
"""

from blog.wagtail_overrides import page_urls, search_norms, spreadsheets, tree_lookups


def install(site_root_paths_for_page):
    """Apply every patch; the replacements that are product logic come in as arguments,
    so that this package imports nothing above ``blog.core``."""
    spreadsheets.install()
    page_urls.install(site_root_paths_for_page)
    tree_lookups.install()
    search_norms.install()
