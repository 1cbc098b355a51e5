"""URLs of a blog host (<subdomain>.<BLOG_DOMAIN>): reader pages only.

No admin, no accounts: the dashboard lives on the platform host alone, so its
cookies and views never exist on a blog's origin.
"""

from django.conf import settings
from django.urls import path, re_path
from wagtail import views as wagtail_views
from wagtail.urls import serve_pattern

from blog import views

urlpatterns = [
    path("blog/", views.post_index, name="blog_post_index"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Only Wagtail's page-serving view: not its /_util/ login and password views.
urlpatterns.append(re_path(serve_pattern, wagtail_views.serve, name="wagtail_serve"))
