"""The dashboard's URLconf: Wagtail's admin behind the tenant guard.

Three things here could not be done with Wagtail hooks, so they are done on the URLs
(``blog.wagtail_overrides.admin_urls`` wraps Wagtail's own patterns):

* every admin view is wrapped with ``guard_admin_view``;
* the views that list every tenant's tags, and the external-link chooser, are replaced
  by the versions in ``blog.dashboard.views``, and the home by the blogger's
  (``blog.dashboard.home``). The replacements come first and keep the
  stock paths, so the stock URL names (``wagtailimages:index`` and so on) now lead to
  them;
* every POST to the page views runs in one transaction (``blog.dashboard.atomic_page_writes``).

``tests/blog/dashboard/test_admin_isolation.py`` walks every pattern here as a blogger, so a Wagtail
upgrade that moves one of these paths fails the suite instead of reopening a leak.
"""

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.images import get_image_model
from wagtail.utils.urlpatterns import decorate_urlpatterns

from blog.dashboard.atomic_page_writes import atomic_post
from blog.dashboard.home import home
from blog.dashboard.isolation import guard_admin_view
from blog.dashboard.views import (
    ExternalLinkView,
    TenantDocumentIndexView,
    TenantImageChooserViewSet,
    TenantImageIndexView,
    tag_autocomplete,
)
from blog.wagtail_overrides.admin_urls import admin_urlpatterns

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
        path("documents/", TenantDocumentIndexView.as_view()),
        path("documents/results/", TenantDocumentIndexView.as_view(results_only=True)),
        path("choose-external-link/", ExternalLinkView.as_view()),
        path("", home, name="wagtailadmin_home"),
    ],
    lambda view: never_cache(require_admin_access(view)),
)

urlpatterns = admin_urlpatterns(tenant_views, guard=guard_admin_view, page_writes=atomic_post)
