"""The blog's date format in Settings: free-form in Bear Blog's letters, with a preview;
refused letters are errors that save nothing, and no stored format breaks a page."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.utils import dateformat, timezone

from blog.core.date_formats import SUGGESTED_DATE_FORMATS
from blog.models import BlogPage
from tests.support.clients import host_client
from tests.support.dashboard_forms import settings_form, settings_url

PUBLISHED = datetime.datetime(2024, 3, 10, 14, 5, tzinfo=datetime.UTC)


@pytest.fixture
def blog(make_blogger, make_post):
    blog = make_blogger("dated", title="Dated")
    make_post(blog, title="Spring", slug="spring", published_date=PUBLISHED)
    return blog


@pytest.fixture
def desk(blog, login):
    return login(blog.owner)


def post_date(blog):
    """The date under the post's title, and the one in /blog/'s list."""
    reader = host_client(blog)
    post = BeautifulSoup(reader.get("/spring/").content, "html.parser").find("time")
    listed = BeautifulSoup(reader.get("/blog/").content, "html.parser").find("time")
    return post.get_text(), listed.get_text()


def field_help(response):
    """The date format field's preview line and its suggestions, as the page shows them."""
    soup = BeautifulSoup(response.content, "html.parser")
    field = soup.find("input", attrs={"name": "date_format"})
    datalist = soup.find("datalist", id=field["list"])
    preview = field.find_next("p", class_="help")
    return (
        preview.get_text(" ", strip=True) if preview else None,
        [option["value"] for option in datalist.find_all("option")],
    )


def today_in(shape):
    return dateformat.format(timezone.localtime(), shape)


def test_settings_shows_today_in_the_blogs_format_and_suggests_the_usual_ones(desk):
    before = today_in("d M, Y")
    response = desk.get(settings_url())
    preview, suggestions = field_help(response)
    assert preview in {f"Today in this format: {day}" for day in (before, today_in("d M, Y"))}
    assert suggestions == list(SUGGESTED_DATE_FORMATS)
    html = response.content.decode()
    assert (
        "Letters you can use" in html and "<td><code>F</code></td><td>month, in full</td>" in html
    )


def test_a_free_form_format_is_saved_previewed_and_shown_to_readers(desk, blog):
    shape = r"l, j F Y \a\t H:i"
    response = desk.post(settings_url(), settings_form(blog, date_format=shape))
    assert response.status_code == 302
    assert BlogPage.objects.get(pk=blog.pk).date_format == shape
    assert post_date(blog) == ("Sunday, 10 March 2024 at 14:05",) * 2
    before = today_in(shape)
    preview, _ = field_help(desk.get(settings_url()))
    # The format shows the minute, which may turn while the page is made.
    assert preview in {f"Today in this format: {when}" for when in (before, today_in(shape))}


def test_each_format_offered_before_still_saves(desk, blog):
    for shape in SUGGESTED_DATE_FORMATS:
        response = desk.post(settings_url(), settings_form(blog, date_format=shape))
        assert response.status_code == 302, shape
        assert post_date(blog)[0] == dateformat.format(PUBLISHED, shape)


def test_a_refused_letter_is_a_clear_error_and_nothing_is_saved(desk, blog):
    response = desk.post(settings_url(), settings_form(blog, date_format="j M Y T"))
    assert response.status_code == 200
    errors = response.context["form"].errors["date_format"]
    assert errors == [
        "“T” stands for the time zone, which your dates cannot show. To show the letter T "
        "itself, write \\T."
    ]
    html = response.content.decode()
    assert "Nothing was saved" in html and 'value="j M Y T"' in html
    assert field_help(response)[0] is None  # no preview of a refused format
    assert BlogPage.objects.get(pk=blog.pk).date_format == "d M, Y"
    assert post_date(blog) == ("10 Mar, 2024",) * 2


def test_an_escaped_letter_is_text(desk, blog):
    response = desk.post(settings_url(), settings_form(blog, date_format=r"j M Y \T"))
    assert response.status_code == 302
    assert post_date(blog)[0] == "10 Mar 2024 T"


def test_a_format_over_forty_characters_is_refused(desk, blog):
    response = desk.post(settings_url(), settings_form(blog, date_format="Y " * 21))
    assert "at most 40 characters" in str(response.context["form"].errors["date_format"])
    assert BlogPage.objects.get(pk=blog.pk).date_format == "d M, Y"


def test_an_empty_format_shows_the_default(desk, blog):
    response = desk.post(settings_url(), settings_form(blog, date_format=""))
    assert response.status_code == 302
    assert BlogPage.objects.get(pk=blog.pk).date_format == ""
    assert post_date(blog) == ("10 Mar, 2024",) * 2


@pytest.mark.parametrize("stored", ["Y T e", "DATE_FORMAT", "r U u"])
def test_a_stored_format_that_breaks_the_rules_falls_back_on_every_reader_page(
    blog, make_post, stored
):
    make_post(blog, title="Dated itself", slug="dated", body="On {{ post_published_date }}.")
    BlogPage.objects.filter(pk=blog.pk).update(date_format=stored)  # as no form would let it
    reader = host_client(blog)
    default = r"\d\d [A-Z][a-z]{2}, \d{4}"  # d M, Y
    for path in ("/", "/blog/", "/spring/"):
        response = reader.get(path)
        assert response.status_code == 200, path
        assert re.search(f">{default}</time>", response.content.decode()), path
    assert post_date(blog)[0] == "10 Mar, 2024"
    html = reader.get("/dated/").content.decode()  # the directive's date, too
    assert re.search(f'On <time datetime="[^"]+">{default}</time>.', html)


@pytest.mark.parametrize("shape", ["__hash__", "__init__", "DATE_FORMAT"])
def test_a_format_that_names_a_setting_is_written_as_letters_not_looked_up(desk, blog, shape):
    """Django's ``date`` filter would print these as the setting or method they name
    (the time zone, a timestamp, a memory address); the blog writes its letters."""
    response = desk.post(settings_url(), settings_form(blog, date_format=shape))
    if response.status_code == 302:  # allowed: shown as its letters mean
        expected = dateformat.format(timezone.localtime(PUBLISHED), shape)
        assert post_date(blog) == (expected, expected)
        assert "UTC" not in expected and "0x" not in expected
    else:  # refused: "T" of DATE_FORMAT is the time zone
        assert BlogPage.objects.get(pk=blog.pk).date_format != shape
