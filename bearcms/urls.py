"""URLs of the platform host (BLOG_DOMAIN): landing, accounts, dashboard, discovery.

Blog hosts are routed to ``bearcms.urls_blog`` by ``blog.tenants.hosts.BlogHostMiddleware``
and never reach these views.
"""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import views as wagtail_views
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern
from wagtail.utils.urlpatterns import decorate_urlpatterns

from bearcms.urls_blog import FEDIVERSE_DISCOVERY
from blog.dashboard import urls as dashboard_urls
from blog.federation import views as federation
from blog.tenants.views import caddy_ask
from home import views as home_views
from home.signup import BlogSignupView
from home.two_factor import staff_second_factor_required

urlpatterns = [
    path("healthz", home_views.healthz, name="healthz"),
    path("favicon.ico", home_views.favicon_ico, name="platform_favicon_ico"),
    path("caddy/ask/", caddy_ask, name="caddy_ask"),
    path("accounts/signup/", BlogSignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    # One way in: allauth's login (email verification, rate limits). Wagtail's own
    # login form would skip both.
    path(
        "dashboard/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailadmin_login",
    ),
    # Wagtail's admin, guarded so that a blogger sees only their own blog (blog.dashboard.urls)
    # and staff have a second factor (home.two_factor).
    path(
        "dashboard/",
        include(decorate_urlpatterns(dashboard_urls.urlpatterns, staff_second_factor_required)),
    ),
    path("discover/", include("home.discover_urls")),
    # The shared inbox of every blog's followers on a server (blog.federation).
    path("ap/inbox", federation.inbox, name="platform_ap_inbox"),
    *FEDIVERSE_DISCOVERY,
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
    if "debug_toolbar" in settings.INSTALLED_APPS:
        urlpatterns.append(path("__debug__/", include("debug_toolbar.urls")))

# A database outage answers 503 "back in a moment"; anything else the plain 500 page.
handler500 = "bearcms.server_errors.server_error"

# Only Wagtail's page-serving view: not its /_util/ login and password views.
urlpatterns.append(re_path(serve_pattern, wagtail_views.serve, name="wagtail_serve"))
