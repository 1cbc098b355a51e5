"""Per-blog tree queries are answered from indexes, not by reading every page."""

import pytest
from django.db import connection

from blog.models import PostPage

sqlite_only = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="the range rewrite and the plans are SQLite's"
)


def query_plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " | ".join(row[-1] for row in cursor.fetchall())


def test_descendants_are_the_same_as_with_a_prefix_match(make_blogger, make_post):
    alice, bob = make_blogger(), make_blogger()
    mine = {make_post(alice, slug="a").id, make_post(alice, slug="b").id}
    make_post(bob, slug="a")
    assert set(PostPage.objects.descendant_of(alice).values_list("id", flat=True)) == mine
    prefixed = PostPage.objects.filter(path__regex=f"^{alice.path}.+")
    assert set(prefixed.values_list("id", flat=True)) == mine


@sqlite_only
def test_a_blogs_posts_are_read_through_the_path_index(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog)
    plan = query_plan(blog.published_posts())
    assert "SCAN wagtailcore_page" not in plan
    assert "wagtailcore_page USING INDEX" in plan


@sqlite_only
def test_a_post_is_found_by_slug_within_its_blog_through_one_index(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, slug="about")
    plan = query_plan(PostPage.objects.child_of(blog).filter(slug="about"))
    assert "blog_page_slug_path (slug=? AND path>? AND path<?)" in plan


@sqlite_only
def test_the_whole_tree_prefix_stays_off_the_path_index(make_blogger):
    make_blogger()
    sql, _ = PostPage.objects.filter(path__startswith="0001").query.sql_with_params()
    assert '+"wagtailcore_page"."path" >=' in sql
