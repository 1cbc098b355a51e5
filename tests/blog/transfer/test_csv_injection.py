"""CSV injection: no CSV or XLSX the product writes lets a spreadsheet run someone else's
text as a formula (``blog.wagtail_overrides.spreadsheets.neutralise_formula``), while the
export a blogger takes
of their own blog stays their words exactly and imports back unchanged."""

import csv
import io
import secrets
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from blog.core.spreadsheets import neutralise_formula
from blog.models import Hit, PostPage, Subscriber
from tests.support.transfer import import_file

CSV_URL = "/dashboard/export/posts.csv"
ZIP_URL = "/dashboard/export/blog.zip"
# Text a spreadsheet would run, and the full-width forms of = + - @.
PAYLOADS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
    "\uff0b1+1",
    "\uff0d1+1",
    "\uff20SUM(A1)",
]
# Addresses a reader can subscribe with (Django's EmailField takes them).
ADDRESSES = ["=HYPERLINK@evil.example", "+1+1@evil.example", "-2+3@evil.example"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def downloaded(response):
    """The bytes of a download, streamed or not."""
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def zip_file(response, name):
    return zipfile.ZipFile(io.BytesIO(downloaded(response))).read(name)


def xlsx_cells(response):
    """Every cell of the first sheet but the headings."""
    sheet = openpyxl.load_workbook(io.BytesIO(downloaded(response))).active
    return [cell for row in sheet.iter_rows(min_row=2) for cell in row]


def assert_no_formula(rows):
    assert not [cell for row in rows for cell in row if cell.startswith(TRIGGERS)]


# --- The one function -----------------------------------------------------------------------


@pytest.mark.parametrize("text", PAYLOADS)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["plain", "'=already quoted", "a=b", "", 7, -3, None, True])
def test_other_cells_are_left_as_they_are(value):
    assert neutralise_formula(value) == value


# --- Posts (blog.transfer.export) ---------------------------------------------------------------


@pytest.fixture
def hostile_post(make_blogger, make_post):
    def make(text):
        blog = make_blogger()
        make_post(blog, title=text, slug="p", body=text, meta_description=text, tags=[text])
        return blog

    return make


@pytest.mark.parametrize("text", PAYLOADS)
def test_staff_get_a_blogs_posts_with_formulas_neutralised(hostile_post, staff_client, text):
    blog = hostile_post(text)
    for data in [
        downloaded(staff_client.get(f"{CSV_URL}?blog={blog.pk}")),
        zip_file(staff_client.get(f"{ZIP_URL}?blog={blog.pk}"), "posts.csv"),
    ]:
        rows = csv_rows(data)
        row = dict(zip(rows[0], rows[1], strict=True))
        assert row["title"] == row["content"] == row["meta description"] == "'" + text
        assert_no_formula(rows)


def test_the_markdown_files_staff_get_are_the_posts_as_written(hostile_post, staff_client):
    blog = hostile_post(PAYLOADS[0])
    text = zip_file(staff_client.get(f"{ZIP_URL}?blog={blog.pk}"), "posts/p.md").decode()
    assert text.endswith("\n\n" + PAYLOADS[0])


# Not "\t=1+1" nor "\r=1+1": the importer trims the spaces around a title.
@pytest.mark.parametrize("text", [text for text in PAYLOADS if text == text.strip()])
def test_a_bloggers_own_export_is_their_words_and_imports_back_the_same(
    hostile_post, make_blogger, login, text
):
    blog = hostile_post(text)
    client = login(blog.owner)
    exported = downloaded(client.get(CSV_URL))
    heading, values = csv_rows(exported)
    row = dict(zip(heading, values, strict=True))
    assert row["title"] == row["content"] == row["meta description"] == text
    assert zip_file(client.get(ZIP_URL), "posts.csv") == exported

    empty = make_blogger()
    empty_client = login(empty.owner)
    import_file(empty_client, "posts.csv", exported)
    post = PostPage.objects.child_of(empty).get()
    assert (post.title, post.body, post.meta_description) == (text, text, text)
    assert [tag.name for tag in post.tags.all()] == [text]
    assert downloaded(empty_client.get(CSV_URL)) == exported


