"""The benchmark's bulk seeding writes blogs the real app serves like any other."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, PageLogEntry, Revision, Site
from wagtail.permissions import policy_registry

from blog.core.discovery import (
    MIN_DISCOVERY_LENGTH,
    hot_score,
    post_is_discoverable,
    post_language,
)
from blog.models import BlogPage, PostPage
from blog.tenants.lifecycle import create_blog
from tests.support.clients import host_client


@pytest.fixture
def seeded(db):
    # A host probed before the blog exists is cached as missing: seeding must forget it.
    assert host_client("bench7.localhost").get("/").status_code == 404
    call_command("bench_seed", blogs=20, posts=2, batch_size=8, verbosity=0)
    return BlogPage.objects.get(subdomain="bench7")


def test_seeding_makes_every_part_of_a_blog(seeded):
    assert BlogPage.objects.count() == 20
    assert PostPage.objects.count() == 40
    assert Site.objects.filter(is_default_site=False).count() == 20
    site = Site.objects.get(root_page=seeded)
    assert site.hostname == "bench7.localhost"
    owner = seeded.owner
    assert list(owner.groups.all()) == [seeded.group]
    assert owner.has_perm("wagtailadmin.access_admin")
    assert seeded.collection.get_parent() == Collection.get_first_root_node()
    # Treebeard agrees with the paths and child counts computed by the seeder.
    assert all(not problems for problems in Page.find_problems())
    assert all(not problems for problems in Collection.find_problems())
    assert Page.get_first_root_node().numchild == Page.get_first_root_node().get_children().count()
    posts = list(PostPage.objects.child_of(seeded).live().order_by("path"))
    assert [post.title for post in posts] == ["Post 1 of bench7", "Post 2 of bench7"]
    assert posts[0].get_latest_revision().as_object().title == "Post 1 of bench7"
    assert posts[0].full_url == "http://bench7.localhost:8000/post-1/"


def test_seeded_permissions_keep_each_blogger_in_their_blog(seeded):
    owner, other = seeded.owner, BlogPage.objects.get(subdomain="bench8")
    assert seeded.permissions_for_user(owner).can_publish()
    assert not other.permissions_for_user(owner).can_edit()
    images = policy_registry.get_by_type(get_image_model())
    assert images.collections_user_has_permission_for(owner, "add").get() == seeded.collection


def test_a_seeded_post_and_home_are_served_on_their_host(seeded):
    client = host_client(seeded)
    response = client.get("/post-2/")
    assert response.status_code == 200
    assert "<h1>Post 2 of bench7</h1>" in response.content.decode()
    home = client.get("/")
    assert home.status_code == 200
    assert "Post 1 of bench7" in home.content.decode()


def test_the_seeded_blogger_sees_their_blog_in_the_dashboard(seeded, login):
    client = login(seeded.owner)
    assert client.get("/dashboard/").status_code == 200
    explorer = client.get(f"/dashboard/pages/{seeded.id}/")
    assert explorer.status_code == 200
    assert "Post 1 of bench7" in explorer.content.decode()
    post = PostPage.objects.child_of(seeded).get(slug="post-1")
    editor = client.get(f"/dashboard/pages/{post.id}/edit/")
    assert editor.status_code == 200
    assert "Post 1 of bench7" in editor.content.decode()


def test_seeded_users_can_log_in_with_the_bench_password(seeded, platform_client):
    response = platform_client.post(
        "/accounts/login/", {"login": "bench7@example.com", "password": "bench-password"}
    )
    assert response.status_code == 302
    assert response.url == "/dashboard/"


def test_blogs_created_after_seeding_go_after_the_seeded_ones(seeded):
    user = get_user_model().objects.create_user("later", "later@example.com", "pw-1234567890")
    blog = create_blog(user, "later")
    assert blog.path > BlogPage.objects.exclude(id=blog.id).order_by("-path").first().path
    assert host_client(blog).get("/").status_code == 200
    # A second seeding continues the numbering and refuses names already taken.
    call_command("bench_seed", blogs=2, posts=1, start=21, verbosity=0)
    assert BlogPage.objects.filter(subdomain="bench22").exists()
    with pytest.raises(CommandError, match="bench21"):
        call_command("bench_seed", blogs=1, posts=1, start=21, verbosity=0)


@pytest.fixture
def platform_mix(db):
    call_command("bench_seed", blogs=60, posts=10, prefix="mix", verbosity=0)
    return list(PostPage.objects.select_related("blog").order_by("path"))


def test_seeded_posts_are_listed_in_discovery_exactly_by_its_rules(platform_mix):
    for post in platform_mix:
        assert post.blog.path == post.path[:8]
        assert post.in_discovery == post_is_discoverable(post, post.blog), post.title
        assert post.discovery_lang == post_language(post, post.blog)
        assert post.score == pytest.approx(hot_score(post.upvote_count, post.discovery_date))
    # What an editor would open is the same post.
    revised = platform_mix[0].get_latest_revision().as_object()
    assert (revised.body, revised.in_discovery) == (
        platform_mix[0].body,
        platform_mix[0].in_discovery,
    )
    # The SQL version of the rules, run over every blog, agrees and changes nothing.
    listed = {post.id for post in platform_mix if post.in_discovery}
    for blog in BlogPage.objects.all():
        blog.refresh_post_listing()
    assert set(PostPage.objects.filter(in_discovery=True).values_list("id", flat=True)) == listed


def test_seeded_platform_has_the_mix_discovery_must_sort_out(platform_mix):
    blogs = {post.blog for post in platform_mix}
    now = timezone.now()
    assert 0.3 < sum(blog.reviewed for blog in blogs) / len(blogs) < 0.7
    assert {blog.lang for blog in blogs} >= {"en", "de", "fr"}
    assert any(not blog.discoverable or blog.hidden for blog in blogs)
    listed = [post for post in platform_mix if post.in_discovery]
    assert 0.2 * len(platform_mix) < len(listed) < 0.6 * len(platform_mix)
    assert any(post.is_page for post in platform_mix)
    long_enough = [post for post in platform_mix if len(post.body) >= MIN_DISCOVERY_LENGTH]
    assert 0.8 * len(platform_mix) < len(long_enough) < len(platform_mix)
    assert all(now - timedelta(days=366) < post.published_date < now for post in platform_mix)
    assert all(
        post.first_published_at == post.published_date == post.public_since == post.discovery_date
        for post in platform_mix
    )
    assert len({post.upvote_count for post in platform_mix}) > 40
    assert max(post.upvote_count for post in platform_mix) <= 50
    assert len({post.score for post in platform_mix}) == len(platform_mix)


def test_each_blogs_first_post_is_listed_on_its_home(platform_mix):
    first_posts = [post for post in platform_mix if post.slug == "post-1"]
    assert len(first_posts) == 60
    assert not any(post.is_page for post in first_posts)
    for post in first_posts[:10]:
        assert f">{post.title}<" in host_client(post.blog).get("/").content.decode()


def test_the_discovery_feed_lists_seeded_posts_by_score(platform_mix, platform_client):
    listed = sorted(
        (post for post in platform_mix if post.in_discovery), key=lambda post: -post.score
    )
    page = platform_client.get("/discover/").content.decode()
    # ">Post 1 of mix1<" and not "Post 1 of mix12": titles are link texts.
    first, second = (f">{post.title}<" for post in listed[:2])
    assert first in page
    assert page.index(first) < page.index(second)
    unlisted = next(post for post in platform_mix if not post.in_discovery)
    assert f">{unlisted.title}<" not in page


def test_the_reviewed_fraction_decides_which_blogs_reach_discovery(db):
    call_command("bench_seed", blogs=10, posts=3, reviewed_fraction=0, verbosity=0)
    assert not BlogPage.objects.filter(reviewed=True).exists()
    assert not PostPage.objects.filter(in_discovery=True).exists()
    call_command("bench_seed", blogs=10, posts=3, start=11, reviewed_fraction=1, verbosity=0)
    assert BlogPage.objects.filter(reviewed=True).count() == 10
    assert PostPage.objects.filter(in_discovery=True, blog__reviewed=True).exists()


def test_seeding_without_history_serves_the_same_blogs(db):
    call_command("bench_seed", blogs=5, posts=3, history=False, verbosity=0)
    assert not Revision.objects.exists()
    assert not PageLogEntry.objects.exists()
    assert all(not problems for problems in Page.find_problems())
    blog = BlogPage.objects.get(subdomain="bench2")
    response = host_client(blog).get("/post-1/")
    assert response.status_code == 200
    assert "<h1>Post 1 of bench2</h1>" in response.content.decode()
    for post in PostPage.objects.all():
        assert post.in_discovery == post_is_discoverable(post, post.blog)
