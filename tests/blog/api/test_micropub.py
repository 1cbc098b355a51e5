"""Micropub, with the requests of the W3C Micropub Recommendation's own examples (its
sections 3.3 to 3.7 and the query and media sections), sent to a blog's ``/micropub``."""

import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import PageLogEntry

from blog.models import AccessToken, PostPage
from tests.support.clients import host_client


@pytest.fixture
def micropub(make_blogger, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    blog = make_blogger()
    _row, token = AccessToken.issue(blog, blog.owner, "app", AccessToken.WRITE)
    return blog, token, host_client(blog, HTTP_AUTHORIZATION=f"Bearer {token}")


def post_json(client, data):
    return client.post("/micropub", json.dumps(data), content_type="application/json")


def created_post(blog, response):
    assert response.status_code == 201, response.content
    slug = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return PostPage.objects.get(blog=blog, slug=slug)


def test_the_blogs_pages_advertise_the_endpoint(micropub):
    blog, _token, _client = micropub
    assert '<link rel="micropub" href="/micropub">' in host_client(blog).get("/").content.decode()


def test_form_encoded_create_from_the_spec(micropub):
    """3.3.1: h=entry&content=hello+world&category[]=foo&category[]=bar"""
    blog, _token, client = micropub
    response = client.post(
        "/micropub",
        "h=entry&content=hello+world&category[]=foo&category[]=bar",
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    post = created_post(blog, response)
    assert post.live and post.body == "hello world" and post.title == "hello world"
    assert post.tag_names == ["foo", "bar"]
    assert response["Location"] == post.full_url
    assert host_client(blog).get(response["Location"]).status_code == 200


def test_access_token_in_the_form_body_as_the_spec_allows(micropub):
    blog, token, _client = micropub
    response = host_client(blog).post(
        "/micropub", {"h": "entry", "content": "via form token", "access_token": token}
    )
    assert created_post(blog, response).body == "via form token"


def test_json_create_with_a_photo_from_the_spec(micropub):
    """3.3.2: content, category and photo as JSON."""
    blog, _token, client = micropub
    response = post_json(
        client,
        {
            "type": ["h-entry"],
            "properties": {
                "content": ["hello world"],
                "category": ["foo", "bar"],
                "photo": ["https://photos.example.com/592829482876343254.jpg"],
            },
        },
    )
    post = created_post(blog, response)
    assert post.tag_names == ["foo", "bar"]
    assert post.body == "hello world\n\n![](https://photos.example.com/592829482876343254.jpg)"


def test_html_content_and_a_photo_with_alt_text_from_the_spec(micropub):
    """3.3.2: content as {"html": ...}; photo as {"value", "alt"}."""
    blog, _token, client = micropub
    response = post_json(
        client,
        {
            "type": ["h-entry"],
            "properties": {
                "name": ["Globe"],
                "content": [{"html": "<p>Hello <b>World</b></p>"}],
                "photo": [
                    {
                        "value": "https://photos.example.com/globe.gif",
                        "alt": "Spinning globe animation",
                    }
                ],
            },
        },
    )
    post = created_post(blog, response)
    assert post.title == "Globe"
    page = host_client(blog).get(f"/{post.slug}/").content.decode()
    assert "<b>World</b>" in page and 'alt="Spinning globe animation"' in page


def test_a_draft_with_a_slug_and_a_date(micropub):
    blog, _token, client = micropub
    response = post_json(
        client,
        {
            "type": ["h-entry"],
            "properties": {
                "name": ["Coming soon"],
                "content": ["Not yet"],
                "mp-slug": ["soon"],
                "post-status": ["draft"],
                "published": ["2026-01-02T03:04:05+00:00"],
            },
        },
    )
    post = created_post(blog, response)
    assert post.slug == "soon" and not post.live
    latest = post.get_latest_revision_as_object()
    assert latest.published_date.isoformat() == "2026-01-02T03:04:05+00:00"
    assert host_client(blog).get("/soon/").status_code == 404


def test_mp_page_makes_a_page_not_a_post(micropub):
    blog, _token, client = micropub
    response = client.post(
        "/micropub", {"h": "entry", "name": "About", "content": "Me", "mp-page": "true"}
    )
    post = created_post(blog, response)
    assert post.is_page and post.title == "About"
    assert "About" not in host_client(blog).get("/feed/").content.decode()


@pytest.fixture
def hundred(micropub, make_post):
    """The spec's example post (https://example.com/post/100), here at /post-100/."""
    blog, _token, client = micropub
    post = make_post(
        blog, title="Post 100", body="hello world", tags=["indieweb", "foo"], slug="post-100"
    )
    return blog, client, post, post.full_url


def test_update_replace_add_and_delete_from_the_spec(hundred):
    """3.4.2 to 3.4.4: replace content, add a category, delete a value, delete a property."""
    blog, client, post, url = hundred
    for change, expected_body, expected_tags in [
        ({"replace": {"content": ["hello moon"]}}, "hello moon", ["indieweb", "foo"]),
        ({"add": {"category": ["micropub"]}}, "hello moon", ["indieweb", "foo", "micropub"]),
        ({"delete": {"category": ["indieweb"]}}, "hello moon", ["foo", "micropub"]),
        ({"delete": ["category"]}, "hello moon", []),
    ]:
        response = post_json(client, {"action": "update", "url": url, **change})
        assert response.status_code == 204, (change, response.content)
        post.refresh_from_db()
        assert (post.body, post.tag_names) == (expected_body, expected_tags), change
    assert "hello moon" in host_client(blog).get("/post-100/").content.decode()
    assert PageLogEntry.objects.filter(page_id=post.pk, action="wagtail.publish").count() >= 5


def test_delete_form_encoded_and_json_from_the_spec(hundred, make_post):
    """3.5: action=delete&url=... and its JSON form."""
    blog, client, post, url = hundred
    response = client.post("/micropub", {"action": "delete", "url": url})
    assert response.status_code == 204
    assert not PostPage.objects.filter(pk=post.pk).exists()
    other = make_post(blog, slug="another")
    assert post_json(client, {"action": "delete", "url": other.full_url}).status_code == 204
    assert not PostPage.objects.filter(pk=other.pk).exists()


def test_configuration_and_source_queries_from_the_spec(hundred):
    """3.7.1 and 3.7.2: q=config; q=source with and without properties[]."""
    blog, client, post, url = hundred
    config = client.get("/micropub", {"q": "config"}).json()
    assert config["media-endpoint"].endswith("/micropub/media")
    assert client.get("/micropub", {"q": "syndicate-to"}).json() == {"syndicate-to": []}
    source = client.get("/micropub", {"q": "source", "url": url}).json()
    assert source["type"] == ["h-entry"]
    assert source["properties"]["content"] == ["hello world"]
    assert source["properties"]["category"] == ["indieweb", "foo"]
    only = client.get("/micropub", {"q": "source", "properties[]": "content", "url": url}).json()
    assert only == {"properties": {"content": ["hello world"]}}


def png(name):
    data = io.BytesIO()
    PILImage.new("RGB", (40, 30), "orange").save(data, "PNG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/png")


def test_the_media_endpoint_keeps_an_image_in_the_blogs_collection(micropub):
    """3.6: multipart with ``file``; the address comes back in Location."""
    blog, _token, client = micropub
    response = client.post("/micropub/media", {"file": png("sunset.png")})
    assert response.status_code == 201, response.content
    image = get_image_model().objects.get()
    assert image.collection_id == blog.collection_id and image.uploaded_by_user == blog.owner
    assert response["Location"].startswith("http") and "sunset" in response["Location"]
    refused = client.post("/micropub/media", {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert refused.status_code == 400 and "x.exe" in refused.json()["error_description"]


def test_a_photo_uploaded_with_the_post_from_the_spec(micropub):
    """3.3.3 (multipart): the photo file is kept, and shown at the end of the post."""
    blog, _token, client = micropub
    response = client.post("/micropub", {"h": "entry", "content": "Look", "photo": png("view.png")})
    post = created_post(blog, response)
    image = get_image_model().objects.get()
    assert image.collection_id == blog.collection_id
    assert post.body.startswith("Look\n\n![](") and "view" in post.body


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"action": "update", "url": "https://elsewhere.example/nope/", "replace": {}}, "no post"),
        ({"action": "undelete", "url": "x"}, "Unknown action"),
        ({"type": ["h-entry"], "properties": {"content": [42]}}, "text"),
        (
            {"type": ["h-entry"], "properties": {"content": ["x"], "post-status": ["private"]}},
            "draft",
        ),
        ({"type": ["h-entry"], "properties": {"photo": ["javascript:alert(1)"]}}, "http"),
    ],
)
def test_bad_requests_get_micropubs_error_shape(micropub, data, words):
    blog, _token, client = micropub
    response = post_json(client, data)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert words in response.json()["error_description"]
    assert not PostPage.objects.filter(blog=blog).exists()


