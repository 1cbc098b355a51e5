"""The benchmark's bulk seeding writes blogs the real app serves like any other."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site
from wagtail.permissions import policy_registry

from blog.models import BlogPage, PostPage
from blog.tenancy import create_blog
from tests.conftest import host_client


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
