"""The platform app's place in the dashboard: a blogger's blogs and their addresses,
deleting one's blog or account, and the Account page's email and two-factor panels
(Wagtail loads this module for its hooks)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem

from blog.dashboard.blogs import current_blog
from blog.models.permissions import is_staff
from home.account_deletion import account_deletion_view
from home.account_email import EmailSettingsPanel
from home.blog_address import blog_address_view
from home.blogs import blogs_view
from home.two_factor import TwoFactorSettingsPanel


@hooks.register("register_admin_urls")
def register_blogs_urls():
    return [
        path("your-blogs/", blogs_view, name="bearcms_your_blogs"),
        path("domain/address/", blog_address_view, name="bearcms_blog_address"),
    ]


class CurrentBlogMenuItem(MenuItem):
    """The first item of a blogger's menu names the blog they are working on, so that they
    always know where they are about to publish, and leads to their other blogs."""

    def is_shown(self, request):
        return not is_staff(request.user) or current_blog(request) is not None

    def render_component(self, request):
        # A component of its own per request: menu items are shared by every request.
        blog = current_blog(request)
        label = blog.title if blog is not None else "Start a blog"
        return LinkMenuItem(self.name, label, self.url, icon_name=self.icon_name)


@hooks.register("register_admin_menu_item")
def register_blogs_menu_item():
    # Before Posts (order 100): the blog the rest of the menu is about.
    url = reverse("bearcms_your_blogs")
    return CurrentBlogMenuItem("Your blogs", url, name="your-blogs", icon_name="site", order=90)


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


@hooks.register("register_account_settings_panel")
def register_two_factor_panel(request, user, profile):
    return TwoFactorSettingsPanel(request, user, profile)
