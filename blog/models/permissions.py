"""What a user may do with a page of a blog, beyond Wagtail's page permissions.

``BlogPage`` and ``PostPage`` return ``TenantPagePermissionTester`` from
``permissions_for_user``; every admin button, menu item, view, bulk action and API action
asks it, so each rule holds everywhere at once.
"""

from django.db.models import Q
from wagtail.models import PagePermissionTester

from blog.core.tree import ROOT_DEPTH


def is_staff(user):
    """Staff moderate every blog: Django's staff flag, or a superuser
    (``createsuperuser`` makes staff that way)."""
    return user.is_staff or user.is_superuser


# The users ``is_staff`` is true of, as a query.
STAFF = Q(is_staff=True) | Q(is_superuser=True)


class TenantPagePermissionTester(PagePermissionTester):
    """Wagtail's rules, plus:

    * A blog root *is* the tenant: its Site, permission group and image collection
      belong to it. Its blogger may edit and publish it but not delete or unpublish it;
      staff may (deleting it removes the whole tenant, see ``blog.tenants.lifecycle``).
    * Nobody moves or copies a blog root. Moving one under the tree root renumbers its
      siblings' tree paths (which page URLs are cached by, ``blog.tenants.site_cache``); a
      copy would be a blog with no Site, group or collection.
    * Nobody sets view restrictions: reader pages are served without cookies, so a
      password or login restriction could only set cookies on a blog host or send the
      reader to a login page that does not exist there.
    * Nobody reorders a blog's posts: readers see them by date, their order in the page
      tree means nothing, and reordering renumbers the places an import has reserved.
    * Posts still waiting below an import's holding page (deeper than any post) are the
      import's until it reveals them: no permission applies to them.
    """

    def __init__(self, user, page):
        super().__init__(user, page)
        if page.depth is not None and page.depth > ROOT_DEPTH + 1:  # a new page has none yet
            self.permissions = set()

    @property
    def is_blog_root(self):
        return self.page.depth == ROOT_DEPTH

    def can_delete(self, ignore_bulk=False):
        allowed = super().can_delete(ignore_bulk)
        return allowed and (is_staff(self.user) or not self.is_blog_root)

    def can_unpublish(self):
        return super().can_unpublish() and (is_staff(self.user) or not self.is_blog_root)

    def can_move(self):
        return super().can_move() and not self.is_blog_root

    def can_move_to(self, destination):
        return super().can_move_to(destination) and not self.is_blog_root

    def can_copy(self):
        return super().can_copy() and not self.is_blog_root

    def can_set_view_restrictions(self):
        return False

    def can_reorder_children(self):
        return super().can_reorder_children() and not self.is_blog_root
