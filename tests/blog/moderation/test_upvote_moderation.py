"""Staff removal of fraudulent upvotes (blog.moderation.upvotes): a post's upvotes per hour,
removal by hour or span that recounts the post exactly, logs and shows readers the new
count; the "most upvoted recently" index; the staff-only button; and bloggers kept out."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry
from wagtail.users.models import UserProfile

from blog.core.discovery import MIN_DISCOVERY_LENGTH, hot_score
from blog.models import BlogPage, PostPage, Upvote
from blog.moderation.upvotes import UTC_INPUT_FORMAT
from blog.reader.upvotes import record_upvote
from tests.support.clients import host_client

LONG_BODY = "Words worth reading. " * (MIN_DISCOVERY_LENGTH // 10 + 1)
# Yesterday, on the hour (UTC): upvotes are placed at minutes past it.
HOUR = (timezone.now() - datetime.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def blog(make_blogger):
    blog = make_blogger(subdomain="voted")
    BlogPage.objects.filter(pk=blog.pk).update(reviewed=True, discoverable=True)
    blog.refresh_from_db()
    return blog


@pytest.fixture
def post(blog, make_post):
    return make_post(blog, title="Popular post", slug="popular", body=LONG_BODY)


def upvote_at(post, when, count):
    """``count`` upvotes of ``post`` counted as readers' are, then dated ``when``."""
    for _ in range(count):
        visitor = f"{Upvote.objects.count()}".rjust(64, "0")
        assert record_upvote(post, visitor)
        Upvote.objects.filter(post=post, visitor_hash=visitor).update(created_at=when)


def post_url(post):
    return reverse("bearcms_upvotes:post", args=[post.pk])


def remove(client, post, start, end):
    span = {"start": f"{start:{UTC_INPUT_FORMAT}}", "end": f"{end:{UTC_INPUT_FORMAT}}"}
    return client.post(reverse("bearcms_upvotes:remove", args=[post.pk]), span)


def fresh(post):
    return PostPage.objects.get(pk=post.pk)


@pytest.fixture
def burst(post):
    """Two upvotes at 00:05 past ``HOUR`` and a burst of three four hours later."""
    upvote_at(post, HOUR + datetime.timedelta(minutes=5), 2)
    upvote_at(post, HOUR + datetime.timedelta(hours=4, minutes=10), 3)
    return post


def test_the_post_page_lists_upvotes_per_utc_hour_newest_first(staff_client, burst):
    response = staff_client.get(post_url(burst))
    assert response.status_code == 200
    assert [(hour["start"], hour["count"]) for hour in response.context["hours"]] == [
        (HOUR + datetime.timedelta(hours=4), 3),
        (HOUR, 2),
    ]
    html = response.content.decode()
    assert "Remove 3" in html and "Remove 2" in html
    assert f'value="{HOUR + datetime.timedelta(hours=4):{UTC_INPUT_FORMAT}}"' in html


def test_removing_an_hour_recounts_count_and_score_exactly(staff_client, burst):
    assert fresh(burst).upvote_count == 5 and fresh(burst).in_discovery
    burst_hour = HOUR + datetime.timedelta(hours=4)
    response = remove(staff_client, burst, burst_hour, burst_hour + datetime.timedelta(hours=1))
    assert response.status_code == 302 and response["Location"] == post_url(burst)
    post = fresh(burst)
    assert post.upvote_count == 2 == Upvote.objects.filter(post=post).count()
    assert post.score == hot_score(2, post.discovery_date)
    assert post.in_discovery  # removal leaves discovery to its own rules
    messages = [str(m) for m in staff_client.get(post_url(post)).context["messages"]]
    assert any("Removed 3 upvote(s)" in message for message in messages)


def test_hours_stay_utc_for_staff_with_a_time_zone_of_their_own(staff_client, staff, burst):
    profile = UserProfile.get_for_user(staff)
    profile.current_time_zone = "America/New_York"
    profile.save()
    html = staff_client.get(post_url(burst)).content.decode()
    assert f'value="{HOUR:{UTC_INPUT_FORMAT}}"' in html
    remove(staff_client, burst, HOUR, HOUR + datetime.timedelta(hours=1))
    assert fresh(burst).upvote_count == 3


