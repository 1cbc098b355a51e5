"""The analytics pages' place in the dashboard: the blogger's Analytics and staff's
platform statistics."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from blog.analytics import platform_stats
from blog.analytics.views import analytics_view
from blog.dashboard.staff import register_staff_area


@hooks.register("register_admin_urls")
def register_analytics_url():
    return [path("analytics/", analytics_view, name="bearcms_analytics")]


@hooks.register("register_admin_menu_item")
def register_analytics_menu_item():
    return MenuItem("Analytics", reverse("bearcms_analytics"), icon_name="list-ol", order=250)


register_staff_area(
    platform_stats.NAMESPACE,
    "platform-stats/",
    [path("", platform_stats.platform_stats, name="index")],
    label="Platform stats",
    icon="table",
    order=153,
)
