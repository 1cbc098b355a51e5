"""Staff moderation flags: set only through blog.moderation.flags, logged, and never undone by a
blogger publishing an old revision; posts follow their blog's flags at once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import PageLogEntry

from blog.core.discovery import hot_score
from blog.models import BlogPage, PostPage
from blog.moderation.flags import set_blog_flags
from tests.support.clients import host_client
from tests.support.discovery import LONG_BODY


@pytest.fixture
def reviewed_blog(make_blogger):
    blog = make_blogger()
    return set_blog_flags(blog, reviewed=True)


def in_discovery(post):
    return PostPage.objects.values_list("in_discovery", flat=True).get(pk=post.pk)


def test_a_long_post_of_a_reviewed_blog_is_in_discovery(reviewed_blog, make_post):
    assert in_discovery(make_post(reviewed_blog, body=LONG_BODY))


def test_an_unreviewed_blogs_posts_are_not(make_blogger, make_post):
    assert not in_discovery(make_post(make_blogger(), body=LONG_BODY))


@pytest.mark.parametrize("flags", [{"hidden": True}, {"blocked": True}, {"reviewed": False}])
def test_moderating_a_blog_takes_its_posts_out_of_discovery_at_once(
    reviewed_blog, make_post, flags
):
    post = make_post(reviewed_blog, body=LONG_BODY)
    set_blog_flags(reviewed_blog, **flags)
    assert not in_discovery(post)


def test_unhiding_brings_the_posts_back(reviewed_blog, make_post):
    post = make_post(reviewed_blog, body=LONG_BODY)
    set_blog_flags(reviewed_blog, hidden=True)
    set_blog_flags(reviewed_blog, hidden=False)
    assert in_discovery(post)


def test_unknown_flags_are_refused(reviewed_blog):
    with pytest.raises(ValueError, match="discoverable"):
        set_blog_flags(reviewed_blog, discoverable=False)


def test_moderation_is_written_to_the_blogs_history(reviewed_blog):
    staff = get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-staff-1")
    set_blog_flags(reviewed_blog, user=staff, hidden=True)
    entry = PageLogEntry.objects.filter(page=reviewed_blog, action="bearcms.moderate").latest(
        "timestamp"
    )
    assert entry.user == staff
    assert entry.data == {"flags": {"hidden": True}}
    assert entry.message == "Moderated: hidden set"


def test_publishing_an_old_revision_keeps_the_staff_flags(reviewed_blog, make_post):
    post = make_post(reviewed_blog, body=LONG_BODY)
    old_revision = reviewed_blog.save_revision(user=reviewed_blog.owner)
    set_blog_flags(reviewed_blog, hidden=True)
    old_revision.publish()  # the revision was saved while the blog was visible
    blog = BlogPage.objects.get(pk=reviewed_blog.pk)
    assert blog.hidden and blog.reviewed
    assert not in_discovery(post)


def test_turning_discoverable_off_and_publishing_the_blog_removes_its_posts(
    reviewed_blog, make_post
):
    post = make_post(reviewed_blog, body=LONG_BODY)
    blog = BlogPage.objects.get(pk=reviewed_blog.pk)
    blog.discoverable = False
    blog.save_revision(user=blog.owner).publish()
    assert not in_discovery(post)


def test_publishing_an_old_revision_keeps_the_upvotes_and_score(reviewed_blog, make_post):
    post = make_post(reviewed_blog, body=LONG_BODY)
    old_revision = post.save_revision(user=reviewed_blog.owner)
    PostPage.objects.filter(pk=post.pk).update(upvote_count=12)
    old_revision.publish()
    post.refresh_from_db()
    assert post.upvote_count == 12
    assert post.score == pytest.approx(hot_score(12, post.discovery_date))


def test_a_post_knows_its_blog(reviewed_blog, make_post):
    assert make_post(reviewed_blog).blog_id == reviewed_blog.pk


def test_the_moderate_blog_command_approves_a_blog(make_blogger, capsys):
    blog = make_blogger(subdomain="shelly")
    call_command("moderate_blog", "Shelly", "--approve", "--hide")
    blog.refresh_from_db()
    assert blog.reviewed and blog.hidden
    assert "shelly: reviewed=True, hidden=True, blocked=False" in capsys.readouterr().out


def test_the_moderate_blog_command_says_what_is_wrong(make_blogger):
    make_blogger(subdomain="shelly")
    with pytest.raises(CommandError, match="No blog has the subdomain"):
        call_command("moderate_blog", "nobody", "--approve")
    with pytest.raises(CommandError, match="Say what to do"):
        call_command("moderate_blog", "shelly")


# --- Blocking: the blog's hosts show a neutral page; the owner is told


def test_a_blocked_blog_answers_every_path_with_a_neutral_410(make_blogger, make_post):
    blog = make_blogger("spammy", title="Cheap Pills Here")
    make_post(blog, slug="buy-now", title="Buy now")
    reader = host_client(blog)
    set_blog_flags(blog, blocked=True)
    for path in ("/", "/buy-now/", "/feed/", "/sitemap.xml", "/nothing-here/"):
        response = reader.get(path)
        html = response.content.decode()
        assert response.status_code == 410, path
        assert "This blog is no longer available." in html
        assert "Cheap Pills" not in html and "Buy now" not in html
    set_blog_flags(blog, blocked=False)
    assert "Buy now" in reader.get("/buy-now/").content.decode()


def test_blocking_drops_the_pages_the_app_had_cached(make_blogger, make_post, settings):
    settings.READER_PAGE_CACHE_SECONDS = 60
    blog = make_blogger("cached")
    make_post(blog, slug="kept", title="Kept in the cache")
    reader = host_client(blog)
    assert reader.get("/kept/").status_code == 200  # now in the page cache
    set_blog_flags(blog, blocked=True)
    assert reader.get("/kept/").status_code == 410
    set_blog_flags(blog, blocked=False)
    assert "Kept in the cache" in reader.get("/kept/").content.decode()


def test_the_owner_is_told_in_the_dashboard_and_nobody_else(make_blogger, login):
    blog = make_blogger("told", title="Told Blog")
    other = make_blogger("untold")
    set_blog_flags(blog, blocked=True)
    html = login(blog.owner).get("/dashboard/").content.decode()
    assert "Told Blog is blocked" in html
    assert "is blocked" not in login(other.owner).get("/dashboard/").content.decode()
    set_blog_flags(blog, blocked=False)
    assert "is blocked" not in login(blog.owner).get("/dashboard/").content.decode()
