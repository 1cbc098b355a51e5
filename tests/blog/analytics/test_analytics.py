"""Analytics: the pixel counts one read per reader, post and day, leaves bots, hidden posts
and floods out, never sets a cookie; the post page never writes; old hashes are scrubbed;
the dashboard shows a blogger their own figures only, and staff the platform's."""

import csv
import datetime
import io
import re
import secrets
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.analytics import hits as analytics
from blog.core.names import blog_hostname
from blog.models import AnalyticsSalt, Hit
from tests.support.clients import host_client

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
ANALYTICS_URL = "/dashboard/analytics/"


@pytest.fixture(autouse=True)
def _forget_salts():
    """Each test has its own database, so no salt may outlive it in process memory."""
    analytics._salts.clear()
    yield
    analytics._salts.clear()


@pytest.fixture
def blog(make_blogger):
    return make_blogger()


@pytest.fixture
def post(blog, make_post):
    return make_post(blog, title="Counted post", slug="counted")


def read(blog, post_id, ip="203.0.113.7", user_agent=FIREFOX, **headers):
    """A reader's browser loading the pixel of ``post_id`` on ``blog``'s host."""
    client = host_client(blog, REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent)
    return client.get(f"/hit/{post_id}/", **headers)


# --- Recording ----------------------------------------------------------------------------


def test_a_read_is_recorded_with_referrer_country_device_and_browser(blog, post):
    page = f"http://{blog_hostname(blog.subdomain)}/counted/?ref=News.YCombinator.com"
    read(blog, post.id, user_agent=ANDROID_CHROME, HTTP_REFERER=page, HTTP_CF_IPCOUNTRY="de")
    hit = Hit.objects.get()
    assert (hit.post_id, hit.blog_id, hit.day) == (post.id, blog.id, timezone.now().date())
    assert hit.referrer_host == "news.ycombinator.com"
    assert hit.country == "DE"
    assert (hit.device, hit.browser) == ("mobile", "Chrome")
    assert len(hit.visitor_hash) == 64
    assert "203.0.113.7" not in str(Hit.objects.values().get())


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        ("http://{host}/counted/?utm_source=newsletter", "newsletter"),
        ("http://{host}/counted/?ref=https%3A%2F%2Fwww.example.org%2Fa%3Fb%3Dc", "example.org"),
        ("http://{host}/counted/?ref=%3DCMD%7C%27%20%2FC%20calc%27%0A", "=cmd|' /c calc'"),
        ("https://www.Feedreader.example/items/1", "feedreader.example"),
        ("http://{host}/counted/", ""),
        ("http://{host}:8000/counted/", ""),
        ("", ""),
        ("http://[::1/broken", ""),
        ("https://{long}.example/", "{long}.example"[:253]),
    ],
)
def test_the_referrer_is_a_ref_parameter_or_a_foreign_host(blog, post, referer, expected):
    host = blog_hostname(blog.subdomain)
    long = "a" * 300
    read(blog, post.id, HTTP_REFERER=referer.format(host=host, long=long))
    assert Hit.objects.get().referrer_host == expected.format(long=long)[:253]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("ch", "CH"), (" us ", "US"), ("XX", ""), ("T1", ""), ("USA", ""), ("<b>", ""), ("", "")],
)
def test_the_country_comes_from_the_cdn_header_when_it_is_a_country(blog, post, header, expected):
    read(blog, post.id, HTTP_CF_IPCOUNTRY=header)
    assert Hit.objects.get().country == expected


def test_the_country_header_is_a_setting(blog, post, settings):
    settings.ANALYTICS_COUNTRY_HEADER = "HTTP_X_COUNTRY"
    read(blog, post.id, HTTP_CF_IPCOUNTRY="DE", HTTP_X_COUNTRY="FR")
    assert Hit.objects.get().country == "FR"


def test_the_same_reader_twice_in_a_day_is_one_read(blog, post):
    read(blog, post.id)
    read(blog, post.id)
    assert Hit.objects.count() == 1


def test_many_user_agents_on_one_address_are_one_read(blog, post, login):
    for n in range(10):
        read(blog, post.id, user_agent=f"{FIREFOX} {n}")
    read(blog, post.id, user_agent=ANDROID_CHROME)
    page = plain(login(blog.owner).get(ANALYTICS_URL))
    assert '<strong class="analytics-total">1</strong>' in page
    assert "Counted post: 1 reads, 0 upvotes" in page


