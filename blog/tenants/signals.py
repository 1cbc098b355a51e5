"""What keeps a tenant whole as it changes: the host, root-URL and blog caches forget a
Site, a blog root, a view restriction or an image that changed, the Site follows the
blog's custom domain and title, and a deleted blog takes its group and image collection
along."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction, Site

from blog.models import BlogPage
from blog.tenants.custom_domains import sync_site
from blog.tenants.lifecycle import remove_tenant
from blog.tenants.site_cache import (
    forget_blog_root,
    forget_blogs_showing,
    forget_restricted_blog,
    forget_site,
    remember_previous_site,
)

pre_save.connect(remember_previous_site, sender=Site, dispatch_uid="bearcms-site-pre")
post_save.connect(forget_site, sender=Site, dispatch_uid="bearcms-site-save")
post_delete.connect(forget_site, sender=Site, dispatch_uid="bearcms-site-delete")
post_save.connect(forget_blog_root, dispatch_uid="bearcms-page-save")
post_delete.connect(forget_blog_root, dispatch_uid="bearcms-page-delete")
post_delete.connect(remove_tenant, sender=BlogPage, dispatch_uid="bearcms-remove-tenant")
for signal in (post_save, post_delete):
    signal.connect(
        forget_restricted_blog, sender=PageViewRestriction, dispatch_uid="bearcms-restriction"
    )
pre_delete.connect(forget_blogs_showing, sender=get_image_model(), dispatch_uid="bearcms-image")


def follow_blog_settings(sender, instance, update_fields=None, **kwargs):
    """A full save of a blog (a publish of its settings) may change its custom domain
    or its title."""
    if update_fields is None:
        sync_site(instance)


post_save.connect(follow_blog_settings, sender=BlogPage, dispatch_uid="bearcms-site-hostname")
