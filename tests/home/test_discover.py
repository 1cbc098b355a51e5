"""The discovery feed on the platform host: who gets listed, in which order, that it
costs the same few queries whatever the number of posts, and that its cache forgets what
changed."""

from contextlib import contextmanager
from datetime import timedelta
from io import StringIO
from unittest import mock

import feedparser
import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from blog.caching.discovery_cache import VERSION_KEY as DISCOVERY_VERSION_KEY
from blog.caching.discovery_cache import forget_discovery
from blog.core.discovery import EPOCH, hot_score
from blog.models import PostPage
from blog.moderation.flags import set_blog_flags
from blog.moderation.hidden_posts import set_hidden_by_staff
from home import discovery_search
from home.discover import PAGE_SIZE, discoverable_posts, post_url
from home.discovery_search import matching_posts
from home.models import HiddenBlog
from tests.support.clients import host_client
from tests.support.dashboard_forms import DATE_FORMAT, add_post, edit_post
from tests.support.discovery import LONG, entries, titles


@pytest.fixture(autouse=True)
def discovery_cache_on(settings):
    """Every test here reads discovery through the app's cache: whatever must show at once
    shows through it (blog.caching.discovery_cache)."""
    settings.READER_PAGE_CACHE_SECONDS = 60


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@contextmanager
def clock_at(moment):
    """Act at ``moment``: a post published in the block went public then."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def make_blog(make_blogger):
    """A blog that staff have reviewed: discoverable unless told otherwise."""

    def make(**kwargs):
        blog = make_blogger(**kwargs)
        return set_blog_flags(blog, reviewed=True)

    return make


@pytest.fixture
def publish(make_post):
    """A long post the blogger published ``age`` ago (a day by default: outside the
    anti-flood window), dated then unless told otherwise."""

    def make(blog, title, body=LONG, age=timedelta(days=1), **fields):
        with clock_at(timezone.now() - age):
            fields.setdefault("published_date", timezone.now())
            return make_post(blog, title=title, body=body, **fields)

    return make


def rank(post, upvotes, moment):
    """Give ``post`` a vote count and the score upvotes would give it if it dated from
    ``moment``."""
    PostPage.objects.filter(pk=post.pk).update(
        upvote_count=upvotes, score=hot_score(upvotes, moment)
    )


# The score


def test_ten_upvotes_are_worth_fourteen_days_of_freshness():
    moment = EPOCH + timedelta(days=1000)
    assert hot_score(10, moment) == pytest.approx(hot_score(1, moment + timedelta(days=14)))


def test_upvotes_beyond_thirty_stop_counting_and_none_count_as_one():
    moment = EPOCH + timedelta(days=1000)
    assert hot_score(31, moment) == hot_score(30, moment) == hot_score(500, moment)
    assert hot_score(0, moment) == hot_score(1, moment)


def test_trending_orders_by_score_and_breaks_ties_by_newest(platform_client, make_blog, publish):
    blog = make_blog()
    base = timezone.now() - timedelta(days=30)
    old_popular = publish(blog, "Old but loved", age=timedelta(days=30))
    fresh = publish(blog, "Fresh, no votes", age=timedelta(days=1))
    tie_older = publish(blog, "Tie, older", age=timedelta(days=3))
    tie_newer = publish(blog, "Tie, newer", age=timedelta(days=2))
    capped = publish(blog, "Many votes", age=timedelta(days=40))
    # 30 upvotes at day 0 (log10 30 ≈ 1.48, about 20.7 days) beat no votes at day 12.
    rank(old_popular, 30, base)
    rank(fresh, 0, base + timedelta(days=12))
    # Equal scores (10 upvotes ≈ 14 days, above "Fresh"): the later published date first.
    rank(tie_older, 10, base)
    rank(tie_newer, 10, base)
    # 1,000 upvotes count as 30: ten days older than "Old but loved", it ranks below it.
    rank(capped, 1000, base - timedelta(days=10))

    assert titles(platform_client.get("/discover/")) == [
        "Old but loved",
        "Tie, newer",
        "Tie, older",
        "Fresh, no votes",
        "Many votes",
    ]


def test_an_upvote_moves_a_post_up(platform_client, make_blog, publish):
    blog = make_blog()
    first = publish(blog, "First")
    second = publish(blog, "Second")
    rank(first, 1, timezone.now())
    rank(second, 1, timezone.now() - timedelta(days=1))
    assert titles(platform_client.get("/discover/")) == ["First", "Second"]
    reader = host_client(blog, HTTP_ORIGIN=f"http://{blog.subdomain}.localhost")
    for number in range(20):
        reader.post(f"/upvote/{second.id}/", REMOTE_ADDR=f"203.0.113.{number}")
    assert titles(platform_client.get("/discover/")) == ["Second", "First"]


def test_newest_orders_by_published_date(platform_client, make_blog, publish):
    blog = make_blog()
    publish(blog, "Two days", age=timedelta(days=2))
    loved = publish(blog, "Three days, loved", age=timedelta(days=3))
    publish(blog, "One day", age=timedelta(days=1))
    rank(loved, 30, timezone.now())
    assert titles(platform_client.get("/discover/?newest=1")) == [
        "One day",
        "Two days",
        "Three days, loved",
    ]
    assert titles(platform_client.get("/discover/"))[0] == "Three days, loved"


# Who is listed


def test_an_entry_shows_its_blog_age_and_upvotes_and_links_to_the_post(
    platform_client, make_blog, publish
):
    blog = make_blog(subdomain="bear", title="Bear notes")
    post = publish(blog, "Hello", slug="hello", age=timedelta(hours=13))
    PostPage.objects.filter(pk=post.pk).update(upvote_count=3)
    response = platform_client.get("/discover/")
    html = response.content.decode()
    assert entries(response) == [("http://bear.localhost:8000/hello/", "Hello")]
    assert "Bear notes" in html and "13\xa0hours ago" in html and "3 upvotes" in html
    assert post_url(post) == post.get_full_url()
    assert host_client(blog).get("/hello/").status_code == 200


def test_unlisted_posts_and_blogs_stay_out(platform_client, make_blog, make_blogger, publish):
    listed = make_blog()
    publish(listed, "Listed")
    publish(listed, "A page", is_page=True)
    publish(listed, "Not for discovery", make_discoverable=False)
    publish(listed, "Draft", live=False)
    publish(listed, "Scheduled", published_date=timezone.now() + timedelta(hours=1))
    publish(listed, "Too short", body="Only a line.")
    publish(listed, "Exactly 150", body="x" * 150)
    publish(make_blogger(), "Unreviewed blog")
    opted_out = make_blog()
    opted_out.discoverable = False
    opted_out.save_revision().publish()
    publish(opted_out, "Opted-out blog")
    publish(set_blog_flags(make_blog(), hidden=True), "Hidden blog")
    publish(set_blog_flags(make_blog(), blocked=True), "Blocked blog")

    assert sorted(titles(platform_client.get("/discover/"))) == ["Exactly 150", "Listed"]
    assert sorted(titles(platform_client.get("/discover/?newest=1"))) == ["Exactly 150", "Listed"]


def test_an_unpublished_post_leaves_discovery(platform_client, make_blog, publish):
    post = publish(make_blog(), "Gone soon")
    assert titles(platform_client.get("/discover/")) == ["Gone soon"]
    post.unpublish()
    assert titles(platform_client.get("/discover/")) == []


def test_a_blog_with_more_than_three_posts_in_twelve_hours_shows_none_of_them(
    platform_client, make_blog, publish
):
    calm, busy = make_blog(), make_blog()
    for number in range(3):
        publish(calm, f"Calm {number}", age=timedelta(hours=number + 1))
    for number in range(4):
        publish(busy, f"Busy {number}", age=timedelta(hours=number + 1))
    publish(busy, "Busy, last week", age=timedelta(days=7))

    shown = titles(platform_client.get("/discover/?newest=1"))
    assert shown == ["Calm 0", "Calm 1", "Calm 2"]


def test_posts_older_than_the_flood_window_do_not_count_towards_it(
    platform_client, make_blog, publish
):
    blog = make_blog()
    for number in range(3):
        publish(blog, f"Today {number}", age=timedelta(hours=number + 1))
    publish(blog, "Yesterday", age=timedelta(hours=13))
    publish(blog, "A page today", is_page=True, age=timedelta(minutes=5))
    assert len(titles(platform_client.get("/discover/"))) == 4


def test_posts_dated_back_count_towards_the_flood_from_when_they_went_public(
    platform_client, make_blog, publish, login
):
    publish(make_blog(), "Calm")
    busy = make_blog()
    editor = login(busy.owner)
    thirteen_hours_ago = ago(hours=13).strftime(DATE_FORMAT)
    for number in range(6):  # six posts in a minute, each dated outside the window
        add_post(
            editor,
            busy,
            title=f"Burst {number}",
            slug=f"burst-{number}",
            body=LONG,
            published_date=thirteen_hours_ago,
        )
    assert titles(platform_client.get("/discover/")) == ["Calm"]
    assert titles(platform_client.get("/discover/?newest=1")) == ["Calm"]


def test_posts_published_unlisted_count_towards_the_flood_from_when_they_are_listed(
    platform_client, make_blog, publish
):
    publish(make_blog(), "Calm")
    busy = make_blog()
    burst = [
        publish(
            busy, f"Burst {n}", slug=f"burst-{n}", age=timedelta(hours=13), make_discoverable=False
        )
        for n in range(6)
    ]
    for post in burst:  # made discoverable together, 13 hours after going public
        post.make_discoverable = True
        post.save_revision(user=busy.owner).publish()
    assert titles(platform_client.get("/discover/")) == ["Calm"]


def test_posts_of_a_blog_approved_late_count_towards_the_flood_from_its_approval(
    platform_client, make_blog, make_blogger, publish
):
    publish(make_blog(), "Calm")
    waiting = make_blogger()  # not reviewed yet: nothing of it is listed
    for n in range(6):
        publish(waiting, f"Waiting {n}", slug=f"waiting-{n}", age=timedelta(hours=13))
    set_blog_flags(waiting, reviewed=True)
    assert titles(platform_client.get("/discover/")) == ["Calm"]


def test_moving_a_posts_date_later_does_not_lift_it_in_newest_or_trending(
    platform_client, make_blog, publish, login
):
    blog = make_blog()
    week_old = publish(blog, "A week old", slug="week-old", age=timedelta(days=7))
    publish(blog, "Two days old", age=timedelta(days=2))
    response = edit_post(
        login(blog.owner),
        week_old,
        title="A week old",
        slug="week-old",
        body=LONG,
        published_date=timezone.now().strftime(DATE_FORMAT),
    )
    assert response.status_code == 302
    for url in ("/discover/", "/discover/?newest=1"):
        assert titles(platform_client.get(url)) == ["Two days old", "A week old"]


def test_the_editor_has_no_field_that_moves_a_post_in_discovery(
    platform_client, make_blog, publish, login
):
    blog = make_blog()
    week_old = publish(blog, "A week old", slug="week-old", age=timedelta(days=7))
    publish(blog, "Two days old", age=timedelta(days=2))
    editor = login(blog.owner)
    fields = set(editor.get(f"/dashboard/pages/{week_old.id}/edit/").context["form"].fields)
    ranking = {"first_published_at", "go_live_at", "public_since", "discovery_date", "score"}
    assert not fields & (ranking | {"expire_at", "upvote_count", "in_discovery"})
    far_ahead = "2999-01-01 00:00"
    response = edit_post(
        editor,
        week_old,
        title="A week old",
        slug="week-old",
        body=LONG,
        published_date=week_old.published_date.strftime(DATE_FORMAT),
        **dict.fromkeys(ranking, far_ahead),
        upvote_count="1000",
    )
    assert response.status_code == 302
    for url in ("/discover/", "/discover/?newest=1"):
        assert titles(platform_client.get(url)) == ["Two days old", "A week old"]


def test_a_copy_of_an_old_post_is_as_old_as_it(platform_client, make_blog, publish, login):
    blog = make_blog()
    week_old = publish(blog, "A week old", slug="week-old", age=timedelta(days=7))
    publish(blog, "Two days old", age=timedelta(days=2))
    week_old.save_revision(user=blog.owner)  # a draft saved today, which the copy starts from
    response = login(blog.owner).post(
        f"/dashboard/pages/{week_old.id}/copy/",
        {
            "new_title": "A week old, copied",
            "new_slug": "copied",
            "new_parent_page": blog.id,
            "publish_copies": "on",
        },
    )
    assert response.status_code == 302
    copy = PostPage.objects.get(slug="copied")
    reader = host_client(blog, HTTP_ORIGIN=f"http://{blog.subdomain}.localhost")
    reader.post(f"/upvote/{copy.id}/", REMOTE_ADDR="203.0.113.1")  # rescored from its date
    assert PostPage.objects.get(pk=copy.pk).upvote_count == 1
    assert titles(platform_client.get("/discover/"))[0] == "Two days old"
    assert titles(platform_client.get("/discover/?newest=1"))[0] == "Two days old"


def test_an_alias_of_a_post_is_not_listed_again(platform_client, make_blog, publish, login):
    """Wagtail's "alias" copy shares the post's fields, its upvotes and moment included:
    listed, it would be the same post twice, out of the anti-flood count."""
    blog = make_blog()
    post = publish(blog, "Only once", slug="only-once", age=timedelta(days=1))
    response = login(blog.owner).post(
        f"/dashboard/pages/{post.id}/copy/",
        {"new_title": "Only once", "new_slug": "again", "new_parent_page": blog.id, "alias": "on"},
    )
    assert response.status_code == 302
    alias = PostPage.objects.get(slug="again")
    assert alias.alias_of_id == post.id and alias.live
    assert titles(platform_client.get("/discover/")) == ["Only once"]
    assert titles(platform_client.get("/discover/?newest=1")) == ["Only once"]


def test_a_schedule_cancelled_before_its_date_was_no_publication(
    platform_client, make_blog, publish
):
    blog = make_blog()
    in_an_hour = ago(hours=-1)
    planned = [
        publish(blog, f"Planned {n}", age=timedelta(0), published_date=in_an_hour) for n in range(4)
    ]
    for post in planned:
        post.unpublish()
    with clock_at(ago(hours=-14)):  # published at last, as dated: four in the last 12 hours
        for post in planned:
            post.save_revision(user=blog.owner).publish()
        assert titles(platform_client.get("/discover/")) == []


def test_a_scheduled_post_is_fresh_when_its_date_comes(platform_client, make_blog, publish):
    scheduled = make_blog()
    publish(scheduled, "Scheduled a week ahead", age=timedelta(0), published_date=ago(days=-7))
    with clock_at(ago(days=-7, hours=1)):
        publish(make_blog(), "Published an hour before it", age=timedelta(0))
    with clock_at(ago(days=-7, minutes=-1)):
        assert titles(platform_client.get("/discover/")) == [
            "Scheduled a week ahead",
            "Published an hour before it",
        ]


def test_staff_hiding_a_blog_takes_effect_at_once(platform_client, make_blog, publish):
    blog = make_blog()
    publish(blog, "Soon hidden")
    assert titles(platform_client.get("/discover/")) == ["Soon hidden"]
    set_blog_flags(blog, hidden=True)
    assert titles(platform_client.get("/discover/")) == []
    set_blog_flags(blog, hidden=False)
    assert titles(platform_client.get("/discover/")) == ["Soon hidden"]


def test_anonymous_readers_get_discovery_from_the_cache_and_signed_in_readers_never_do(
    platform_client, make_blog, make_blogger, publish, login
):
    publish(make_blog(), "Cached")
    reader = login(make_blogger().owner)
    for url in ("/discover/", "/discover/feed/", "/discover/search/?q=discovered"):
        platform_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = platform_client.get(url)
        assert len(queries) == 0 and "Cached" in response.content.decode(), url
        with CaptureQueriesContext(connection) as queries:
            assert "Cached" in reader.get(url).content.decode()
        assert len(queries) > 0, url  # their own hidden blogs are left out, never shared


def test_staff_hiding_one_post_takes_it_out_of_the_cached_feed_at_once(
    platform_client, make_blog, publish, staff
):
    post = publish(make_blog(), "Hidden by staff")
    assert titles(platform_client.get("/discover/")) == ["Hidden by staff"]
    set_hidden_by_staff(post, True, staff)
    assert titles(platform_client.get("/discover/")) == []
    assert "Hidden by staff" not in platform_client.get("/discover/feed/").content.decode()


def test_a_discovery_version_lost_from_the_cache_never_brings_old_pages_back(
    platform_client, make_blog, publish, staff
):
    """The file cache forgets a version key after its default timeout, and any cache may
    evict it: counting up again from nothing must not reach the version old pages are
    cached under."""
    post = publish(make_blog(), "Soon hidden")
    forget_discovery()
    forget_discovery()
    assert titles(platform_client.get("/discover/")) == ["Soon hidden"]  # cached
    cache.delete(DISCOVERY_VERSION_KEY)
    set_hidden_by_staff(post, True, staff)
    forget_discovery()
    assert titles(platform_client.get("/discover/")) == []


def test_the_moderate_blog_command_approves_hides_and_blocks(
    platform_client, make_blogger, publish
):
    blog = make_blogger(subdomain="newcomer")
    publish(blog, "Waiting for review")
    assert titles(platform_client.get("/discover/")) == []
    out = StringIO()
    call_command("moderate_blog", "NewComer", "--approve", stdout=out)
    assert "reviewed=True" in out.getvalue()
    assert titles(platform_client.get("/discover/")) == ["Waiting for review"]
    call_command("moderate_blog", "newcomer", "--block", stdout=StringIO())
    assert titles(platform_client.get("/discover/")) == []


def test_the_moderate_blog_command_names_an_unknown_blog(db):
    with pytest.raises(CommandError, match="No blog has the subdomain “nobody”"):
        call_command("moderate_blog", "nobody", "--hide")
    with pytest.raises(CommandError, match="Say what to do"):
        call_command("moderate_blog", "nobody")


def test_a_blogger_turning_discoverable_off_removes_their_posts(
    make_blog, publish, login, platform_client
):
    blog = make_blog()
    publish(blog, "Mine")
    assert titles(platform_client.get("/discover/")) == ["Mine"]
    client = login(blog.owner)
    edit = client.get(f"/dashboard/pages/{blog.id}/edit/")
    assert edit.status_code == 200
    form = edit.context["form"]
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
        if name != "discoverable"  # an unticked checkbox is simply not sent
    }
    data["action-publish"] = "1"
    response = client.post(f"/dashboard/pages/{blog.id}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert titles(platform_client.get("/discover/")) == []


# A signed-in reader's own choices


def test_a_reader_can_hide_a_blog_from_their_own_feed_and_show_it_again(
    make_blog, make_blogger, publish, login, platform_client
):
    noisy, quiet = make_blog(title="Noisy"), make_blog(title="Quiet")
    publish(noisy, "Loud post")
    publish(quiet, "Soft post")
    reader = login(make_blogger().owner)
    page = reader.get("/discover/")
    assert sorted(titles(page)) == ["Loud post", "Soft post"]
    assert f"/discover/blogs/{noisy.id}/hide/" in page.content.decode()

    response = reader.post(f"/discover/blogs/{noisy.id}/hide/", {"next": "/discover/?newest=1"})
    assert response.status_code == 303 and response["Location"] == "/discover/?newest=1"
    page = reader.get("/discover/")
    assert titles(page) == ["Soft post"]
    assert "Blogs you hid" in page.content.decode()
    assert reader.get("/discover/search/?q=post").content.decode().count("Loud post") == 0
    # Everyone else still sees it.
    assert sorted(titles(platform_client.get("/discover/"))) == ["Loud post", "Soft post"]

    reader.post(f"/discover/blogs/{noisy.id}/show/")
    assert sorted(titles(reader.get("/discover/"))) == ["Loud post", "Soft post"]


def test_hiding_needs_a_signed_in_reader_and_a_post(make_blog, make_blogger, login):
    blog = make_blog()
    anonymous = host_client("localhost")
    response = anonymous.post(f"/discover/blogs/{blog.id}/hide/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    reader = login(make_blogger().owner)
    assert reader.get(f"/discover/blogs/{blog.id}/hide/").status_code == 405
    assert reader.post("/discover/blogs/999999/hide/").status_code == 404
    assert reader.post(f"/discover/blogs/{10**24}/hide/").status_code == 404
    assert not HiddenBlog.objects.exists()


def test_hiding_is_csrf_protected(make_blog, make_blogger):
    blog = make_blog()
    reader = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    reader.force_login(make_blogger().owner)
    assert reader.post(f"/discover/blogs/{blog.id}/hide/").status_code == 403
    assert not HiddenBlog.objects.exists()


def test_a_reader_cannot_change_another_readers_hidden_blogs(
    make_blog, make_blogger, login, publish
):
    blog = make_blog(title="Hidden by Alice")
    publish(blog, "Alice hid this")
    alice, mallory = make_blogger().owner, make_blogger().owner
    login(alice).post(f"/discover/blogs/{blog.id}/hide/")
    mallory_client = login(mallory)
    mallory_client.post(f"/discover/blogs/{blog.id}/show/")
    assert HiddenBlog.objects.filter(user=alice, blog=blog).exists()
    page = mallory_client.get("/discover/")
    assert titles(page) == ["Alice hid this"] and "Blogs you hid" not in page.content.decode()


def test_the_redirect_after_hiding_stays_on_the_platform(make_blog, make_blogger, login):
    blog = make_blog()
    reader = login(make_blogger().owner)
    response = reader.post(
        f"/discover/blogs/{blog.id}/hide/", {"next": "https://evil.example/phish"}
    )
    assert response["Location"] == "/discover/"


def test_discovery_is_not_served_on_blog_hosts(make_blog, publish):
    blog = make_blog()
    publish(blog, "Elsewhere")
    assert host_client(blog).get("/discover/").status_code == 404
    assert host_client(blog).get("/discover/feed/").status_code == 404


# Language


def test_a_blog_changing_its_language_moves_its_posts_to_the_new_one(
    platform_client, make_blog, publish
):
    blog = make_blog()
    publish(blog, "Bonjour")
    publish(blog, "Hello", lang="en")
    blog.lang = "fr"
    blog.save_revision().publish()
    assert titles(platform_client.get("/discover/?lang=fr")) == ["Bonjour"]
    assert titles(platform_client.get("/discover/?lang=en")) == ["Hello"]


def test_the_language_filter_uses_the_posts_language_or_else_its_blogs(
    platform_client, make_blog, publish
):
    german = make_blog()
    german.lang = "de"
    german.save_revision().publish()
    swiss = make_blog()
    swiss.lang = "de-CH"
    swiss.save_revision().publish()
    english = make_blog()
    publish(german, "Auf Deutsch")
    publish(german, "In English, on a German blog", lang="en")
    publish(swiss, "Grüezi")
    publish(english, "English")
    publish(english, "Deutsch im englischen Blog", lang="DE-at")

    assert sorted(titles(platform_client.get("/discover/?lang=de"))) == [
        "Auf Deutsch",
        "Deutsch im englischen Blog",
        "Grüezi",
    ]
    # Regional variants are one language: de-CH lists all German posts.
    assert sorted(titles(platform_client.get("/discover/?lang=de-ch"))) == [
        "Auf Deutsch",
        "Deutsch im englischen Blog",
        "Grüezi",
    ]
    assert sorted(titles(platform_client.get("/discover/?lang=en"))) == [
        "English",
        "In English, on a German blog",
    ]
    assert titles(platform_client.get("/discover/?lang=d")) == titles(
        platform_client.get("/discover/")
    )  # not a language code: no filter
    assert platform_client.get("/discover/?lang=" + "x" * 5000).status_code == 200


# Pages


def test_pages_hold_twenty_posts_and_link_to_each_other(platform_client, make_blog, publish):
    blogs = [make_blog() for _ in range(9)]
    for number in range(25):
        publish(blogs[number % 9], f"Post {number:02}", age=timedelta(days=1, minutes=number))
    first = platform_client.get("/discover/?newest=1&lang=en")
    assert titles(first) == [f"Post {number:02}" for number in range(PAGE_SIZE)]
    assert 'href="/discover/?newest=1&amp;lang=en&amp;page=2"' in first.content.decode()
    second = platform_client.get("/discover/?newest=1&lang=en&page=2")
    assert titles(second) == [f"Post {number:02}" for number in range(PAGE_SIZE, 25)]
    assert 'href="/discover/?newest=1&amp;lang=en" rel="prev"' in second.content.decode()


@pytest.mark.parametrize("page", ["3", "0", "-1", "abc", "9" * 30])
def test_a_page_that_is_not_there_is_a_404(platform_client, make_blog, publish, page):
    publish(make_blog(), "Only post")
    assert platform_client.get(f"/discover/?page={page}").status_code == 404


def test_an_empty_feed_says_so(platform_client, db):
    response = platform_client.get("/discover/")
    assert response.status_code == 200 and "No posts to show yet." in response.content.decode()


def test_discovery_costs_the_same_queries_for_five_posts_or_twentyfive(
    platform_client, make_blog, make_blogger, publish, login
):
    reader = login(make_blogger().owner)

    def queries(url, client):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def measure():
        return [
            queries(url, client)
            for url in ("/discover/", "/discover/?newest=1&lang=en", "/discover/feed/")
            for client in (platform_client, reader)
        ] + [queries("/discover/search/?q=discovered", platform_client)]

    for _ in range(5):
        publish(make_blog(), "A post")
    few = measure()
    for _ in range(20):
        publish(make_blog(), "A post")
    many = measure()
    assert len(titles(platform_client.get("/discover/"))) == PAGE_SIZE
    assert few == many
    assert max(many) <= 6


# Search


def test_search_finds_discoverable_posts_by_a_word_of_their_body(
    platform_client, make_blog, make_blogger, publish
):
    listed = make_blog()
    publish(listed, "Pancakes", body=LONG + " Buttermilk makes them fluffy.")
    publish(listed, "Waffles", body=LONG + " Crisp edges.")
    publish(listed, "Secret buttermilk page", body=LONG + " buttermilk", is_page=True)
    publish(listed, "Buttermilk draft", body=LONG + " buttermilk", live=False)
    publish(make_blogger(), "Unreviewed buttermilk", body=LONG + " buttermilk")
    publish(
        set_blog_flags(make_blog(), hidden=True), "Hidden buttermilk", body=LONG + " buttermilk"
    )

    response = platform_client.get("/discover/search/?q=buttermilk")
    assert titles(response) == ["Pancakes"]
    assert titles(platform_client.get("/discover/search/?q=crisp")) == ["Waffles"]
    assert titles(platform_client.get("/discover/search/?q=buttermilk&lang=fr")) == []


def test_a_post_is_indexed_when_published_and_forgotten_when_deleted(
    platform_client, make_blog, publish
):
    post = publish(make_blog(), "Quince season")
    assert titles(platform_client.get("/discover/search/?q=quince")) == ["Quince season"]
    post.delete()
    assert not IndexEntry.objects.filter(object_id=str(post.pk)).exists()
    assert titles(platform_client.get("/discover/search/?q=quince")) == []


def test_an_empty_search_shows_just_the_form(platform_client, make_blog, publish):
    publish(make_blog(), "Anything")
    response = platform_client.get("/discover/search/?q=+++")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode() and titles(response) == []


@pytest.mark.parametrize(
    "query", ['"', "*", "NOT", "(", "a OR", "x" * 10_000, "word " * 500, "ü:ß\\'-", "\x00a"]
)
def test_odd_or_very_long_searches_never_fail(platform_client, make_blog, publish, query):
    publish(make_blog(), "Anything")
    assert platform_client.get("/discover/search/", {"q": query}).status_code == 200


def test_search_results_are_paginated(platform_client, make_blog, publish):
    blogs = [make_blog() for _ in range(7)]
    for number in range(21):
        publish(blogs[number % 7], f"Kiwi {number}", body=LONG + " kiwi")
    assert len(titles(platform_client.get("/discover/search/?q=kiwi"))) == PAGE_SIZE
    assert len(titles(platform_client.get("/discover/search/?q=kiwi&page=2"))) == 1
    assert platform_client.get("/discover/search/?q=kiwi&page=3").status_code == 404


postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="SQLite's FTS5 ranks every match its own way"
)


@postgres_only
def test_search_puts_title_matches_first_then_the_newest(platform_client, make_blog, publish):
    blog = make_blog()
    publish(blog, "Quince season", age=timedelta(days=9))
    publish(blog, "Older note", body=LONG + " A quince.", age=timedelta(days=5))
    publish(blog, "Newer note", body=LONG + " A quince.", age=timedelta(days=2))
    response = platform_client.get("/discover/search/?q=quince")
    assert titles(response) == ["Quince season", "Newer note", "Older note"]


@postgres_only
def test_search_ranks_only_the_newest_matches(platform_client, make_blog, publish, monkeypatch):
    """A bound on the work of a common word: the best title match, older than the newest
    two matches, is left out when only two are ranked."""
    monkeypatch.setattr(discovery_search, "CANDIDATES", 2)
    blog = make_blog()
    publish(blog, "Quince season", age=timedelta(days=9))
    publish(blog, "Older note", body=LONG + " A quince.", age=timedelta(days=5))
    publish(blog, "Newer note", body=LONG + " A quince.", age=timedelta(days=2))
    assert titles(platform_client.get("/discover/search/?q=quince")) == [
        "Newer note",
        "Older note",
    ]


def plan(sql, **switches):
    """The query's plan with the named planner methods turned off for this transaction."""
    with connection.cursor() as cursor:
        for method in switches:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET ALL")
    return plan


