"""The subscriber listing in the dashboard."""

from wagtail import hooks

from blog.subscribers.viewsets import SubscriberViewSet


@hooks.register("register_admin_viewset")
def register_subscriber_viewset():
    return SubscriberViewSet("subscribers")
