"""The Analytics page's ranges, drill-downs, home page and post list, reading now, the
on/off switch and the current blog of a blogger with two blogs."""

import datetime
import re

import pytest
from django.utils import timezone

from blog.analytics import hits as analytics
from blog.analytics.rollups import roll_up_finished_days, utc_today
from blog.models import Hit
from blog.tenants.lifecycle import create_blog
from tests.support.clients import host_client

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
URL = "/dashboard/analytics/"
TODAY = utc_today()


@pytest.fixture(autouse=True)
def _forget_salts():
    analytics._salts.clear()
    yield
    analytics._salts.clear()


@pytest.fixture
def blog(make_blogger):
    return make_blogger()


@pytest.fixture
def post(blog, make_post):
    return make_post(blog, title="Counted post", slug="counted", tags=["life"])


def hits(blog, count=1, days_ago=0, post=None, page=Hit.POST, minutes_ago=None, **fields):
    when = timezone.now() - datetime.timedelta(days=days_ago, minutes=minutes_ago or 0)
    if minutes_ago is None:
        when = datetime.datetime.combine(when.date(), datetime.time(12), tzinfo=datetime.UTC)
        when = min(when, timezone.now())
    Hit.objects.bulk_create(
        Hit(blog=blog, post=post, page=page, created_at=when, day=when.date(), **fields)
        for _ in range(count)
    )


def page(response):
    assert response.status_code == 200
    return response.content.decode()


def bars(body):
    return re.findall(r'<rect class="bar"[^>]*><title>([^<]+): (\d+) reads</title>', body)


def total(body):
    return int(re.search(r'<strong class="analytics-total">(\d+)</strong>', body)[1])


@pytest.mark.parametrize(
    ("days", "bar_count", "first_bar"),
    [
        ("7", 7, TODAY - datetime.timedelta(days=6)),
        ("30", 30, TODAY - datetime.timedelta(days=29)),
        ("90", 90, TODAY - datetime.timedelta(days=89)),
        ("180", None, "week"),
        ("365", None, "week"),
        ("all", None, "month"),
    ],
)
def test_every_range_counts_its_days_in_readable_bars(
    blog, post, login, days, bar_count, first_bar
):
    for days_ago, count in [(0, 3), (5, 2), (60, 4), (150, 5), (300, 6), (500, 7)]:
        hits(blog, count, days_ago=days_ago, post=post)
    roll_up_finished_days()
    body = page(login(blog.owner).get(f"{URL}?days={days}"))
    expected = {"7": 5, "30": 5, "90": 9, "180": 14, "365": 20, "all": 27}[days]
    assert total(body) == expected
    shown = bars(body)
    assert sum(int(reads) for _label, reads in shown) == expected
    if bar_count:
        assert len(shown) == bar_count
        assert shown[0][0] == first_bar.isoformat()
        assert shown[-1] == (TODAY.isoformat(), "3")
        assert "Reads per day" in body
    elif first_bar == "week":
        assert int(days) // 7 <= len(shown) <= int(days) // 7 + 2
        assert all(label.startswith("Week of ") for label, _reads in shown)
        assert "Reads per week" in body
    else:
        first = TODAY - datetime.timedelta(days=500)
        assert shown[0][0] == first.strftime("%B %Y")
        assert shown[-1][0] == TODAY.strftime("%B %Y")
        assert "Reads per month" in body


def test_the_home_page_and_post_list_carry_a_pixel_and_count(blog, post, login):
    reader = host_client(blog, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=FIREFOX)
    assert '<img src="/hit/home/"' in page(reader.get("/"))
    assert '<img src="/hit/blog/"' in page(reader.get("/blog/"))
    assert '<img src="/hit/blog/"' in page(reader.get("/blog/?q=life"))
    for path in ("/hit/home/", "/hit/home/", "/hit/blog/", f"/hit/{post.id}/"):
        assert reader.get(path).content == analytics.PIXEL
    assert sorted(Hit.objects.values_list("page", "post_id")) == [
        ("blog", None),
        ("home", None),
        ("post", post.id),
    ]
    text = re.sub(r"<[^>]+>", "", page(login(blog.owner).get(URL)))
    assert "Home page: 1 reads" in text
    assert "Post list (/blog/): 1 reads" in text
    assert "Counted post: 1 reads, 0 upvotes" in text


def test_a_post_drills_down_to_its_own_referrers(blog, post, make_post, login):
    other = make_post(blog, title="Other post")
    hits(blog, 3, post=post, referrer_host="news.example", country="DE", days_ago=2)
    hits(blog, 4, post=other, referrer_host="elsewhere.example")
    roll_up_finished_days()
    client = login(blog.owner)
    overview = page(client.get(URL))
    assert f'href="?days=30&amp;post={post.id}"' in overview
    body = page(client.get(f"{URL}?post={post.id}&days=365"))
    assert "Post: Counted post" in body
    assert total(body) == 3
    assert "news.example" in body and "<td>DE</td>" in body
    assert "elsewhere.example" not in body
    assert client.get(f"{URL}?post={post.id}&format=csv").content.decode().count("news.example")