def test_removal_is_written_to_the_post_s_history(staff_client, staff, burst):
    remove(staff_client, burst, HOUR, HOUR + datetime.timedelta(hours=1))
    entry = PageLogEntry.objects.get(page_id=burst.pk, action="bearcms.remove_upvotes")
    assert entry.user == staff and entry.data["count"] == 2
    history = staff_client.get(reverse("wagtailadmin_pages:history", args=[burst.pk]))
    assert "Removed 2 upvote(s)" in history.content.decode()


def test_a_span_removes_every_upvote_in_it_and_none_outside(staff_client, burst):
    upvote_at(burst, HOUR - datetime.timedelta(hours=2), 1)  # before the span: kept
    remove(staff_client, burst, HOUR, HOUR + datetime.timedelta(hours=5))
    post = fresh(burst)
    assert post.upvote_count == 1 == Upvote.objects.filter(post=post).count()
    assert post.score == hot_score(1, post.discovery_date)


def test_a_span_ending_before_it_starts_removes_nothing(staff_client, burst):
    response = remove(staff_client, burst, HOUR + datetime.timedelta(hours=5), HOUR)
    assert response.status_code == 302
    assert fresh(burst).upvote_count == 5
    assert not PageLogEntry.objects.filter(action="bearcms.remove_upvotes").exists()
    messages = [str(m).strip() for m in staff_client.get(post_url(burst)).context["messages"]]
    assert "The end must come after the start." in messages


def test_readers_see_the_new_count_on_the_cached_post_page(staff_client, blog, burst, settings):
    settings.READER_PAGE_CACHE_SECONDS = 60
    reader = host_client(blog)
    assert 'upvote-count">5<' in reader.get("/popular/").content.decode()
    remove(staff_client, burst, HOUR, HOUR + datetime.timedelta(hours=1))
    assert 'upvote-count">3<' in reader.get("/popular/").content.decode()


def test_removal_is_a_post_only(staff_client, burst):
    response = staff_client.get(reverse("bearcms_upvotes:remove", args=[burst.pk]))
    assert response.status_code == 405
    assert fresh(burst).upvote_count == 5


def test_most_upvoted_recently_ranks_posts_by_their_last_7_days(
    staff_client, blog, make_post, burst
):
    steady = make_post(blog, title="Steady post", slug="steady")
    upvote_at(steady, timezone.now() - datetime.timedelta(days=2), 4)
    upvote_at(steady, timezone.now() - datetime.timedelta(days=8), 3)  # too old to count
    make_post(blog, title="Unvoted post", slug="unvoted")
    response = staff_client.get(reverse("bearcms_upvotes:index"))
    assert response.status_code == 200
    listed = [(post.title, post.recent_upvotes) for post in response.context["object_list"]]
    assert listed == [("Popular post", 5), ("Steady post", 4)]
    html = response.content.decode()
    assert post_url(burst) in html and post_url(steady) in html


def test_staff_find_a_post_s_upvotes_in_the_page_listing(staff_client, login, blog, post):
    explorer = reverse("wagtailadmin_explore", args=[blog.pk])
    assert post_url(post) in staff_client.get(explorer).content.decode()
    assert (
        post_url(post)
        in staff_client.get(reverse("wagtailadmin_pages:edit", args=[post.pk])).content.decode()
    )
    assert post_url(post) not in login(blog.owner).get(explorer).content.decode()


def test_a_blogger_gets_403_everywhere_even_for_their_own_post(login, blog, burst):
    client = login(blog.owner)
    urls = [
        reverse("bearcms_upvotes:index"),
        reverse("bearcms_upvotes:index_results"),
        post_url(burst),
        reverse("bearcms_upvotes:remove", args=[burst.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
        span = {"start": f"{HOUR:{UTC_INPUT_FORMAT}}", "end": f"{timezone.now():%Y-%m-%dT%H:%M}"}
        assert client.post(url, span).status_code == 403, url
    assert fresh(burst).upvote_count == 5
