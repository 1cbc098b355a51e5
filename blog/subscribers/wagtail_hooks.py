"""The subscriber section of the dashboard, and the log action its email list writes."""

from wagtail import hooks
from wagtail.log_actions import LogFormatter

from blog.subscribers.email_list import LOG_ACTION
from blog.subscribers.viewsets import SubscriberViewSet


@hooks.register("register_admin_viewset")
def register_subscriber_viewset():
    return SubscriberViewSet("subscribers")


@hooks.register("register_log_actions")
def register_add_subscribers_log_action(actions):
    @actions.register_action(LOG_ACTION)
    class AddSubscribers(LogFormatter):
        label = "Add subscribers"

        def format_message(self, log_entry):
            return f"Asked {log_entry.data.get('asked', 0)} people to confirm a subscription"