@pytest.mark.parametrize(
    ("addresses", "reads"),
    [
        (["203.0.113.7", "198.51.100.1"], 2),
        (["2001:db8:1:2::1", "2001:db8:1:2:a5e7:99ff:fe01:42"], 1),
        (["2001:db8:1:2::1", "2001:db8:1:3::1"], 2),
    ],
    ids=["two IPv4 addresses", "one IPv6 /64", "two IPv6 /64s"],
)
def test_each_ipv4_address_or_ipv6_64_is_one_reader(blog, post, addresses, reads):
    for ip in addresses:
        read(blog, post.id, ip=ip)
    assert Hit.objects.count() == reads


def test_the_same_reader_on_two_posts_reads_twice(blog, post, make_post):
    other = make_post(blog, title="Another")
    read(blog, post.id)
    read(blog, other.id)
    assert Hit.objects.count() == 2


def test_the_same_reader_the_next_day_reads_again(blog, post):
    read(blog, post.id)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        read(blog, post.id)
    hits = list(Hit.objects.order_by("day"))
    assert [hit.day for hit in hits] == [
        tomorrow.date() - datetime.timedelta(days=1),
        tomorrow.date(),
    ]
    assert hits[0].visitor_hash != hits[1].visitor_hash  # a new salt every day
    assert AnalyticsSalt.objects.count() == 2


def test_the_days_salt_is_made_once_and_shared(blog, post, make_post):
    read(blog, post.id)
    analytics._salts.clear()  # as another web process would
    read(blog, make_post(blog).id)
    assert AnalyticsSalt.objects.filter(day=timezone.now().date()).count() == 1


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; "
        "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "python-requests/2.32.3",
    ],
)
def test_bots_get_the_pixel_and_are_not_counted(blog, post, user_agent):
    response = read(blog, post.id, user_agent=user_agent)
    assert response.content == analytics.PIXEL
    assert Hit.objects.count() == 0


def test_posts_readers_cannot_see_get_the_pixel_and_no_read(blog, make_blogger, make_post):
    hidden = [
        make_post(blog, live=False),
        make_post(blog, published_date=timezone.now() + datetime.timedelta(days=1)),
        make_post(make_blogger()),  # another blog's post, asked for on this blog's host
    ]
    for post_id in [post.id for post in hidden] + [999_999, 2**40]:
        response = read(blog, post_id)
        assert response.status_code == 200
        assert response.content == analytics.PIXEL
    assert Hit.objects.count() == 0


def test_the_pixel_is_an_uncached_gif_without_cookies(blog, post):
    response = read(blog, post.id)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a")
    assert response["Cache-Control"] == "no-store, private"
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert not response.has_header("ETag")


def test_a_read_costs_one_statement(blog, post):
    read(blog, post.id)  # today's salt and the host are known from now on
    with CaptureQueriesContext(connection) as queries:
        read(blog, post.id, ip="198.51.100.1")  # another reader
    statements = [q["sql"].split()[0].upper() for q in queries]
    assert [s for s in statements if s in {"SELECT", "INSERT", "UPDATE", "DELETE"}] == ["INSERT"]
    assert Hit.objects.count() == 2


def test_the_pixel_is_only_on_blog_hosts(platform_client, post):
    assert platform_client.get(f"/hit/{post.id}/").status_code == 404


@pytest.mark.usefixtures("steady_rate_window")
def test_a_flooding_address_gets_the_pixel_and_stops_counting(blog, make_post, monkeypatch):
    monkeypatch.setattr(analytics, "RATE_LIMIT", 2)
    for n in range(4):
        response = read(blog, make_post(blog, title=f"Post {n}").id)
        assert response.content == analytics.PIXEL
    assert Hit.objects.count() == 2


def test_the_post_page_loads_the_pixel_and_never_writes(blog, post):
    client = host_client(blog, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=FIREFOX)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/counted/")
    assert response.status_code == 200
    assert f'<img src="/hit/{post.id}/"' in response.content.decode()
    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert writes == []
    assert Hit.objects.count() == 0


