"""Platform statistics (blog.analytics.platform_stats): sign-ups, posts published and reads per
UTC day, zero days included, totals, the period choice, its query count, and bloggers
kept out."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Hit, PostPage

URL = reverse("bearcms_platform_stats:index")
TODAY = timezone.now().astimezone(datetime.UTC).date()


def at(days_ago, hour=12):
    """A moment ``days_ago`` UTC days before today."""
    day = TODAY - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


@pytest.fixture
def staff_client(db, login):
    staff = get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-1")
    get_user_model().objects.filter(pk=staff.pk).update(date_joined=at(400))
    return login(staff)


@pytest.fixture
def activity(make_blogger, make_post):
    """Two sign-ups 3 days ago, one today; a post that went public 3 days ago (another 40
    days ago); two reads 3 days ago, one at 23:30 yesterday (UTC), one today."""
    blogs = [make_blogger(subdomain=name) for name in ("ann", "bob", "cy")]
    for blog, days_ago in zip(blogs, (3, 3, 0), strict=True):
        get_user_model().objects.filter(pk=blog.owner_id).update(date_joined=at(days_ago))
    post = make_post(blogs[0], title="Fresh", slug="fresh")
    old = make_post(blogs[1], title="Old", slug="old")
    PostPage.objects.filter(pk=post.pk).update(public_since=at(3))
    PostPage.objects.filter(pk=old.pk).update(public_since=at(40))
    for moment in (at(3), at(3, hour=13), at(1, hour=23) + datetime.timedelta(minutes=30), at(0)):
        Hit.objects.create(post=post, blog=blogs[0], created_at=moment, day=moment.date())
    return blogs


def rows_by_day(response):
    return {
        row["day"]: (row["signups"], row["posts"], row["reads"]) for row in response.context["rows"]
    }


def test_each_of_the_last_30_utc_days_has_its_figures_and_zero_days_show_0(staff_client, activity):
    response = staff_client.get(URL)
    assert response.status_code == 200
    by_day = rows_by_day(response)
    assert len(by_day) == 30 and min(by_day) == TODAY - datetime.timedelta(days=29)
    assert by_day[TODAY - datetime.timedelta(days=3)] == (2, 1, 2)
    assert by_day[TODAY - datetime.timedelta(days=1)] == (0, 0, 1)
    assert by_day[TODAY] == (1, 0, 1)
    assert by_day[TODAY - datetime.timedelta(days=2)] == (0, 0, 0)
    assert response.context["totals"] == {"signups": 3, "posts": 1, "reads": 4}


def test_a_post_counts_on_the_day_it_went_public_whatever_its_dates_say(
    staff_client, make_blogger, make_post
):
    """An imported post carries the file's dates: they cannot fill another day."""
    post = make_post(make_blogger(), title="Imported")
    PostPage.objects.filter(pk=post.pk).update(first_published_at=at(20), published_date=at(20))
    by_day = rows_by_day(staff_client.get(URL))
    assert by_day[TODAY][1] == 1
    assert by_day[TODAY - datetime.timedelta(days=20)][1] == 0


def test_the_period_is_7_30_or_90_days(staff_client, activity):
    assert len(rows_by_day(staff_client.get(URL, {"days": 7}))) == 7
    response = staff_client.get(URL, {"days": 90})
    assert len(rows_by_day(response)) == 90
    assert response.context["totals"]["posts"] == 2  # the post of 40 days ago counts now
    assert len(rows_by_day(staff_client.get(URL, {"days": 5000}))) == 30
    assert len(rows_by_day(staff_client.get(URL, {"days": "x"}))) == 30


def test_the_table_shows_each_day_with_bars_and_the_totals(staff_client, activity):
    html = staff_client.get(URL).content.decode()
    assert f"<td>{TODAY - datetime.timedelta(days=3):%Y-%m-%d}</td>" in html
    assert 'class="stats-bar" style="width: 100%"' in html
    assert "<th>Total</th><th>3</th><th>1</th><th>4</th>" in html
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]


def test_each_figure_is_one_query_whatever_the_period(staff_client, activity):
    def queries(days):
        with CaptureQueriesContext(connection) as captured:
            staff_client.get(URL, {"days": days})
        return [query["sql"] for query in captured]

    queries(30)  # the first admin request of a session loads a few things once
    week, quarter = queries(7), queries(90)
    assert len(week) == len(quarter)
    assert len([sql for sql in quarter if "GROUP BY" in sql]) == 3


def test_a_blogger_gets_403(make_blogger, login):
    client = login(make_blogger().owner)
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403
