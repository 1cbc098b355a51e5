"""The "Followers" page in the dashboard, and its log action."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from blog.dashboard.blogs import DeskMenuItem
from blog.federation.followers import REMOVED, followers_view, remove


@hooks.register("register_admin_urls")
def register_follower_urls():
    return [
        path("followers/", followers_view, name="bearcms_followers"),
        path("followers/<int:pk>/remove/", remove, name="bearcms_follower_remove"),
    ]


@hooks.register("register_admin_menu_item")
def register_followers_menu_item():
    url = reverse("bearcms_followers")
    return DeskMenuItem("Followers", url, name="followers", icon_name="group", order=301)


@hooks.register("register_log_actions")
def register_follower_log_actions(actions):
    @actions.register_action(REMOVED)
    class FollowerRemoved(LogFormatter):
        label = "Remove a follower"

        def format_message(self, log_entry):
            return f"Removed the follower {log_entry.data.get('name', '')}"