def test_another_blogs_token_and_post_are_out_of_reach(micropub, make_blogger, make_post):
    blog, token, client = micropub
    other = make_blogger()
    theirs = make_post(other, slug="theirs")
    at_other = host_client(other, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (
        post_json(at_other, {"type": ["h-entry"], "properties": {"content": ["x"]}}).status_code
        == 403
    )
    assert client.get("/micropub", {"q": "source", "url": theirs.full_url}).status_code == 400
    assert post_json(client, {"action": "delete", "url": theirs.full_url}).status_code == 400
    assert PostPage.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    "data",
    [
        {
            "type": ["h-entry"],
            "properties": {"published": ["2026-02-30T10:00:00"], "content": ["x"]},
        },
        {"type": ["h-entry"], "properties": {"mp-page": True, "content": ["x"]}},
        {"type": ["h-entry"], "properties": {"post-status": 5, "content": ["x"]}},
        {
            "type": ["h-entry"],
            "properties": {"photo": [{"value": "https://a.example/p.jpg", "alt": None}]},
        },
        {"type": ["h-entry"], "properties": ["content"]},
        {"action": "update", "url": "/x/", "replace": ["content"]},
        {"action": "update", "url": "/x/", "add": {"category": "foo"}},
        {"action": "update", "url": "/x/", "delete": [{"category": "x"}]},
        {"action": "delete", "url": ["/x/"]},
        {"action": "delete", "url": 5},
        {"type": ["h-entry"]},
        {"type": ["h-entry"], "properties": {}},
    ],
)
def test_malformed_requests_are_clear_errors_not_server_errors(micropub, make_post, data):
    blog, _token, client = micropub
    make_post(blog, slug="x", title="Kept", body="kept")
    client.raise_request_exception = False
    response = post_json(client, data)
    assert response.status_code == 400, (data, response.content)
    assert response.json()["error"] == "invalid_request"
    assert list(PostPage.objects.filter(blog=blog).values_list("title", "body")) == [
        ("Kept", "kept")
    ]


