"""Sharing a draft (blog.dashboard.draft_links, blog.reader.drafts): a secret link shows
the post's latest draft as it will look, to anyone who has it, never cached or indexed,
until it expires, is revoked or the post is published; nobody else's post is reachable."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import DraftLink
from tests.support.clients import host_client


@pytest.fixture
def blog(make_blogger):
    return make_blogger("drafty", title="Drafty")


@pytest.fixture
def desk(blog, login):
    return login(blog.owner)


@pytest.fixture
def post(blog, make_post):
    draft = make_post(blog, title="Not yet", slug="not-yet", body="Work in *progress*.", live=False)
    draft.published_date = None
    draft.save_revision(user=blog.owner)
    return draft


def share_url(post):
    return reverse("bearcms_share_draft", args=[post.pk])


def make_link(client, post, days=7):
    response = client.post(share_url(post), {"days": days})
    assert response.status_code == 302
    page = client.get(share_url(post)).content.decode()
    newest = re.findall(r'href="(http://[^"]+/draft/[^"]+/)"', page)[0]
    return newest.split("/draft/")[1].rstrip("/")


def read(blog, token):
    return host_client(blog).get(f"/draft/{token}/")


def test_a_link_shows_the_draft_as_it_will_look_and_is_never_kept(blog, desk, post):
    token = make_link(desk, post)
    response = read(blog, token)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Not yet</h1>" in page and "Work in <em>progress</em>." in page
    assert '<body class="post">' in page and "Drafty" in page  # the blog's own page
    assert timezone.now().strftime("%d %b, %Y") in page  # dated as if published now
    assert '<meta name="robots" content="noindex">' in page
    assert "/hit/" not in page  # no read counted
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    # Not kept by the page cache: a change shows at once.
    post.title = "Nearly there"
    post.save_revision(user=blog.owner)
    assert "<h1>Nearly there</h1>" in read(blog, token).content.decode()


def test_a_live_posts_link_shows_the_changes_not_yet_published(blog, desk, make_post):
    live = make_post(blog, title="Out there", slug="out-there")
    token = make_link(desk, live)
    live.title = "Out there, revised"
    live.save_revision(user=blog.owner)
    assert "Out there, revised" in read(blog, token).content.decode()
    assert "Out there, revised" not in host_client(blog).get("/out-there/").content.decode()


def test_publishing_the_post_ends_its_links(blog, desk, post):
    token = make_link(desk, post)
    revision = post.get_latest_revision()
    revision.publish(user=blog.owner)
    response = read(blog, token)
    assert response.status_code == 302 and response["Location"].endswith("/not-yet/")
    assert response["Cache-Control"] == "private, no-store"
    assert "/draft/" not in desk.get(share_url(post)).content.decode()


def test_an_expired_or_revoked_link_shows_nothing(blog, desk, post):
    token = make_link(desk, post, days=1)
    DraftLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert read(blog, token).status_code == 404
    token = make_link(desk, post)
    link = DraftLink.objects.get(token=token)
    assert desk.post(share_url(post), {"revoke": link.pk}).status_code == 302
    assert read(blog, token).status_code == 404
    assert not DraftLink.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize("token", ["x", "a" * 32, "../not-yet"])
def test_unknown_links_show_nothing(blog, post, token):
    assert read(blog, token).status_code == 404


def test_a_link_works_on_its_own_blog_only(blog, desk, post, make_blogger):
    token = make_link(desk, post)
    assert read(make_blogger("elsewhere"), token).status_code == 404


def test_nobody_else_makes_sees_or_revokes_a_posts_links(
    blog, desk, post, make_blogger, make_post, login
):
    link = DraftLink.objects.get(token=make_link(desk, post))
    stranger_blog = make_blogger("stranger")
    stranger = login(stranger_blog.owner)
    assert stranger.get(share_url(post)).status_code == 404
    assert stranger.post(share_url(post), {"days": 7}).status_code == 404
    assert stranger.post(share_url(post), {"revoke": link.pk}).status_code == 404
    # Their own post's page, given the link's id, revokes nothing of someone else's.
    own = make_post(stranger_blog, slug="theirs")
    assert stranger.post(share_url(own), {"revoke": link.pk}).status_code == 302
    assert DraftLink.objects.filter(post=post).count() == 1
    anonymous = host_client("localhost")
    assert anonymous.get(share_url(post))["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("value", ["x", "", "99999999999999999999", "١"])
def test_a_malformed_revoke_changes_nothing(blog, desk, post, value):
    make_link(desk, post)
    assert desk.post(share_url(post), {"revoke": value}).status_code == 302
    assert DraftLink.objects.count() == 1


def test_a_post_has_at_most_ten_working_links(blog, desk, post):
    for _ in range(10):
        make_link(desk, post)
    response = desk.post(share_url(post), {"days": 7}, follow=True)
    assert "This post has 10 links already" in response.content.decode()
    assert DraftLink.objects.count() == 10


def test_share_draft_is_in_the_editor_and_in_posts(blog, desk, post):
    editor = desk.get(reverse("wagtailadmin_pages:edit", args=[post.pk])).content.decode()
    assert share_url(post) in editor
    listing = desk.get(reverse("posts:index")).content.decode()
    assert share_url(post) in listing
    blog_page = desk.get(reverse("wagtailadmin_pages:edit", args=[blog.pk])).content.decode()
    assert share_url(blog) not in blog_page  # a blog's home is no post


def test_a_token_of_another_shape_never_reaches_the_database(blog, post):
    for token in ("abc%00def", "x" * 33, "a" * 31):
        assert host_client(blog).get(f"/draft/{token}/").status_code == 404


def test_a_blog_moved_to_another_account_takes_no_old_link_along(
    blog, desk, post, make_blogger, staff_client
):
    token = make_link(desk, post)
    newcomer = make_blogger("newowner", email="new-owner@example.com").owner
    move = reverse("bearcms_staff_tools:move_blog", args=[blog.pk])
    assert staff_client.post(move, {"email": newcomer.email}).status_code == 302
    assert read(blog, token).status_code == 404


def test_a_malformed_duration_makes_no_link_and_says_why(blog, desk, post):
    response = desk.post(share_url(post), {"days": "365"}, follow=True)
    assert "Choose how long the link works for" in response.content.decode()
    assert not DraftLink.objects.exists()


def test_a_link_shows_the_drafts_own_tags_not_the_published_ones(blog, desk, make_post):
    published = make_post(blog, slug="tagged", tags=["old"])
    draft = published.get_latest_revision_as_object()
    draft.tags.set(["fresh"])
    draft.save_revision(user=blog.owner)
    page = read(blog, make_link(desk, published)).content.decode()
    assert "#fresh" in page and "#old" not in page
    assert "#old" in host_client(blog).get("/tagged/").content.decode()  # readers' tags
