"""A blogger writes Bear's attribute header at the top of a post, in the dashboard's editor.

Everything goes through the admin's own add, edit and preview URLs, as the browser posts
them; the header's lines fill the post's fields and the stored body is the post alone.
"""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from blog.models import PostPage
from tests.support.clients import host_client
from tests.support.dashboard_forms import (
    add_post,
    add_url,
    edit_post,
    edit_url,
    form_errors,
    post_form,
)

HEADER = """title: From the header
link: from-the-header
alias: /2019/old-address/
canonical_url: https://example.com/original
published_date: 2024-01-31 14:05
is_page: true
meta_description: What the post is about
lang: de
tags: life, machine learning
make_discoverable: false
class_name: wide"""


@pytest.fixture
def blog(make_blogger):
    return make_blogger("bear", title="Bear's Den")


@pytest.fixture
def admin(blog, login):
    return login(blog.owner)


def publish_new(admin, blog, **fields):
    """Post the add form as the Publish button does; the response."""
    return admin.post(add_url(blog), {**post_form(**fields), "action-publish": "action-publish"})


def header_errors(response):
    assert response.status_code == 200, "the form was accepted"
    return form_errors(response)


# --- A header fills the fields


def test_a_published_posts_header_fills_every_field_and_leaves_the_body_clean(admin, blog):
    response = publish_new(
        admin,
        blog,
        title="",
        slug="",
        published_date="",
        make_discoverable="on",
        body=HEADER.replace("\n", "\r\n")
        + "\r\n\r\nThe post itself.\r\n\r\nIts *second* paragraph.",
    )
    assert response.status_code == 302, form_errors(response)
    post = PostPage.objects.child_of(blog).get()
    assert (post.title, post.slug, post.alias) == (
        "From the header",
        "from-the-header",
        "/2019/old-address/",
    )
    assert post.canonical_url == "https://example.com/original"
    assert post.published_date == datetime(2024, 1, 31, 14, 5, tzinfo=UTC)
    assert post.is_page is True and post.make_discoverable is False
    assert (post.meta_description, post.lang, post.class_name) == (
        "What the post is about",
        "de",
        "wide",
    )
    assert sorted(post.tags.names()) == ["life", "machine learning"]
    assert post.body == "The post itself.\r\n\r\nIts *second* paragraph."
    assert "title:" not in post.body_html
    revision = post.get_latest_revision_as_object()
    assert revision.body == post.body and sorted(revision.tags.names()) == sorted(post.tags.names())
    html = host_client(blog).get("/from-the-header/").content.decode()
    assert "<em>second</em>" in html and "link: from-the-header" not in html


def test_the_editor_then_shows_the_fields_filled_and_no_header(admin, blog):
    post = add_post(admin, blog, title="", slug="bear", body="title: Filled\n\nJust the post.")
    form = admin.get(edit_url(post)).context["form"]
    assert (form["title"].value(), form["body"].value()) == ("Filled", "Just the post.")


def test_the_headers_values_win_over_the_fields(admin, blog):
    post = add_post(admin, blog, title="Field title", slug="kept", tags="old", lang="fr")
    response = edit_post(
        admin,
        post,
        title="Field title",
        slug="kept",
        tags="old",
        lang="fr",
        is_page=None,
        body="title: Header title\ntags: new\nlang: en\nis_page: yes\n\nText",
    )
    assert response.status_code == 302, form_errors(response)
    post = PostPage.objects.get(id=post.id)
    assert (post.title, post.slug, post.lang, post.is_page) == ("Header title", "kept", "en", True)
    assert list(post.tags.names()) == ["new"]
    assert post.body == "Text"


def test_the_headers_value_replaces_a_fields_bad_one(admin, blog):
    response = publish_new(
        admin,
        blog,
        slug="not a link!",
        published_date="someday",
        body="title: T\nlink: good\npublished_date: 2024-01-31\n\nx",
    )
    assert response.status_code == 302, form_errors(response)
    post = PostPage.objects.child_of(blog).get()
    assert (post.slug, post.published_date) == ("good", datetime(2024, 1, 31, tzinfo=UTC))


def test_a_header_title_makes_the_link_when_the_link_field_is_empty(admin, blog):
    response = publish_new(admin, blog, title="", slug="", body="title: Hello, World!\n\nHi.")
    assert response.status_code == 302, form_errors(response)
    post = PostPage.objects.child_of(blog).get()
    assert (post.title, post.slug) == ("Hello, World!", "hello-world")


def test_a_saved_draft_reads_the_header_too(admin, blog):
    post = add_post(
        admin, blog, publish=False, slug="draft", body="---\ntitle: Drafted\n---\n\nNot yet."
    )
    draft = post.get_latest_revision_as_object()
    assert (draft.title, draft.body, post.live) == ("Drafted", "Not yet.", False)


def test_the_preview_shows_the_post_as_the_header_makes_it(admin, blog):
    url = reverse("wagtailadmin_pages:preview_on_add", args=["blog", "postpage", blog.id])
    data = post_form(title="", slug="", body="title: Previewed title\ntags: x\n\nPreview **body**")
    assert admin.post(url, data).json()["is_valid"] is True
    html = admin.get(url).content.decode()
    assert "Previewed title" in html
    assert "Preview <strong>body</strong>" in html
    assert "title: Previewed" not in html
    assert not PostPage.objects.exists()


