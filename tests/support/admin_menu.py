"""What the dashboard's main menu offers a user."""

from django.test import RequestFactory
from wagtail.admin.menu import admin_menu


def menu_item_names(user):
    """Names of the main menu's items and of the items inside its submenus."""
    request = RequestFactory().get("/dashboard/")
    request.user = user
    names = set()
    for item in admin_menu.menu_items_for_request(request):
        names.add(item.name)
        if submenu := getattr(item, "menu", None):
            names |= {inner.name for inner in submenu.menu_items_for_request(request)}
    return names
