"""Staff moderation in the dashboard: the review queue, the Blogs listing, upvote
removal, the staff tools (empty blogs, a post out of discovery, moving a blog), and the
log actions and notice that tell what staff did."""

from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter

from blog.dashboard.blogs import own_blogs
from blog.dashboard.staff import register_staff_area
from blog.moderation import empty_blogs, hidden_posts, ownership, review_queue, staff_blogs
from blog.moderation import upvotes as upvote_moderation
from blog.moderation.flags import describe_changes

register_staff_area(
    review_queue.NAMESPACE,
    "review/",
    [
        path("", review_queue.queue, name="index"),
        path("flagged/", review_queue.queue, {"tab": "flagged"}, name="flagged"),
        path("reviewed/", review_queue.queue, {"tab": "reviewed"}, name="reviewed"),
        path("blocked/", review_queue.queue, {"tab": "blocked"}, name="blocked"),
        path("<int:pk>/delete/", review_queue.delete, name="delete"),
        path("<int:pk>/<str:action>/", review_queue.moderate, name="moderate"),
    ],
    label="Review queue",
    icon="check",
    order=151,
)
register_staff_area(
    staff_blogs.NAMESPACE,
    "blogs/",
    [
        path("", staff_blogs.BlogIndexView.as_view(), name="index"),
        path(
            "results/",
            staff_blogs.BlogIndexView.as_view(results_only=True),
            name="index_results",
        ),
    ],
    label="Blogs",
    icon="site",
    order=150,
)
register_staff_area(
    upvote_moderation.NAMESPACE,
    "upvotes/",
    [
        path("", upvote_moderation.RecentlyUpvotedView.as_view(), name="index"),
        path(
            "results/",
            upvote_moderation.RecentlyUpvotedView.as_view(results_only=True),
            name="index_results",
        ),
        path("<int:post_id>/", upvote_moderation.post_upvotes, name="post"),
        path("<int:post_id>/remove/", upvote_moderation.remove, name="remove"),
    ],
    label="Upvotes",
    icon="pick",
    order=152,
)


register_staff_area(
    hidden_posts.NAMESPACE,
    "staff-tools/",
    [
        path("", empty_blogs.empty_blogs_view, name="index"),
        path("posts/<int:post_id>/discovery/", hidden_posts.post_discovery, name="post_discovery"),
        path("blogs/<int:pk>/move/", ownership.move, name="move_blog"),
    ],
    label="Empty blogs",
    icon="bin",
    order=153,
)


@hooks.register("register_page_listing_more_buttons")
def register_upvotes_listing_button(page, user, next_url=None):
    yield from upvote_moderation.upvotes_button(page, user)
    yield from hidden_posts.discovery_button(page, user)


@hooks.register("register_page_header_buttons")
def register_upvotes_header_button(page, user, view_name, next_url=None):
    yield from upvote_moderation.upvotes_button(page, user)
    yield from hidden_posts.discovery_button(page, user)


@hooks.register("register_log_actions")
def register_staff_tools_log_actions(actions):
    @actions.register_action("bearcms.post_discovery")
    class PostDiscovery(LogFormatter):
        label = "Discovery changed by staff"

        def format_message(self, log_entry):
            hidden = log_entry.data.get("hidden")
            return "Hidden from discovery by staff" if hidden else "Shown in discovery again"

    @actions.register_action("bearcms.move_blog")
    class MoveBlog(LogFormatter):
        label = "Moved to another account"

        def format_message(self, log_entry):
            data = log_entry.data
            return f"Moved from {data.get('from') or 'no account'} to {data.get('to')}"


@hooks.register("register_log_actions")
def register_remove_upvotes_log_action(actions):
    @actions.register_action("bearcms.remove_upvotes")
    class RemoveUpvotes(LogFormatter):
        label = "Remove upvotes"

        def format_message(self, log_entry):
            return f"Removed {log_entry.data.get('count', 0)} upvote(s)"


class BlockedBlogNotice(Component):
    """Tells a blogger, first thing in the dashboard, that staff blocked their blog."""

    order = 10
    template_name = "blog/admin/blocked_notice.html"

    def __init__(self, blogs):
        self.blogs = blogs

    def get_context_data(self, parent_context=None):
        return {"blogs": self.blogs}


@hooks.register("construct_homepage_panels")
def add_blocked_blog_notice(request, panels):
    blogs = list(own_blogs(request.user).filter(blocked=True).only("title"))
    if blogs:
        panels.append(BlockedBlogNotice(blogs))


@hooks.register("register_log_actions")
def register_moderation_log_action(actions):
    @actions.register_action("bearcms.moderate")
    class ModerateBlog(LogFormatter):
        label = "Moderate blog"

        def format_message(self, log_entry):
            return f"Moderated: {describe_changes(log_entry.data.get('flags', {}))}"
