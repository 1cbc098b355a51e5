"""URLs of the platform host (BLOG_DOMAIN): landing, accounts, dashboard.

Blog hosts are routed to ``bearcms.urls_blog`` by ``blog.hosts.BlogHostMiddleware``
and never reach these views.
"""

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from home.signup import BlogSignupView

urlpatterns = [
    path("healthz", home_views.healthz, name="healthz"),
    path("accounts/signup/", BlogSignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    # Wagtail's admin, guarded so that a blogger sees only their own blog (blog.admin_urls).
    path("dashboard/", include("blog.admin_urls")),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
    if "debug_toolbar" in settings.INSTALLED_APPS:
        urlpatterns.append(path("__debug__/", include("debug_toolbar.urls")))

urlpatterns.append(path("", include(wagtail_urls)))
