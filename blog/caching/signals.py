"""When cached copies of a blog go: the CDN's, the shared page cache's and discovery's.

Connected when ``BlogConfig.ready()`` imports this module, before the other packages'
receivers: the CDN purge reads a Site's previous host, which ``blog.tenants.signals``
forgets afterwards.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished

from blog.caching.cdn import purge_after_publishing, purge_font, purge_previous_host
from blog.caching.discovery_cache import forget_discovery_of
from blog.caching.page_cache import forget_pages_of

page_published.connect(purge_after_publishing, dispatch_uid="bearcms-cdn-publish")
page_unpublished.connect(purge_after_publishing, dispatch_uid="bearcms-cdn-unpublish")
post_save.connect(purge_previous_host, sender=Site, dispatch_uid="bearcms-cdn-site")
post_save.connect(purge_font, sender=get_document_model(), dispatch_uid="bearcms-cdn-font")
post_delete.connect(purge_font, sender=get_document_model(), dispatch_uid="bearcms-cdn-font-gone")

page_published.connect(forget_discovery_of, dispatch_uid="bearcms-discovery-publish")
page_unpublished.connect(forget_discovery_of, dispatch_uid="bearcms-discovery-unpublish")
post_delete.connect(forget_discovery_of, dispatch_uid="bearcms-discovery-delete")
page_published.connect(forget_pages_of, dispatch_uid="bearcms-pages-publish")
page_unpublished.connect(forget_pages_of, dispatch_uid="bearcms-pages-unpublish")
post_delete.connect(forget_pages_of, dispatch_uid="bearcms-pages-delete")
