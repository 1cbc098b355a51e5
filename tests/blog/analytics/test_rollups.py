"""Daily roll-ups (blog.analytics.rollups): figures from roll-ups equal figures from raw hits
for any period and drill-down; rolling up is idempotent and refuses days not over or whose
hits are gone; today's reads count before any roll-up; old hits go once rolled up."""

import collections
import datetime
import io
import random

import pytest
from django.core.management import CommandError, call_command

from blog.analytics import rollups
from blog.analytics.views import PERIODS, analytics_figures
from blog.models import DailyReads, Hit, RolledUpDay

TODAY = rollups.utc_today()
REFERRERS = ["", "", "news.example", "feeds.example", "=evil"]
COUNTRIES = ["", "DE", "FR", "US"]
DEVICES = ["desktop", "mobile", "tablet"]
BROWSERS = ["Firefox", "Chrome", "Safari", "Other"]


def at(days_ago, hour=12, minute=0):
    day = TODAY - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=datetime.UTC)


def hit(blog, when, post=None, page=Hit.POST, **fields):
    return Hit(
        blog=blog,
        post=post,
        page=page,
        created_at=when,
        day=when.date(),
        visitor_hash=None,
        **fields,
    )


def random_hits(rng, blogs_and_posts, count, max_days_ago):
    """``count`` hits at random times over ``max_days_ago`` days, on random pages of the
    given blogs, with random referrers, countries, devices and browsers."""
    hits = []
    for _ in range(count):
        blog, posts = rng.choice(blogs_and_posts)
        choice = rng.randrange(len(posts) + 2)
        if choice < len(posts):
            post, page = posts[choice], Hit.POST
        else:
            post, page = None, (Hit.HOME, Hit.POST_LIST)[choice - len(posts)]
        hits.append(
            hit(
                blog,
                at(rng.randrange(max_days_ago), rng.randrange(24), rng.randrange(60)),
                post,
                page,
                referrer_host=rng.choice(REFERRERS),
                country=rng.choice(COUNTRIES),
                device=rng.choice(DEVICES),
                browser=rng.choice(BROWSERS),
            )
        )
    return Hit.objects.bulk_create(hits)


def every_figure(blog, post):
    """The figures of every period, for the blog, one post of it, a referrer, and all
    blogs: what the dashboard would show."""
    return {
        (period, scope): analytics_figures(kw.pop("blog", blog), period, TODAY, **kw)
        for period in PERIODS
        for scope, kw in {
            "blog": {},
            "post": {"post": post},
            "referrer": {"referrer": "news.example"},
            "direct": {"referrer": ""},
            "platform": {"blog": None},
        }.items()
    }  # fmt: skip


