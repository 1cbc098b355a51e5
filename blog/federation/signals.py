"""Publishing, unpublishing or deleting a post tells its blog's followers
(``blog.federation.posts``), and so does publishing the blog's settings
(``blog.federation.profile``)."""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

from blog.federation.posts import post_changed
from blog.federation.profile import blog_published
from blog.models import PostPage

page_published.connect(post_changed, dispatch_uid="bearcms-federation-published")
page_unpublished.connect(post_changed, dispatch_uid="bearcms-federation-unpublished")
post_delete.connect(post_changed, sender=PostPage, dispatch_uid="bearcms-federation-deleted")
page_published.connect(blog_published, dispatch_uid="bearcms-federation-profile")
