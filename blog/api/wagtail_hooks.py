"""The "Apps and tokens" page in the dashboard, and its log actions."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from blog.api.tokens import CREATED, REVOKED, revoke, tokens_view
from blog.dashboard.blogs import DeskMenuItem


@hooks.register("register_admin_urls")
def register_token_urls():
    return [
        path("tokens/", tokens_view, name="bearcms_tokens"),
        path("tokens/<int:pk>/revoke/", revoke, name="bearcms_token_revoke"),
    ]


@hooks.register("register_admin_menu_item")
def register_tokens_menu_item():
    url = reverse("bearcms_tokens")
    return DeskMenuItem("Apps and tokens", url, name="tokens", icon_name="key", order=113)


@hooks.register("register_log_actions")
def register_token_log_actions(actions):
    @actions.register_action(CREATED)
    class TokenCreated(LogFormatter):
        label = "Make an access token"

        def format_message(self, log_entry):
            return f"Made the access token “{log_entry.data.get('name', '')}”"

    @actions.register_action(REVOKED)
    class TokenRevoked(LogFormatter):
        label = "Revoke an access token"

        def format_message(self, log_entry):
            return f"Revoked the access token “{log_entry.data.get('name', '')}”"