# --- Subscribers (blog.subscribers.viewsets, Wagtail's listing export) -------------------------


@pytest.fixture
def hostile_subscribers(make_blogger):
    blog = make_blogger()
    for address in ADDRESSES:
        Subscriber.objects.create(blog=blog, email=address, confirmed_at=timezone.now())
    return blog


def test_subscriber_csv_neutralises_formulas(hostile_subscribers, login, staff_client):
    url = reverse("subscribers:index") + "?export=csv"
    for client in [login(hostile_subscribers.owner), staff_client]:
        rows = csv_rows(downloaded(client.get(url)))
        assert sorted(row[0] for row in rows[1:]) == sorted("'" + a for a in ADDRESSES)
        assert_no_formula(rows)


def test_subscriber_xlsx_holds_the_addresses_as_text(hostile_subscribers, login):
    response = login(hostile_subscribers.owner).get(reverse("subscribers:index") + "?export=xlsx")
    emails = [cell for cell in xlsx_cells(response) if cell.column == 1]
    assert sorted(cell.value for cell in emails) == sorted(ADDRESSES)
    assert {cell.data_type for cell in emails} == {"s"}


# --- The staff Blogs listing (blog.moderation.staff_blogs) -------------------------------------


@pytest.mark.parametrize("text", PAYLOADS)
def test_the_blogs_listing_neutralises_formulas(make_blogger, staff_client, text):
    make_blogger(title=text, email=ADDRESSES[0])
    url = reverse("bearcms_blogs:index")
    rows = csv_rows(downloaded(staff_client.get(url, {"export": "csv"})))
    assert (rows[1][2], rows[1][3]) == ("'" + text, "'" + ADDRESSES[0])
    assert_no_formula(rows)
    cells = xlsx_cells(staff_client.get(url, {"export": "xlsx"}))
    # XML reads a carriage return back as a line feed.
    assert (cells[2].value, cells[3].value) == (text.replace("\r", "\n"), ADDRESSES[0])
    assert (cells[2].data_type, cells[3].data_type) == ("s", "s")


# --- Wagtail's own reports (staff) -----------------------------------------------------------


def test_wagtails_site_history_report_neutralises_formulas(make_blogger, make_post, staff_client):
    blog = make_blogger()
    blog.owner.first_name, blog.owner.last_name = PAYLOADS[0], "x"
    blog.owner.save()
    make_post(blog, title=PAYLOADS[1], slug="p")
    url = reverse("wagtailadmin_reports:site_history")
    rows = csv_rows(downloaded(staff_client.get(url, {"export": "csv"})))
    assert ["'" + PAYLOADS[1], f"'{PAYLOADS[0]} x"] in [[row[1], row[4]] for row in rows]
    assert_no_formula(rows)
    cells = xlsx_cells(staff_client.get(url, {"export": "xlsx"}))
    assert PAYLOADS[1] in [cell.value for cell in cells]
    assert all(cell.data_type != "f" for cell in cells)


# --- Analytics (blog.analytics.views) --------------------------------------------------------


def test_the_analytics_csv_neutralises_formulas(make_blogger, make_post, login):
    blog = make_blogger()
    post = make_post(blog, title=PAYLOADS[6])
    now = timezone.now()
    Hit.objects.create(
        post=post,
        blog=blog,
        created_at=now,
        day=now.date(),
        visitor_hash=secrets.token_hex(32),
        referrer_host=PAYLOADS[9],
    )
    rows = csv_rows(downloaded(login(blog.owner).get("/dashboard/analytics/?days=7&format=csv")))
    assert ["'" + PAYLOADS[6], "1", "0"] in rows
    assert ["'" + PAYLOADS[9], "1"] in rows
    assert_no_formula(rows)
