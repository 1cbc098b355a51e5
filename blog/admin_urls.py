"""The dashboard's URLconf: Wagtail's admin behind the tenant guard.

Three things here could not be done with Wagtail hooks, so they are done on the URLs:

* every admin view is wrapped with ``guard_admin_view`` (Wagtail has no hook around its
  views; it wraps them the same way itself, with ``require_admin_access``);
* the views that list every tenant's tags, and the external-link chooser, are replaced
  by the versions in ``blog.admin_views``. The replacements come first and keep the
  stock paths, so the stock URL names (``wagtailimages:index`` and so on) now lead to
  them;
* every POST to the page views runs in one transaction (``blog.atomic_page_writes``).

``tests/test_admin_isolation.py`` walks every pattern here as a blogger, so a Wagtail
upgrade that moves one of these paths fails the suite instead of reopening a leak.
"""

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.admin.urls import pages as wagtailadmin_pages_urls
from wagtail.images import get_image_model
from wagtail.utils.urlpatterns import decorate_urlpatterns

from blog.admin_isolation import guard_admin_view
from blog.admin_views import (
    ExternalLinkView,
    TenantImageChooserViewSet,
    TenantImageIndexView,
    tag_autocomplete,
)
from blog.atomic_page_writes import atomic_post

PREVIEW_VIEWS = {"preview_on_add", "preview_on_edit"}

image_chooser = TenantImageChooserViewSet(
    "wagtailimages_chooser", model=get_image_model(), url_prefix="images/chooser"
)

# Decorated like the stock admin views they stand in for.
tenant_views = decorate_urlpatterns(
    [
        path("tag-autocomplete/", tag_autocomplete),
        path("tag-autocomplete/<slug:app_name>/<slug:model_name>/", tag_autocomplete),
        path("images/", TenantImageIndexView.as_view()),
        path("images/results/", TenantImageIndexView.as_view(results_only=True)),
        path("images/chooser/", image_chooser.choose_view),
        path("choose-external-link/", ExternalLinkView.as_view()),
    ],
    lambda view: never_cache(require_admin_access(view)),
)

# decorate_urlpatterns wraps the pattern objects in place; only this URLconf uses them.
# Page writes first, so that the guard's checks run before the transaction begins. The
# live preview posts the form every few seconds while the blogger types and writes no
# page: it stays out of a transaction, which on SQLite would hold the write lock.
decorate_urlpatterns(
    [
        pattern
        for pattern in wagtailadmin_pages_urls.urlpatterns
        if getattr(pattern, "name", None) not in PREVIEW_VIEWS
    ],
    atomic_post,
)
urlpatterns = decorate_urlpatterns(
    tenant_views + list(wagtailadmin_urls.urlpatterns), guard_admin_view
)
