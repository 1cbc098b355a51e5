"""Wagtail has no hook around its admin views, so the dashboard wraps them where they are:
on Wagtail's own URL pattern objects (``wagtail.admin.urls.urlpatterns``), in place, the
way Wagtail itself wraps them with ``require_admin_access``.

``admin_urlpatterns`` returns the admin's patterns behind ``guard``, with the product's
replacements first (they keep the stock paths, so the stock URL names lead to them), and
every page view but the live preview behind ``page_writes`` too. The live preview posts
the form every few seconds while the blogger types and writes no page.
"""

from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.urls import pages as wagtailadmin_pages_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

PREVIEW_VIEWS = frozenset({"preview_on_add", "preview_on_edit"})


def admin_urlpatterns(replacements, guard, page_writes):
    # Page writes first, so that the guard's checks run before page_writes begins.
    decorate_urlpatterns(
        [
            pattern
            for pattern in wagtailadmin_pages_urls.urlpatterns
            if getattr(pattern, "name", None) not in PREVIEW_VIEWS
        ],
        page_writes,
    )
    return decorate_urlpatterns(replacements + list(wagtailadmin_urls.urlpatterns), guard)