# --- Prose is never a header


@pytest.mark.parametrize(
    "body",
    [
        "Note: this is not a header.\n\nJust prose.",
        "Update: fixed.\nlink: not an attribute here",
        "Link: https://example.com/an-article\n\nMy thoughts.",
        "---\n\nA post that opens with a rule.",
    ],
)
def test_a_body_without_a_header_is_stored_as_written(admin, blog, body):
    post = add_post(admin, blog, title="Prose", slug="prose", body=body)
    assert post.body == body
    assert post.title == "Prose"


def test_without_a_header_the_title_is_still_required(admin, blog):
    response = publish_new(admin, blog, title="", body="Title: prose, not a header")
    assert header_errors(response)["title"] == ["This field is required."]
    assert not PostPage.objects.exists()


# --- A header with a problem: an error on the body, nothing saved, nothing lost


def assert_refused(admin, blog, body, message, **fields):
    response = publish_new(admin, blog, **{"title": "", "slug": "", "body": body, **fields})
    assert header_errors(response)["body"] == [message]
    assert not PostPage.objects.child_of(blog).filter(title__contains="header").exists()
    # The form shows again what was posted: the header is still there to mend.
    form = response.context["form"]
    assert form["body"].value() == body
    assert form["title"].value() == fields.get("title", "")


def test_an_unknown_attribute_is_refused_naming_its_line(admin, blog):
    assert_refused(
        admin,
        blog,
        "title: A header\ndraft: true\n\nBody",
        "Line 2: there is no attribute “draft”. The attributes are title, link, alias, "
        "canonical_url, published_date, is_page, meta_description, meta_image, lang, tags, "
        "make_discoverable, class_name.",
    )


def test_a_bad_date_is_refused_naming_its_line(admin, blog):
    assert_refused(
        admin,
        blog,
        "title: A header\npublished_date: 31/01/2024\n\nBody",
        "Line 2, published_date: “31/01/2024” is not a date. "
        "Write it like 2024-01-31 or 2024-01-31 14:05.",
        title="Typed title",
    )


def test_an_image_address_becomes_the_posts_image_address(admin, blog):
    body = "title: A header\nmeta_image: https://example.com/cat.png\n\nBody"
    response = publish_new(admin, blog, title="", slug="", body=body)
    assert response.status_code == 302, form_errors(response)
    post = PostPage.objects.child_of(blog).get()
    assert post.meta_image_url == "https://example.com/cat.png" and post.body == "Body"
    html = host_client(blog).get(post.url).content.decode()
    assert '<meta property="og:image" content="https://example.com/cat.png">' in html


def test_an_image_address_that_is_no_address_is_the_fields_error(admin, blog):
    body = "title: A header\nmeta_image: javascript:alert(1)\n\nBody"
    errors = header_errors(publish_new(admin, blog, body=body))
    assert errors == {"body": ["Line 2, meta_image: Enter a valid URL."]}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("link: blog", "Line 2, link: “blog” is a path the blog uses itself. Choose another link."),
        (
            "link: not/a-link",
            "Line 2, link: Enter a valid “slug” consisting of Unicode letters, numbers, "
            "underscores, or hyphens.",
        ),
        (
            "alias: not a path!",
            "Line 2, alias: A path like /2019/old-post/ or 2019/old-post.html: letters, "
            "digits, -, _ and .",
        ),
        ("canonical_url: http://", "Line 2, canonical_url: Enter a valid URL."),
        (
            "class_name: wide;evil",
            "Line 2, class_name: Use letters, digits, hyphens and underscores only.",
        ),
        (
            "lang: " + "x" * 17,
            "Line 2, lang: Ensure this value has at most 16 characters (it has 17).",
        ),
        ('tags: a, "b" c', 'Line 2, tags: A tag cannot hold a double quote (").'),
    ],
)
def test_a_header_value_gets_its_fields_checks_on_its_line(admin, blog, line, message):
    assert_refused(admin, blog, f"title: A header\n{line}\n\nBody", message)


def test_a_header_link_another_post_has_is_refused(admin, blog):
    add_post(admin, blog, title="First", slug="taken")
    assert_refused(
        admin,
        blog,
        "title: A header\nlink: taken\n\nBody",
        "Line 2, link: The slug 'taken' is already in use within the parent page.",
    )


def test_a_link_made_from_a_header_title_another_post_has_is_refused_on_the_title(admin, blog):
    add_post(admin, blog, title="First", slug="a-header")
    assert_refused(
        admin,
        blog,
        "title: A header\n\nBody",
        "Line 1, title: The slug 'a-header' is already in use within the parent page.",
    )


def test_every_problem_of_a_header_is_reported_at_once_reading_before_field_checks(admin, blog):
    add_post(admin, blog, title="First", slug="taken")
    response = publish_new(
        admin,
        blog,
        body="title: A header\nlink: taken\nis_page: perhaps\nfoo: bar\n\nBody",
    )
    assert [error.split(":")[0] for error in header_errors(response)["body"]] == [
        "Line 3, is_page",
        "Line 4",
        "Line 2, link",
    ]
