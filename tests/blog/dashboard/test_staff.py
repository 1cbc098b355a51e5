"""The one staff-only declaration (blog.dashboard.staff): its menu items show only to
staff and with an icon Wagtail has, each staff view checks for staff itself, and an
undeclared area cannot be mounted."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import get_resolver
from wagtail.admin.icons import get_icons
from wagtail.admin.menu import admin_menu

from blog.dashboard.staff import STAFF_AREAS, register_staff_area, staff_only

OWN_AREAS = {namespace for namespace in STAFF_AREAS if namespace.startswith("bearcms_")}


def menu_items(user):
    request = RequestFactory().get("/dashboard/")
    request.user = user
    return admin_menu.menu_items_for_request(request)


def test_every_menu_item_staff_see_has_an_icon_wagtail_ships(staff):
    icons = set(re.findall(r'<symbol id="icon-([\w-]+)"', get_icons()))
    assert "check" in icons
    missing = {item.name: item.icon_name for item in menu_items(staff)}
    missing = {name: icon for name, icon in missing.items() if icon not in icons}
    assert not missing


def test_the_staff_areas_menu_items_show_to_staff_only(staff, make_blogger):
    own_menus = {STAFF_AREAS[namespace] for namespace in OWN_AREAS}
    assert own_menus <= {item.name for item in menu_items(staff)}
    assert not own_menus & {item.name for item in menu_items(make_blogger().owner)}


def test_a_staff_view_checks_for_staff_itself(staff, make_blogger):
    view = staff_only(lambda request: "the staff page")
    request = RequestFactory().get("/dashboard/review/")
    request.user = staff
    assert view(request) == "the staff page"
    request.user = make_blogger().owner
    with pytest.raises(PermissionDenied):
        view(request)


def test_every_view_of_the_product_s_staff_areas_checks_for_staff_itself():
    # So a view is safe even where the dashboard's URL guard would not stand before it.
    unchecked = [
        f"{namespace}:{pattern.name}"
        for namespace in OWN_AREAS
        for pattern in get_resolver("blog.dashboard.urls").namespace_dict[namespace][1].url_patterns
        if not getattr(pattern.callback, "staff_only", False)
    ]
    assert not unchecked
    assert len(OWN_AREAS) == 5


def test_an_area_not_declared_staff_only_cannot_be_mounted():
    with pytest.raises(LookupError, match="bearcms_secret is not declared"):
        register_staff_area("bearcms_secret", "secret/", [], label="Secret", icon="lock", order=1)