# --- Scrubbing ----------------------------------------------------------------------------


def make_hits(post, count=1, days_ago=0, hours_ago=None, **fields):
    """``count`` reads of ``post`` at a time in the past, stored as the pixel would."""
    when = timezone.now() - datetime.timedelta(
        hours=hours_ago if hours_ago is not None else 24 * days_ago
    )
    return Hit.objects.bulk_create(
        Hit(
            post=post,
            blog_id=post.blog_id,
            created_at=when,
            day=when.date(),
            visitor_hash=secrets.token_hex(32),
            **fields,
        )
        for _ in range(count)
    )


def test_scrubbing_blanks_old_hashes_and_deletes_old_salts(blog, post):
    old = make_hits(post, hours_ago=25)[0]
    recent = make_hits(post, hours_ago=23)[0]
    today = timezone.now().date()
    for days_ago in (0, 1, 2, 10):
        AnalyticsSalt.objects.create(day=today - datetime.timedelta(days=days_ago), salt="s")
    out = io.StringIO()
    call_command("scrub_analytics", stdout=out)
    assert out.getvalue().strip() == "Blanked 1 visitor hashes, deleted 2 daily salts."
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.visitor_hash is None
    assert recent.visitor_hash is not None
    assert Hit.objects.count() == 2  # the reads themselves stay
    assert sorted(AnalyticsSalt.objects.values_list("day", flat=True)) == [
        today - datetime.timedelta(days=1),
        today,
    ]
    out = io.StringIO()
    call_command("scrub_analytics", stdout=out)
    assert out.getvalue().strip() == "Blanked 0 visitor hashes, deleted 0 daily salts."


# --- Dashboard ----------------------------------------------------------------------------


def bars(response):
    return re.findall(
        r'<rect class="bar"[^>]*><title>([\d-]+): (\d+) reads</title>', html(response)
    )


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def plain(response):
    """The page with its links and other tags taken out, but its table cells and totals."""
    return re.sub(r"<(?!/?td>|/?strong)[^>]*>", "", html(response))


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_anonymous_visitors_are_sent_to_log_in(platform_client):
    response = platform_client.get(ANALYTICS_URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("query", "days"),
    [("", 30), ("?days=7", 7), ("?days=90", 90), ("?days=9", 30), ("?days=x", 30)],
)
def test_the_chart_has_a_bar_for_every_day_of_the_period(blog, post, login, query, days):
    make_hits(post, 3)
    make_hits(post, 2, days_ago=3)
    shown = bars(login(blog.owner).get(ANALYTICS_URL + query))
    assert len(shown) == days
    today = timezone.now().date()
    assert shown[-1] == (today.isoformat(), "3")
    assert shown[-4] == ((today - datetime.timedelta(days=3)).isoformat(), "2")
    assert shown[0][0] == (today - datetime.timedelta(days=days - 1)).isoformat()


def test_the_dashboard_shows_totals_top_lists_and_posts(blog, post, make_post, login):
    quiet = make_post(blog, title="Nobody read me")
    make_hits(
        post, 4, referrer_host="news.example", country="DE", device="mobile", browser="Firefox"
    )
    make_hits(post, 1, days_ago=2, country="", device="desktop", browser="Safari")
    make_hits(post, 5, days_ago=40)  # outside the 30 days
    post.upvote_count = 7
    post.save(update_fields=["upvote_count"])
    page = plain(login(blog.owner).get(ANALYTICS_URL))
    assert '<strong class="analytics-total">5</strong>' in page
    assert "Counted post: 5 reads, 7 upvotes" in page
    for shown in [
        "<td>news.example</td><td>4</td>",
        "<td>Direct or unknown</td><td>1</td>",
        "<td>DE</td><td>4</td>",
        "<td>Unknown</td><td>1</td>",
        "<td>mobile</td><td>4</td>",
        "<td>Firefox</td><td>4</td>",
        "<td>Safari</td><td>1</td>",
    ]:
        assert shown in page
    assert quiet.title in page  # in the per-post table, with no reads
    year = html(login(blog.owner).get(ANALYTICS_URL + "?days=365"))
    assert '<strong class="analytics-total">10</strong>' in year


