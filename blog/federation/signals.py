"""Publishing, unpublishing or deleting a post tells its blog's followers
(``blog.federation.posts``)."""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

from blog.federation.posts import post_changed
from blog.models import PostPage

page_published.connect(post_changed, dispatch_uid="bearcms-federation-published")
page_unpublished.connect(post_changed, dispatch_uid="bearcms-federation-unpublished")
post_delete.connect(post_changed, sender=PostPage, dispatch_uid="bearcms-federation-deleted")
