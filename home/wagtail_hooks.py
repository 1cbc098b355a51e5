"""The platform app's place in the dashboard: deleting one's blog or account, and the
Account page's email panel (Wagtail loads this module for its hooks)."""

from django.urls import path, reverse
from wagtail import hooks

from blog.models.permissions import is_staff
from home.account_deletion import account_deletion_view
from home.account_email import EmailSettingsPanel


@hooks.register("register_admin_urls")
def register_account_deletion_url():
    return [path("account/delete/", account_deletion_view, name="bearcms_account_deletion")]


@hooks.register("register_account_menu_item")
def register_account_deletion_menu_item(request):
    if is_staff(request.user):
        return None
    return {
        "url": reverse("bearcms_account_deletion"),
        "label": "Delete blog or account",
        "help_text": "Delete your blog, or your blog and your account, for good.",
    }


@hooks.register("register_account_settings_panel")
def register_email_panel(request, user, profile):
    return EmailSettingsPanel(request, user, profile)
