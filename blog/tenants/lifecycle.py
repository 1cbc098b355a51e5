"""A blog and everything that makes it a tenant, created and deleted as one.

A blog is four things that must exist together: the root ``BlogPage`` (depth 2), the
``Site`` serving it at ``<subdomain>.<BLOG_DOMAIN>``, a permission ``Group`` holding
page permissions on that page's subtree, and a ``Collection`` of images and documents
(the web fonts its CSS uses, ``blog.dashboard.document_uploads``) the same group may use.
The owner joins the group. Wagtail's permission system then keeps every blogger
inside their own blog; ``blog.dashboard.isolation`` closes the places where stock Wagtail
would still show other tenants.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
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
from blog.models import BlogPage, FormerSubdomain
from blog.tenants.custom_domains import sync_site
from blog.tenants.site_cache import blog_subdomain_keys, forget

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


def validate_subdomain(value, blog=None):
    """Raise ValidationError with a message a person can act on, or return the subdomain
    (for a new blog, or for ``blog`` renamed: it may take back a former subdomain of its
    own)."""
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
    if blog is not None and subdomain == blog.subdomain:
        raise ValidationError(f"“{subdomain}” is your blog's address already.", code="same")
    if BlogPage.objects.filter(subdomain=subdomain).exists():
        raise ValidationError(f"“{subdomain}” is taken. Choose another.", code="taken")
    former = FormerSubdomain.objects.filter(subdomain=subdomain, left_at__gte=redirects_since())
    if blog is not None:
        former = former.exclude(blog=blog)
    if left := former.values_list("left_at", flat=True).first():
        free_on = left + datetime.timedelta(days=settings.SUBDOMAIN_QUARANTINE_DAYS)
        raise ValidationError(
            f"“{subdomain}” was another blog's address until recently and leads there; it "
            f"is free again on {date_format(free_on, 'DATE_FORMAT')}.",
            code="quarantined",
        )
    return subdomain


def redirects_since():
    """Former subdomains that left their blog since this moment still redirect to it."""
    return timezone.now() - datetime.timedelta(days=settings.SUBDOMAIN_QUARANTINE_DAYS)


@transaction.atomic
def create_blog(owner, subdomain, title=None):
    """Create a blog for ``owner`` at ``subdomain``: all of it or nothing."""
    subdomain = validate_subdomain(subdomain)
    FormerSubdomain.objects.filter(subdomain=subdomain).delete()  # its quarantine is over
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
def rename_blog(blog, subdomain):
    """Give ``blog`` the address ``subdomain``; its old one redirects to it for a while.

    The old subdomain becomes a ``FormerSubdomain`` of the blog. The root page's slug
    follows (Wagtail moves its posts' URL paths along, and a later blog may then take
    the old name as its slug), and so do the Site's hostname (``sync_site``; a blog on its
    own domain keeps it), the group's and the collection's names. The saves clear the
    cached lookups of the old and new hosts; the former subdomains' redirects are
    cleared here, so that none leads through the old name.
    """
    subdomain = validate_subdomain(subdomain, blog)
    old = blog.subdomain
    FormerSubdomain.objects.filter(subdomain=subdomain).delete()  # its own, taken back
    FormerSubdomain.objects.update_or_create(
        subdomain=old, defaults={"blog": blog, "left_at": timezone.now()}
    )
    blog.subdomain = blog.slug = subdomain
    blog.save(update_fields=["subdomain", "slug", "url_path"])  # Wagtail sets url_path
    sync_site(blog)
    Group.objects.filter(pk=blog.group_id).update(name=f"Blog: {subdomain}")
    Collection.objects.filter(pk=blog.collection_id).update(name=f"Blog: {subdomain}")
    forget(blog_subdomain_keys(blog))
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
