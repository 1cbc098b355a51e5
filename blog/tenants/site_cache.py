"""The shared cache of Site lookups and blog rows, and its one invalidation path.

Three lookups run on every request and must not cost more as blogs are added: host → Site
(``blog.tenants.hosts``), the blog a blog host serves (its BlogPage row, which every
reader page shows) and a page's tree root → its Site's root URL
(``blog.tenants.page_urls``). Each is one indexed query, kept here in the shared cache
(Redis, or the file cache of one box) so that every web process sees the same entries.

Every change that can alter an answer deletes the affected keys: Site saves and deletes
(the old hostname and root too), blog roots' saves and deletes (their slug is part of
every URL below them; their subdomain may redirect to their own domain; their row is
the blog), staff's flags and moving a blog to another owner (``blog.moderation``), view
restrictions and deleting an image a blog shows (the database unsets it, without a
signal). (The spam score changes the row too, and is never shown.) The keys are
deleted at once and again when the transaction commits, so that a request racing the
change cannot put the old answer back for long. Moving a blog root would renumber its
siblings' paths without signals; ``blog.models.permissions`` forbids it.
"""

from hashlib import sha1

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from wagtail.models import Page, Site

from blog.core.names import blog_hostname
from blog.core.tree import ROOT_DEPTH, blog_root_path
from blog.models import BlogPage, FormerSubdomain

TIMEOUT = 24 * 3600
MISSING_TIMEOUT = 300  # "no such host" is cheap to ask again; junk hosts must not pile up
MISSING = {}
PLATFORM = "platform"  # the root key of the default Site


def host_key(host):
    # Hashed: hosts come from the request, and cache backends limit key characters.
    return "bearcms:host:v2:" + sha1(host.encode(), usedforsecurity=False).hexdigest()


def root_key(root_path):
    return f"bearcms:root:v2:{root_path}"


def blog_key(blog_id):
    # v1: a BlogPage with the ``unrestricted`` annotation; a new shape needs a new version.
    return f"bearcms:blog:v1:{blog_id}"


def cached(key, compute, found=None):
    """The cached answer for ``key``, computing and storing it on a miss.

    ``compute`` returns a picklable value, or a falsy one for "nothing there", which is
    cached too (briefly) and returned as None. ``found``: what one ``cache.get_many``
    read for several keys at once, which holds ``key`` unless that was a miss.
    """
    value = cache.get(key) if found is None else found.get(key)
    if value is None:
        value = compute() or MISSING
        cache.set(key, value, TIMEOUT if value else MISSING_TIMEOUT)
    return value or None


def forget(keys):
    keys = list(keys)
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _root_path_of(page_id):
    return Page.objects.filter(id=page_id).values_list("path", flat=True).first()


def remember_previous_site(sender, instance, **kwargs):
    previous = Site.objects.filter(pk=instance.pk).values("hostname", "root_page_id").first()
    instance._bearcms_previous = previous or {}


def previous_hostname(site):
    """The hostname ``site`` had before the save now being handled (None if new)."""
    return getattr(site, "_bearcms_previous", {}).get("hostname")


def forget_site(sender, instance, **kwargs):
    previous = getattr(instance, "_bearcms_previous", {})
    hosts = {instance.hostname, previous.get("hostname"), settings.BLOG_DOMAIN}
    roots = {_root_path_of(instance.root_page_id), _root_path_of(previous.get("root_page_id"))}
    forget(
        [host_key(host) for host in hosts if host]
        + [root_key(path) for path in roots if path]
        + [root_key(PLATFORM)]
    )


def blog_subdomain_keys(blog):
    """The host keys of ``blog``'s subdomains: its own, which redirects to its custom
    domain if it has one, and the former ones, which redirect to it after a rename."""
    former = FormerSubdomain.objects.filter(blog_id=blog.pk).values_list("subdomain", flat=True)
    return [host_key(blog_hostname(name)) for name in [blog.subdomain, *former]]


def forget_blog_root(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.depth == ROOT_DEPTH:
        keys = [root_key(instance.path), root_key(PLATFORM), blog_key(instance.pk)]
        if getattr(instance, "subdomain", None):
            # Their redirects follow the blog being published, unpublished or deleted.
            keys += blog_subdomain_keys(instance)
        forget(keys)


def forget_restricted_blog(sender, instance, **kwargs):
    """A view restriction was set or removed on a blog or one of its pages: the blog's row
    says whether it has any (``blog.tenants.hosts.blog_for_host``)."""
    path = _root_path_of(instance.page_id)
    if path is not None:
        forget_blogs(Page.objects.filter(path=blog_root_path(path)))


def forget_blogs_showing(sender, instance, **kwargs):
    """An image is being deleted: the rows of the blogs showing it as their icon or
    social image are about to lose it (an UPDATE of theirs, which sends no signal)."""
    forget_blogs(BlogPage.objects.filter(Q(favicon_image=instance) | Q(social_image=instance)))


def forget_blogs(pages):
    forget([blog_key(blog_id) for blog_id in pages.values_list("id", flat=True)])