def without_reading_now(figures):
    return {key: {**value, "reading_now": None} for key, value in figures.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_from_roll_ups_equal_figures_from_raw_hits(seed, make_blogger, make_post):
    rng = random.Random(seed)
    blog, other = make_blogger(), make_blogger()
    posts = [make_post(blog, title=f"Post {n}") for n in range(3)]
    other_posts = [make_post(other, title="Elsewhere")]
    hits = random_hits(rng, [(blog, posts), (other, other_posts)], 400, 500)
    hits += random_hits(rng, [(blog, posts)], 30, 1)  # today's
    before = every_figure(blog, posts[0])

    days, deleted = rollups.roll_up_finished_days(TODAY)

    assert days[-1] == TODAY - datetime.timedelta(days=1)
    assert deleted == sum(1 for h in hits if h.day < TODAY - datetime.timedelta(days=30))
    assert not Hit.objects.filter(day__lt=TODAY - datetime.timedelta(days=30)).exists()
    assert without_reading_now(every_figure(blog, posts[0])) == without_reading_now(before)
    # And both are right: the blog's reads per day, counted here.
    per_day = collections.Counter(h.day for h in hits if h.blog_id == blog.id)
    year = before["365", "blog"]
    assert year["reads_per_day"] == [(day, per_day[day]) for day, _reads in year["reads_per_day"]]
    assert before["all", "blog"]["total_reads"] == sum(per_day.values())
    referred = collections.Counter(
        h.post_id for h in hits if h.blog_id == blog.id and h.referrer_host == "news.example"
    )
    shown = {row["post_id"]: row["reads"] for row in before["all", "referrer"]["pages"]}
    assert {pk: n for pk, n in shown.items() if pk} == {pk: n for pk, n in referred.items() if pk}


def test_rolling_a_day_up_again_gives_the_same_rows(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog)
    Hit.objects.bulk_create(
        [
            hit(blog, at(1), post, country="DE"),
            hit(blog, at(1, 13), post),
            hit(blog, at(1, 14), page=Hit.HOME),
        ]
    )
    yesterday = TODAY - datetime.timedelta(days=1)
    rollups.roll_up(yesterday, TODAY)

    def rows():
        fields = ("blog", "day", "page", "post", "dimension", "value", "reads")
        return sorted(DailyReads.objects.values_list(*fields), key=repr)

    first = rows()
    rollups.roll_up(yesterday, TODAY)
    assert rows() == first
    assert (blog.id, yesterday, "", None, "", "", 3) in first  # the blog's day
    assert (blog.id, yesterday, "post", post.id, "", "", 2) in first  # the post's day
    assert (blog.id, yesterday, "post", post.id, "country", "DE", 1) in first
    assert (blog.id, yesterday, "home", None, "", "", 1) in first
    out = io.StringIO()
    call_command("rollup_analytics", stdout=out)
    assert out.getvalue().strip() == "Rolled up 0 days, deleted 0 old hits."
    assert rows() == first


def test_the_command_rolls_up_finished_days_once_and_keeps_today_raw(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog)
    Hit.objects.bulk_create([hit(blog, at(3), post), hit(blog, at(0), post)])
    out = io.StringIO()
    call_command("rollup_analytics", stdout=out)
    first = TODAY - datetime.timedelta(days=3)
    assert out.getvalue().strip() == (
        f"Rolled up 2 days ({first} to {TODAY - datetime.timedelta(days=1)}), deleted 0 old hits."
    )
    assert not RolledUpDay.objects.filter(day=TODAY).exists()
    assert not DailyReads.objects.filter(day=TODAY).exists()
    assert analytics_figures(blog, "7", TODAY)["total_reads"] == 2


def test_todays_reads_count_before_any_roll_up(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog)
    Hit.objects.bulk_create([hit(blog, at(0, 0, 1), post), hit(blog, at(1, 23, 59), post)])
    figures = analytics_figures(blog, "7", TODAY)
    assert figures["reads_per_day"][-2:] == [(TODAY - datetime.timedelta(days=1), 1), (TODAY, 1)]
    rollups.roll_up_finished_days(TODAY)
    Hit.objects.filter(day__lt=TODAY).delete()  # the sums stand on their own
    assert (
        analytics_figures(blog, "7", TODAY)["reads_per_day"][-2:] == figures["reads_per_day"][-2:]
    )


def test_rolling_up_refuses_a_day_not_over_and_a_day_whose_hits_are_gone(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog)
    Hit.objects.bulk_create([hit(blog, at(40), post)])
    rollups.roll_up_finished_days(TODAY)
    assert not Hit.objects.exists()
    with pytest.raises(CommandError, match="deleted"):
        call_command("rollup_analytics", "--day", str(TODAY - datetime.timedelta(days=40)))
    with pytest.raises(CommandError, match="not over"):
        call_command("rollup_analytics", "--day", str(TODAY))
    assert analytics_figures(blog, "90", TODAY)["total_reads"] == 1


def test_hits_of_days_not_rolled_up_are_never_deleted(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog)
    Hit.objects.bulk_create([hit(blog, at(50), post)])
    assert rollups.delete_old_hits(TODAY) == 0
    assert Hit.objects.count() == 1
