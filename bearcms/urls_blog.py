"""URLs of a blog host (<subdomain>.<BLOG_DOMAIN>): reader pages only.

No admin, no accounts: the dashboard lives on the platform host alone, so its
cookies and views never exist on a blog's origin.
"""

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls

from blog import views

urlpatterns = [
    path("blog/", views.post_index, name="blog_post_index"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