def search_query(words):
    """The SQL of discovery's search for ``words``, and what it found."""
    with CaptureQueriesContext(connection) as captured:
        found = [post.title for post in matching_posts(discoverable_posts(), words)]
    [query] = [query["sql"] for query in captured if "@@" in query["sql"]]
    return query, found


@postgres_only
def test_indexes_serve_discovery_search_both_ways(make_blog, publish):
    """The SQL Django and Wagtail write must stay the SQL the indexes were made for: a
    changed cast or concatenation would silently read every post. Six hundred seeded
    posts in the index, and the planner told to use no sequential scan, hash or merge
    join (which so few rows would get) show which indexes it could use."""
    call_command("bench_seed", blogs=60, posts=10, verbosity=0)
    get_search_backend().add_bulk(PostPage, list(PostPage.objects.all()))
    publish(make_blog(), "Quince season")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE wagtailsearch_indexentry")
        cursor.execute("ANALYZE blog_postpage")

    query, found = search_query("quince")
    assert found == ["Quince season"]
    rare_word = plan(query, seqscan=True, hashjoin=True, mergejoin=True)
    assert "Index Scan on discovery_search " in rare_word, rare_word
    assert "Index Scan on discovery_search_post" in rare_word or (
        "Index Scan using discovery_search_post on blog_postpage" in rare_word
    ), rare_word

    query, found = search_query("sourdough")
    assert len(found) > PAGE_SIZE
    common_word = plan(
        query, seqscan=True, bitmapscan=True, hashjoin=True, mergejoin=True, sort=True
    )
    assert "using discovery_newest on blog_postpage" in common_word, common_word
    assert "wagtailsearch_indexentry_content_type_id_object_i" in common_word, common_word


