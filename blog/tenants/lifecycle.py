"""A blog and everything that makes it a tenant, created and deleted as one.

A blog is four things that must exist together: the root ``BlogPage`` (depth 2), the
``Site`` serving it at ``<subdomain>.<BLOG_DOMAIN>``, a permission ``Group`` holding
page permissions on that page's subtree, and a ``Collection`` of images and documents
(the web fonts its CSS uses, ``blog.dashboard.document_uploads``) the same group may use.
The owner joins the group. Wagtail's permission system then keeps every blogger
inside their own blog; ``blog.dashboard.isolation`` closes the places where stock Wagtail
would still show other tenants.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from blog.core.names import (
    LABEL_RE,
    RESERVED_SUBDOMAINS,
    blog_hostname,
    is_a_label,
    is_platform_host,
    normalise_subdomain,
)
from blog.models import BlogPage

# What a blogger may do with pages inside their own blog, and with their own images and
# documents (fonts).
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
IMAGE_PERMISSIONS = ["add_image", "change_image", "choose_image"]
DOCUMENT_PERMISSIONS = ["add_document", "change_document", "choose_document"]


def collection_permissions():
    """The permissions a blog's group holds on the blog's collection."""
    return Permission.objects.filter(
        Q(content_type__app_label="wagtailimages", codename__in=IMAGE_PERMISSIONS)
        | Q(content_type__app_label="wagtaildocs", codename__in=DOCUMENT_PERMISSIONS)
    )


def validate_subdomain(value):
    """Raise ValidationError with a message a person can act on, or return the subdomain."""
    subdomain = normalise_subdomain(value)
    if not subdomain:
        raise ValidationError("Choose a subdomain for your blog.", code="required")
    if len(subdomain) > 63:
        raise ValidationError("A subdomain has at most 63 characters.", code="too_long")
    if not LABEL_RE.match(subdomain):
        raise ValidationError(
            "Use lowercase letters, digits and hyphens only, not starting or ending with a hyphen.",
            code="invalid",
        )
    if subdomain.startswith("xn--") and not is_a_label(subdomain):
        raise ValidationError(
            "A subdomain starting with xn-- must be an international name in punycode.",
            code="invalid",
        )
    if subdomain in RESERVED_SUBDOMAINS or is_platform_host(blog_hostname(subdomain)):
        raise ValidationError(f"“{subdomain}” is reserved. Choose another.", code="reserved")
    if BlogPage.objects.filter(subdomain=subdomain).exists():
        raise ValidationError(f"“{subdomain}” is taken. Choose another.", code="taken")
    return subdomain


@transaction.atomic
def create_blog(owner, subdomain, title=None):
    """Create a blog for ``owner`` at ``subdomain``: all of it or nothing."""
    subdomain = validate_subdomain(subdomain)
    group = Group.objects.create(name=f"Blog: {subdomain}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    collection = Collection.get_first_root_node().add_child(name=f"Blog: {subdomain}")
    blog = Page.get_first_root_node().add_child(
        instance=BlogPage(
            title=title or subdomain,
            slug=subdomain,
            subdomain=subdomain,
            owner=owner,
            group=group,
            collection=collection,
        )
    )
    blog.save_revision(user=owner, log_action=False)
    Site.objects.create(
        hostname=blog_hostname(subdomain),
        port=settings.SITE_PORT,
        root_page=blog,
        site_name=blog.title,
    )
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group=group, page=blog, permission=permission)
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS
        )
    )
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(group=group, collection=collection, permission=permission)
        for permission in collection_permissions()
    )
    owner.groups.add(group)
    return blog


@transaction.atomic
def delete_blog(blog):
    """Delete the blog: its posts and Site go with the page, the rest with the signal below."""
    blog.delete()


def remove_tenant(sender, instance, **kwargs):
    """After a blog root is deleted (here, or by staff in the dashboard), delete the
    group and the collection (with its images and documents, one by one so that their
    files and renditions go too) that made it a tenant. The Site went with the page
    (CASCADE)."""
    collection, group = instance.collection, instance.group
    if collection is not None:
        for model in (get_image_model(), get_document_model()):
            for item in model.objects.filter(collection=collection):
                item.delete()
        collection.delete()
    if group is not None:
        group.delete()
