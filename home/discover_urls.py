"""``/discover/``: the discovery feed, its search, its Atom and RSS feeds, a random post
or blog, and a reader's hidden blogs."""

from django.urls import path

from home import discover

urlpatterns = [
    path("", discover.discover, name="discover"),
    path("search/", discover.search, name="discover_search"),
    path("feed/", discover.feed, name="discover_feed"),
    path("random/", discover.random_post, name="discover_random"),
    path("random/blog/", discover.random_blog, name="discover_random_blog"),
    path(
        "blogs/<int:blog_id>/hide/",
        discover.set_blog_hidden,
        {"hidden": True},
        name="discover_hide_blog",
    ),
    path(
        "blogs/<int:blog_id>/show/",
        discover.set_blog_hidden,
        {"hidden": False},
        name="discover_show_blog",
    ),
]