# Feed and caching


def test_the_feed_lists_trending_or_newest_posts_and_parses(platform_client, make_blog, publish):
    blog = make_blog(title="Bear notes")
    old = publish(blog, "Older, loved", age=timedelta(days=2))
    publish(blog, "Newer", age=timedelta(days=1))
    rank(old, 30, timezone.now())

    for url, expected in (
        ("/discover/feed/", ["Older, loved", "Newer"]),
        ("/discover/feed/?newest=1", ["Newer", "Older, loved"]),
    ):
        response = platform_client.get(url)
        assert response["Content-Type"].startswith("application/atom+xml")
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert [entry.title for entry in parsed.entries] == expected
        entry = parsed.entries[0]
        assert entry.author == "Bear notes"
        assert entry.link.startswith(f"http://{blog.subdomain}.localhost:8000/")
        assert entry.updated_parsed is not None


def test_the_feed_holds_twenty_entries(platform_client, make_blog, publish):
    blogs = [make_blog() for _ in range(8)]
    for number in range(22):
        publish(blogs[number % 8], f"Post {number}")
    parsed = feedparser.parse(platform_client.get("/discover/feed/").content)
    assert len(parsed.entries) == PAGE_SIZE


def test_the_feed_holds_each_whole_post_in_atom_or_rss_and_keeps_to_a_language(
    platform_client, make_blog, publish
):
    english, german = make_blog(title="Notes"), make_blog(title="Notizen")
    german.lang = "de"
    german.save_revision().publish()
    body = LONG + "\n\nSee [the list](/blog/) and *this*."
    publish(english, "Whole", body=body, slug="whole")
    publish(german, "Ganz", body=LONG)
    base = f"http://{english.subdomain}.localhost:8000"
    atom = feedparser.parse(platform_client.get("/discover/feed/?lang=en").content)
    assert [entry.title for entry in atom.entries] == ["Whole"]
    content = atom.entries[0].content[0].value
    assert f'<a href="{base}/blog/"' in content and "<em>this</em>" in content
    response = platform_client.get("/discover/feed/?type=rss&lang=de")
    assert response["Content-Type"].startswith("application/rss+xml")
    rss = feedparser.parse(response.content)
    assert rss.bozo == 0 and rss.version == "rss20"
    assert [entry.title for entry in rss.entries] == ["Ganz"]
    assert rss.entries[0].description.startswith("<p>")  # the post, not its summary
    page = platform_client.get("/discover/?lang=de").content.decode()
    assert 'href="/discover/feed/?lang=de&amp;type=rss"' in page