def test_a_body_that_is_neither_json_nor_a_form_is_refused(micropub):
    blog, _token, client = micropub
    response = client.post("/micropub", '{"type": ["h-entry"]}', content_type="text/plain")
    assert response.status_code == 415
    assert not PostPage.objects.filter(blog=blog).exists()


def test_a_unicode_slug_is_found_by_its_address_but_not_on_another_host(micropub, make_post):
    blog, _token, client = micropub
    post = make_post(blog, slug="été", title="Summer", body="warm")
    url = post.full_url
    assert "%C3%A9" in url
    response = post_json(client, {"action": "update", "url": url, "replace": {"content": ["hot"]}})
    assert response.status_code == 204
    elsewhere = url.replace(urlsplit(url).hostname, "other.example")
    response = post_json(
        client, {"action": "update", "url": elsewhere, "replace": {"content": ["no"]}}
    )
    assert response.status_code == 400
    post.refresh_from_db()
    assert post.body == "hot"


def test_deleting_a_property_empties_it_and_a_new_slug_answers_201(hundred):
    blog, client, post, url = hundred
    PostPage.objects.filter(pk=post.pk).update(meta_description="Old summary")
    response = post_json(client, {"action": "update", "url": url, "delete": ["summary"]})
    assert response.status_code == 204
    post.refresh_from_db()
    assert post.meta_description == ""
    response = post_json(
        client, {"action": "update", "url": url, "replace": {"mp-slug": ["moved"]}}
    )
    assert response.status_code == 201 and response["Location"].endswith("/moved/")
    response = post_json(
        client,
        {"action": "update", "url": response["Location"], "replace": {"post-status": ["draft"]}},
    )
    assert response.status_code == 204
    assert host_client(blog).get("/moved/").status_code == 404


def test_a_failed_create_keeps_no_uploaded_photo(
    micropub, settings, django_capture_on_commit_callbacks
):
    """Neither its row nor its files: a rolled-back row would leave the files in storage."""
    blog, _token, client = micropub
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/micropub", {"h": "entry", "content": "x", "mp-slug": "blog", "photo": png("a.png")}
        )
    assert response.status_code == 400
    assert not get_image_model().objects.exists()
    assert not PostPage.objects.filter(blog=blog).exists()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []


def test_a_method_micropub_does_not_take_is_a_json_405(micropub):
    _blog, _token, client = micropub
    response = client.put("/micropub", "{}", content_type="application/json")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD, POST"
    assert response.json()["error"] == "method_not_allowed"
    assert client.get("/micropub/media").status_code == 405