def test_a_referrer_drills_down_to_the_pages_it_sent_readers_to(blog, post, make_post, login):
    quiet = make_post(blog, title="Not from there")
    hits(blog, 2, post=post, referrer_host="news.example", days_ago=3)
    hits(blog, 1, page=Hit.HOME, referrer_host="news.example")
    hits(blog, 5, post=quiet, referrer_host="other.example")
    roll_up_finished_days()
    client = login(blog.owner)
    assert 'href="?days=30&amp;referrer=news.example"' in page(client.get(URL))
    body = page(client.get(f"{URL}?referrer=news.example"))
    assert "Readers sent by news.example" in body
    assert total(body) == 3
    assert re.search(r"Counted post</a></td>\s*<td[^>]*>2</td>", body)
    assert re.search(r"Home page</td>\s*<td[^>]*>1</td>", body)
    assert "Not from there" not in body


def test_another_blogs_post_is_a_404_and_its_figures_never_show(
    blog, post, make_blogger, make_post, login
):
    theirs = make_blogger()
    their_post = make_post(theirs, title="Their secret post")
    hits(theirs, 6, post=their_post, referrer_host="their-referrer.example", days_ago=1)
    roll_up_finished_days()
    client = login(blog.owner)
    assert client.get(f"{URL}?post={their_post.id}").status_code == 404
    assert client.get(f"{URL}?post=x").status_code == 404
    for query in ("?referrer=their-referrer.example", f"?blog={theirs.id}&days=all"):
        body = page(client.get(URL + query))
        assert "Their secret post" not in body and total(body) == 0


def test_a_blogger_with_two_blogs_sees_the_current_ones_figures(blog, post, make_post, login):
    second = create_blog(blog.owner, "second-blog", title="Second blog")
    second_post = make_post(second, title="Post on the second blog")
    hits(blog, 2, post=post, days_ago=1)
    hits(second, 5, post=second_post, days_ago=1)
    roll_up_finished_days()
    client = login(blog.owner)
    first_view = page(client.get(URL))
    assert total(first_view) == 2 and "Post on the second blog" not in first_view
    assert client.post("/dashboard/your-blogs/", {"switch": second.pk}).status_code == 302
    second_view = page(client.get(URL + "?days=all"))
    assert total(second_view) == 5 and "Counted post" not in second_view
    assert client.get(f"{URL}?post={post.id}").status_code == 404
    assert page(client.get(f"{URL}?post={second_post.id}")).count("Post on the second blog")


def test_reading_now_counts_the_last_five_minutes(blog, post, login):
    hits(blog, 2, post=post, minutes_ago=2)
    hits(blog, 1, page=Hit.HOME, minutes_ago=4)
    hits(blog, 3, post=post, minutes_ago=10)
    body = page(login(blog.owner).get(URL))
    assert 'Reading now: <strong class="analytics-now">3</strong>' in body
    drilled = page(login(blog.owner).get(f"{URL}?post={post.id}"))
    assert '<strong class="analytics-now">2</strong>' in drilled


def test_with_counting_off_pages_have_no_pixel_and_nothing_is_counted(blog, post, login):
    blog.analytics_enabled = False
    blog.save_revision().publish()
    reader = host_client(blog, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=FIREFOX)
    for path in ("/", "/blog/", "/counted/"):
        assert "/hit/" not in page(reader.get(path)), path
    for path in ("/hit/home/", "/hit/blog/", f"/hit/{post.id}/"):
        assert reader.get(path).content == analytics.PIXEL  # a page cached before still asks
    assert Hit.objects.count() == 0
    client = login(blog.owner)
    body = page(client.get(URL))
    assert "Counting reads is off for this blog" in body
    assert 'href="/dashboard/settings/' in body
    assert 'name="analytics_enabled"' in page(client.get("/dashboard/settings/"))


def test_the_csv_of_all_time_has_every_day_and_the_home_page(blog, post, login):
    hits(blog, 2, post=post, days_ago=400)
    hits(blog, 1, page=Hit.HOME)
    roll_up_finished_days()
    response = login(blog.owner).get(f"{URL}?days=all&format=csv")
    assert response.status_code == 200
    assert "-all-" in response["Content-Disposition"]
    body = response.content.decode()
    assert body.count("\r\n") > 400  # a row per day
    assert "Home page,1," in body and "Counted post,2,0" in body