def test_a_random_post_or_blog_is_one_discovery_lists_and_never_cached(
    platform_client, make_blog, make_blogger, publish, db
):
    assert platform_client.get("/discover/random/")["Location"] == "/discover/"
    listed = make_blog(title="Listed")
    post = publish(listed, "Lucky", slug="lucky")
    publish(listed, "Draft", live=False)
    publish(listed, "A page", is_page=True)
    publish(make_blogger(), "Unreviewed")
    publish(set_blog_flags(make_blog(), hidden=True), "Hidden")
    for _ in range(10):
        response = platform_client.get("/discover/random/")
        assert response.status_code == 302 and response["Location"] == post_url(post)
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
        blog = platform_client.get("/discover/random/blog/")["Location"]
        assert blog == f"http://{listed.subdomain}.localhost:8000/"
    assert platform_client.get("/discover/random/?lang=fr")["Location"] == "/discover/"
    nav = platform_client.get("/discover/").content.decode()
    assert 'href="/discover/random/"' in nav and 'href="/discover/random/blog/"' in nav


def test_random_picks_reach_every_listed_post(platform_client, make_blog, publish):
    blog = make_blog()
    posts = {post_url(publish(blog, f"Post {n}")) for n in range(3)}
    seen = {platform_client.get("/discover/random/")["Location"] for _ in range(60)}
    assert seen == posts


def test_anonymous_pages_are_shared_for_a_minute_and_signed_in_ones_never(
    platform_client, make_blog, make_blogger, publish, login
):
    publish(make_blog(), "Cached")
    for url in ("/discover/", "/discover/search/?q=cached", "/discover/feed/"):
        response = platform_client.get(url)
        assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
        assert not response.cookies
    reader = login(make_blogger().owner)
    for url in ("/discover/", "/discover/search/?q=cached"):
        response = reader.get(url)
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_the_landing_page_links_to_discovery(platform_client, db):
    assert 'href="/discover/"' in platform_client.get("/").content.decode()
