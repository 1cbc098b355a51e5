"""Wagtail builds every page URL from ``Page._get_site_root_paths``, a private method that
loads every Site. ``install`` puts the product's own lookup in its place, for every page
class (the admin calls it on plain ``Page`` instances too):
``blog.tenants.page_urls.site_root_paths_for_page``, one cached lookup of the page's own
blog's Site, which says why.
"""

from wagtail.models import Page


def install(site_root_paths_for_page):
    Page._get_site_root_paths = site_root_paths_for_page