def test_the_csv_has_daily_reads_and_posts_and_no_formulas(blog, make_post, login):
    post = make_post(blog, title='=HYPERLINK("http://evil.example")')
    make_hits(post, 2, referrer_host="@evil", days_ago=1)
    rows = csv_rows(login(blog.owner).get(ANALYTICS_URL + "?days=7&format=csv"))
    assert rows[0:2] == [["Reads per day"], ["date", "reads"]]
    daily = rows[2:9]
    assert [reads for _day, reads in daily] == ["0"] * 5 + ["2", "0"]
    assert ['\'=HYPERLINK("http://evil.example")', "2", "0"] in rows
    assert ["'@evil", "2"] in rows
    assert ["Referrers"] in rows and ["referrer", "reads"] in rows
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_dashboard_costs_the_same_queries_for_one_post_or_many(blog, make_post, login):
    client = login(blog.owner)
    make_hits(make_post(blog), 1)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ANALYTICS_URL).status_code == 200
        return len(queries)

    count_queries()  # the first request of a session sets up admin state once
    few = count_queries()
    for n in range(5):
        make_hits(make_post(blog, title=f"Post {n}"), 3, referrer_host=f"site{n}.example")
    assert count_queries() == few


def test_the_blogger_menu_links_to_analytics(blog, login):
    page = html(login(blog.owner).get("/dashboard/"))
    assert ANALYTICS_URL in page


def test_a_user_without_a_blog_gets_a_friendly_page(db, login):
    user = get_user_model().objects.create_user("nobody", "nobody@example.com", "x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    page = html(login(user).get(ANALYTICS_URL))
    assert "You have no blog yet" in page


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "staff", "staff@example.com", "x", is_staff=True, is_superuser=True
    )


def test_staff_see_platform_totals_and_one_blog_on_request(
    blog, post, make_blogger, make_post, staff, login
):
    other = make_blogger(title="Other blog")
    make_hits(post, 2)
    make_hits(make_post(other, title="Other post"), 3)
    client = login(staff)
    page = html(client.get(ANALYTICS_URL))
    assert '<strong class="analytics-total">5</strong>' in page
    assert "Other post" in page and "Counted post" in page
    one = html(client.get(f"{ANALYTICS_URL}?blog={other.id}"))
    assert '<strong class="analytics-total">3</strong>' in one
    assert "Counted post" not in one
    rows = csv_rows(client.get(f"{ANALYTICS_URL}?format=csv"))
    assert ["Other post", "3", "0", "Other blog"] in rows
    assert client.get(f"{ANALYTICS_URL}?blog=999999").status_code == 404
    assert client.get(f"{ANALYTICS_URL}?blog=x").status_code == 404
    assert client.get(f"{ANALYTICS_URL}?blog=²").status_code == 404


def test_a_blogger_never_sees_another_blogs_figures(make_blogger, make_post, login):
    mine = make_blogger()
    theirs = make_blogger()
    title_marker, referrer_marker = "zq" + secrets.token_hex(6), "zq" + secrets.token_hex(6)
    make_hits(make_post(mine, title="My post"), 2)
    make_hits(make_post(theirs, title=title_marker), 7, referrer_host=referrer_marker, days_ago=1)
    client = login(mine.owner)
    queries = [
        "",
        "?days=7",
        "?days=365",
        f"?blog={theirs.id}",
        f"?blog={theirs.id}&days=365",
        f"?blog={theirs.id}&blog={theirs.id}",
        f"?blog_id={theirs.id}&site={theirs.id}",
    ]
    for query in queries:
        for suffix in ("", "&format=csv" if "?" in query else "?format=csv"):
            response = client.get(ANALYTICS_URL + query + suffix)
            assert response.status_code == 200, query + suffix
            body = response.content.decode()
            assert title_marker not in body and referrer_marker not in body, query + suffix
            assert theirs.title not in body
            if suffix:
                assert ["My post", "2", "0"] in csv_rows(response)
            else:
                assert '<strong class="analytics-total">2</strong>' in body


def test_a_posts_id_spelled_with_leading_zeros_is_the_same_read(blog, post):
    for spelling in (str(post.id), f"0{post.id}", f"00{post.id}"):
        assert read(blog, spelling).status_code == 200
    assert Hit.objects.count() == 1
