"""The staff Blogs listing (blog.moderation.staff_blogs): what staff see, filter, search, order,
page through and export, what bloggers and strangers cannot reach, and a query count that does
not grow with the blogs listed."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import BlogPage, PostPage
from blog.moderation.flags import set_blog_flags

INDEX = "bearcms_blogs:index"
RESULTS = "bearcms_blogs:index_results"
CSV_HEADING = [
    "Subdomain",
    "Custom domain",
    "Title",
    "Owner email",
    "Created",
    "Last posted",
    "Posts",
    "Upvotes",
    "Dodginess",
    "Discoverable",
    "Reviewed",
    "Hidden",
    "Blocked",
    "Flagged",
]


def listed(client, **params):
    """The subdomains on the listing page, in order."""
    response = client.get(reverse(INDEX), params)
    assert response.status_code == 200
    return [blog.subdomain for blog in response.context["object_list"]]


def exported_csv(client, **params):
    response = client.get(reverse(INDEX), {**params, "export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def set_custom_domain(blog, domain):
    BlogPage.objects.filter(pk=blog.pk).update(custom_domain=domain)


@pytest.fixture
def blog_with_posts(make_blogger, make_post):
    """A blog with two listed posts (3 and 4 upvotes) and posts that do not count: a draft,
    a page and a scheduled post."""
    blog = make_blogger(subdomain="busy", title="Busy blog", email="busy@example.com")
    now = timezone.now()
    older = make_post(blog, title="Older", published_date=now - timedelta(days=3))
    newer = make_post(blog, title="Newer", published_date=now - timedelta(days=1))
    make_post(blog, title="Draft", live=False)
    make_post(blog, title="About", is_page=True)
    make_post(blog, title="Later", published_date=now + timedelta(days=2))
    PostPage.objects.filter(pk=older.pk).update(upvote_count=3)
    PostPage.objects.filter(pk=newer.pk).update(upvote_count=4)
    set_custom_domain(blog, "busy.example.org")
    newer.refresh_from_db()
    return blog, newer


def test_staff_see_each_blog_with_its_owner_figures_and_flags(
    staff_client, blog_with_posts, make_blogger
):
    blog, newer = blog_with_posts
    quiet = make_blogger(subdomain="quiet")
    set_blog_flags(quiet, hidden=True)
    response = staff_client.get(reverse(INDEX))
    rows = {row.subdomain: row for row in response.context["object_list"]}
    busy = rows["busy"]
    assert (busy.post_count, busy.upvotes, busy.last_posted) == (2, 7, newer.published_date)
    assert (rows["quiet"].post_count, rows["quiet"].upvotes, rows["quiet"].last_posted) == (
        0,
        0,
        None,
    )
    assert rows["quiet"].hidden and not rows["busy"].hidden
    html = response.content.decode()
    for text in ("busy.example.org", "busy@example.com", "Busy blog", "quiet@example.com"):
        assert text in html
    assert reverse("wagtailadmin_pages:edit", args=[blog.pk]) in html
    assert "export=csv" in html and "export=xlsx" in html


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"reviewed": "false"}, {"plain", "hidden", "blocked", "domain", "private", "old"}),
        ({"reviewed": "true"}, {"reviewed"}),
        ({"discoverable": "false"}, {"private"}),
        ({"hidden": "true"}, {"hidden"}),
        ({"blocked": "true"}, {"blocked"}),
        ({"has_custom_domain": "true"}, {"domain"}),
        ({"created_within": "30"}, {"plain", "reviewed", "hidden", "blocked", "domain", "private"}),
        (
            {"created_within": "365"},
            {"plain", "reviewed", "hidden", "blocked", "domain", "private", "old"},
        ),
    ],
)
def test_each_filter_narrows_the_listing(staff_client, make_blogger, params, expected):
    blogs = {name: make_blogger(subdomain=name) for name in ("plain", "reviewed", "hidden")}
    blogs.update({name: make_blogger(subdomain=name) for name in ("blocked", "domain", "private")})
    blogs["old"] = make_blogger(subdomain="old")
    set_blog_flags(blogs["reviewed"], reviewed=True)
    set_blog_flags(blogs["hidden"], hidden=True)
    set_blog_flags(blogs["blocked"], blocked=True)
    set_custom_domain(blogs["domain"], "domain.example.org")
    BlogPage.objects.filter(pk=blogs["private"].pk).update(discoverable=False)
    get_user_model().objects.filter(pk=blogs["old"].owner_id).update(
        date_joined=timezone.now() - timedelta(days=100)
    )
    assert set(listed(staff_client, **params)) == expected


@pytest.mark.parametrize(
    "query", ["findme", "FINDME.example", "Garden Notes", "someone@mail.example"]
)
def test_search_finds_a_blog_by_subdomain_domain_title_or_owner_email(
    staff_client, make_blogger, query
):
    target = make_blogger(subdomain="findme", title="Garden Notes", email="someone@mail.example")
    set_custom_domain(target, "findme.example.net")
    make_blogger(subdomain="other", title="Other", email="other@example.com")
    assert listed(staff_client, q=query) == ["findme"]
    assert [row[0] for row in exported_csv(staff_client, q=query)[1:]] == ["findme"]


def test_listing_orders_by_subdomain_title_and_creation(staff_client, make_blogger):
    make_blogger(subdomain="bravo", title="Zulu")
    make_blogger(subdomain="alpha", title="Yankee")
    make_blogger(subdomain="charlie", title="Xray")
    owner = BlogPage.objects.get(subdomain="charlie").owner
    owner.date_joined = timezone.now() - timedelta(days=9)
    owner.save()
    assert listed(staff_client) == ["charlie", "alpha", "bravo"]  # newest blog first
    assert listed(staff_client, ordering="subdomain") == ["alpha", "bravo", "charlie"]
    assert listed(staff_client, ordering="-subdomain") == ["charlie", "bravo", "alpha"]
    assert listed(staff_client, ordering="title") == ["charlie", "alpha", "bravo"]
    assert listed(staff_client, ordering="owner__date_joined")[0] == "charlie"
    # A figure is no ordering: it would aggregate every post of every blog first.
    assert listed(staff_client, ordering="post_count") == ["charlie", "alpha", "bravo"]


def test_listing_pages_fifty_blogs_at_a_time(staff_client, make_blogger):
    for n in range(55):
        make_blogger(subdomain=f"page{n:02d}")
    first = listed(staff_client, ordering="subdomain")
    second = listed(staff_client, ordering="subdomain", p="2")
    assert len(first) == 50 and len(second) == 5
    assert first + second == [f"page{n:02d}" for n in range(55)]


def test_results_fragment_serves_the_same_listing(staff_client, make_blogger):
    make_blogger(subdomain="fragment")
    response = staff_client.get(reverse(RESULTS), {"q": "fragment"})
    assert response.status_code == 200
    assert "fragment@example.com" in response.content.decode()


def test_csv_export_has_every_column_and_one_row_per_blog(staff_client, blog_with_posts):
    blog, newer = blog_with_posts
    set_blog_flags(blog, reviewed=True)
    rows = exported_csv(staff_client)
    assert rows[0] == CSV_HEADING
    assert len(rows) == 2
    row = dict(zip(CSV_HEADING, rows[1], strict=True))
    assert row["Subdomain"] == "busy"
    assert row["Custom domain"] == "busy.example.org"
    assert row["Owner email"] == "busy@example.com"
    assert row["Created"].startswith(str(blog.owner.date_joined.date()))
    assert row["Last posted"].startswith(str(newer.published_date.date()))
    assert (row["Posts"], row["Upvotes"]) == ("2", "7")
    assert (row["Reviewed"], row["Hidden"], row["Blocked"]) == ("True", "False", "False")


def test_csv_export_follows_the_filters(staff_client, make_blogger):
    make_blogger(subdomain="shown")
    set_blog_flags(make_blogger(subdomain="gone"), blocked=True)
    assert [row[0] for row in exported_csv(staff_client, blocked="true")[1:]] == ["gone"]


def test_csv_export_defuses_formulas_in_titles(staff_client, make_blogger):
    make_blogger(subdomain="sneaky", title="=HYPERLINK(1)")
    assert exported_csv(staff_client)[1][2] == "'=HYPERLINK(1)"


def test_xlsx_export_has_every_column_and_row(staff_client, blog_with_posts, make_blogger):
    make_blogger(subdomain="second")
    response = staff_client.get(reverse(INDEX), {"export": "xlsx", "ordering": "subdomain"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == CSV_HEADING
    assert [row[0] for row in rows[1:]] == ["busy", "second"]
    assert rows[1][6:8] == (2, 7)


def test_export_costs_one_figures_query_per_chunk_not_per_blog(staff_client, make_blogger):
    for n in range(3):
        make_blogger(subdomain=f"chunk{n}")
    with CaptureQueriesContext(connection) as queries:
        rows = exported_csv(staff_client)
    figures = [q for q in queries.captured_queries if "upvote_count" in q["sql"]]
    assert len(rows) == 4 and len(figures) == 1


def query_count(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(INDEX)).status_code == 200
    return len(queries)


def test_listing_queries_do_not_grow_with_the_blogs_listed(
    staff_client, make_blogger, make_post, django_assert_max_num_queries
):
    for n in range(5):
        make_post(make_blogger(subdomain=f"few{n}"))
    few = query_count(staff_client)
    for n in range(25):
        make_post(make_blogger(subdomain=f"many{n}"))
    with django_assert_max_num_queries(few):
        response = staff_client.get(reverse(INDEX))
    assert len(response.context["object_list"]) == 30


URL_PARAMS = [{}, {"q": "x"}, {"blocked": "true"}, {"export": "csv"}, {"export": "xlsx"}]


@pytest.mark.parametrize("url_name", [INDEX, RESULTS])
@pytest.mark.parametrize("params", URL_PARAMS)
def test_a_blogger_gets_403_at_every_url(make_blogger, login, url_name, params):
    blogger = make_blogger(subdomain="nosy").owner
    response = login(blogger).get(reverse(url_name), params)
    assert response.status_code == 403
    assert b"nosy@example.com" not in b"".join(
        getattr(response, "streaming_content", [response.content])
    )


def test_only_staff_have_the_menu_item(make_blogger, login, staff_client):
    blogger = make_blogger()
    url = reverse(INDEX).encode()
    assert url not in login(blogger.owner).get(reverse("wagtailadmin_home")).content
    assert url in staff_client.get(reverse("wagtailadmin_home")).content


def test_anonymous_visitors_are_sent_to_log_in(platform_client):
    response = platform_client.get(reverse(INDEX))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.fixture
def queue_states(make_blogger):
    """Blogs in the review queue's states: flagged, ignored once, ignored for good, scored."""
    blogs = {name: make_blogger(subdomain=name) for name in ("flagged", "once", "twice", "shady")}
    set_blog_flags(blogs["flagged"], flagged=True)
    set_blog_flags(blogs["once"], ignored_at=timezone.now(), ignore_count=1)
    set_blog_flags(blogs["twice"], ignored_at=timezone.now(), ignore_count=2)
    BlogPage.objects.filter(pk=blogs["shady"].pk).update(dodginess=17)
    return blogs


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"flagged": "true"}, {"flagged"}),
        ({"flagged": "false"}, {"once", "twice", "shady"}),
        ({"ignored_for_good": "true"}, {"twice"}),
        ({"ignored_for_good": "false"}, {"flagged", "once", "shady"}),
    ],
)
def test_flagged_and_ignored_for_good_filters(staff_client, queue_states, params, expected):
    assert set(listed(staff_client, **params)) == expected


def test_dodginess_and_flagged_are_shown_and_exported(staff_client, queue_states):
    response = staff_client.get(reverse(INDEX))
    rows = {row.subdomain: row for row in response.context["object_list"]}
    assert rows["shady"].dodginess == 17 and rows["flagged"].flagged
    assert "Dodginess" in response.content.decode()
    exported = {
        row[0]: dict(zip(CSV_HEADING, row, strict=True)) for row in exported_csv(staff_client)[1:]
    }
    assert exported["shady"]["Dodginess"] == "17"
    assert (exported["flagged"]["Flagged"], exported["shady"]["Flagged"]) == ("True", "False")


def test_dodginess_is_no_ordering_across_all_blogs(staff_client, queue_states):
    # Only the review queue's filter has an index with dodginess in it.
    BlogPage.objects.filter(pk=queue_states["flagged"].pk).update(dodginess=50)  # the oldest
    assert listed(staff_client, ordering="-dodginess") == ["shady", "twice", "once", "flagged"]
