"""What only staff may open in the dashboard, declared once: ``STAFF_AREAS``.

A staff area is a URL namespace of the admin, with the name of its main-menu item when it
has one. From this one declaration:

* **the URL guard** (``blog.dashboard.isolation``) answers 403 to a blogger at every URL
  of a staff namespace, and of ``STAFF_ONLY_VIEWS``, before the view runs;
* **the permission check**: the product's own staff areas are mounted with
  ``register_staff_area``, which refuses an undeclared namespace at startup and makes
  every view of the area ask ``staff_policy`` (a Wagtail permission policy) itself, so a
  view is safe even if the guard were bypassed;
* **the menu**: the product's own staff menu items are ``StaffMenuItem``, shown to staff
  only through Wagtail's ``MenuItem.is_shown``. Wagtail's own staff menus (Reports,
  Settings) are shown to anyone who may see one of their entries, such as the "locked
  pages" report to a blogger who may lock a page: ``hidden_menu_items`` names them, for
  the ``construct_main_menu`` hook.

Staff themselves are ``blog.models.permissions.is_staff``.
"""

import functools

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.utils.urlpatterns import decorate_urlpatterns

from blog.models.permissions import STAFF, is_staff

# Namespace: the main-menu item it belongs to (None: under a menu named elsewhere here).
STAFF_AREAS = {
    # The product's own staff views.
    "bearcms_blogs": "blogs",
    "bearcms_review": "review",
    "bearcms_upvotes": "upvotes",
    "bearcms_staff_tools": "empty-blogs",
    "bearcms_platform_stats": "platform-stats",
    # Wagtail's: the reports (they list pages and users across the whole tree), managing
    # Sites, users, groups, collections and workflows, and the settings (among them the
    # moderation terms, blog.models.moderation).
    "wagtailadmin_reports": "reports",
    "wagtailsettings": "settings",
    "wagtailadmin_workflows": None,
    "wagtailadmin_collections": None,
    "wagtailsites": None,
    "wagtailusers_users": None,
    "wagtailusers_groups": None,
}
STAFF_ONLY_NAMESPACES = frozenset(STAFF_AREAS)
# Single admin views only staff need: Wagtail's "failwhale" raises an error on purpose,
# so that staff can see error reporting work (a blogger could spend the alert budget).
STAFF_ONLY_VIEWS = frozenset({"wagtailadmin_error_test"})


def is_staff_only(match):
    """Whether the resolved admin URL ``match`` is for staff only."""
    return bool(STAFF_ONLY_NAMESPACES.intersection(match.namespaces)) or (
        match.url_name in STAFF_ONLY_VIEWS
    )


class StaffPermissionPolicy(BasePermissionPolicy):
    """Staff may do anything in the staff areas; nobody else may do anything there."""

    def user_has_permission(self, user, action):
        return user.is_active and is_staff(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(STAFF, is_active=True)


staff_policy = StaffPermissionPolicy(model=None)


def staff_only(view):
    """``view``, refused (403) to anyone ``staff_policy`` does not let in."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if not staff_policy.user_has_permission(request.user, "view"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    checked.staff_only = True  # kept by the wrappers around it (functools.wraps)
    return checked


class StaffMenuItem(MenuItem):
    """A main-menu item shown to staff only."""

    def is_shown(self, request):
        return staff_policy.user_has_permission(request.user, "view")


def register_staff_area(namespace, prefix, urlpatterns, *, label, icon, order):
    """Mount the staff area ``namespace`` (declared in ``STAFF_AREAS``, which names its menu
    item): ``urlpatterns`` at ``prefix``, each view checked with ``staff_policy``, and a
    menu item leading to its ``index`` view."""
    if namespace not in STAFF_AREAS:
        raise LookupError(f"{namespace} is not declared in STAFF_AREAS")
    patterns = decorate_urlpatterns(urlpatterns, staff_only)
    urls = [path(prefix, include((patterns, namespace), namespace=namespace))]
    hooks.register("register_admin_urls", lambda: urls)

    def menu_item():
        url = reverse(f"{namespace}:index")
        return StaffMenuItem(label, url, name=STAFF_AREAS[namespace], icon_name=icon, order=order)

    hooks.register("register_admin_menu_item", menu_item)


# Wagtail's main-menu items a blogger has a page of the writing desk for instead: the
# page tree, whose flat list of posts is Posts (``blog.dashboard.posts``).
DESK_REPLACES = frozenset({"explorer"})


def hidden_menu_items(user):
    """The names of Wagtail's own main-menu items ``user`` must not see."""
    if is_staff(user):
        return frozenset()
    return DESK_REPLACES | {name for name in STAFF_AREAS.values() if name is not None}
