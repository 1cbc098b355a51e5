"""The JSON API for posts, with personal access tokens, on each blog's own host."""

import json

import pytest
from wagtail.models import PageLogEntry

from blog.core.markdown import MAX_MARKDOWN_LENGTH
from blog.models import AccessToken, PostPage
from blog.moderation.flags import set_blog_flags
from tests.support.clients import host_client


@pytest.fixture
def api(make_blogger):
    """A blog, a write token for it, and a client that sends the token to its host."""
    blog = make_blogger()
    _row, token = AccessToken.issue(blog, blog.owner, "script", AccessToken.WRITE)
    return blog, host_client(blog, HTTP_AUTHORIZATION=f"Bearer {token}")


def send(client, method, path, data=None):
    body = json.dumps(data) if data is not None else ""
    return getattr(client, method)(path, body, content_type="application/json")


def test_a_post_made_with_curl_is_published_and_in_the_blogs_history(api):
    blog, client = api
    response = send(
        client, "post", "/api/posts/",
        {"title": "From the shell", "body": "Hello *there*", "tags": ["cli", "notes"]},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["live"] is True and data["tags"] == ["cli", "notes"]
    assert response["Location"].endswith(f"/api/posts/{data['id']}/")
    page = host_client(blog).get("/from-the-shell/")
    assert page.status_code == 200 and "<em>there</em>" in page.content.decode()
    actions = set(PageLogEntry.objects.filter(page_id=data["id"]).values_list("action", flat=True))
    assert {"wagtail.create", "wagtail.publish"} <= actions
    assert PageLogEntry.objects.filter(page_id=data["id"], user=blog.owner).exists()


def test_a_draft_stays_hidden_until_published(api):
    blog, client = api
    data = send(
        client, "post", "/api/posts/", {"title": "Later", "body": "x", "draft": True}
    ).json()
    assert data["live"] is False and data["status"] == "Draft"
    assert host_client(blog).get("/later/").status_code == 404
    response = client.post(f"/api/posts/{data['id']}/publish/")
    assert response.status_code == 200 and response.json()["live"] is True
    assert host_client(blog).get("/later/").status_code == 200
    assert client.post(f"/api/posts/{data['id']}/unpublish/").json()["live"] is False
    assert host_client(blog).get("/later/").status_code == 404


def test_list_read_update_and_delete(api, make_post):
    blog, client = api
    post = make_post(blog, title="Old title", body="Old body")
    listing = client.get("/api/posts/").json()
    assert listing["count"] == 1 and listing["posts"][0]["title"] == "Old title"
    assert client.get(f"/api/posts/{post.pk}/").json()["body"] == "Old body"
    response = send(client, "patch", f"/api/posts/{post.pk}/", {"body": "New body"})
    assert response.status_code == 200 and response.json()["body"] == "New body"
    # A live post's change is live at once, as Micropub clients expect.
    assert "New body" in host_client(blog).get(f"/{post.slug}/").content.decode()
    assert send(
        client, "patch", f"/api/posts/{post.pk}/", {"title": "Draft title", "draft": True}
    ).json()["has_unpublished_changes"]
    assert "Old title" in host_client(blog).get(f"/{post.slug}/").content.decode()
    assert client.delete(f"/api/posts/{post.pk}/").status_code == 204
    assert not PostPage.objects.filter(pk=post.pk).exists()
    assert PageLogEntry.objects.filter(page_id=post.pk, action="wagtail.delete").exists()


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"body": "no title"}, "title", "needs title"),
        ({"title": "x", "tags": "one,two"}, "tags", "list"),
        ({"title": "x", "published_date": "yesterday"}, "published_date", "date and time"),
        ({"title": "x", "is_page": "yes"}, "is_page", "true or false"),
        ({"title": "x", "colour": "red"}, "colour", "Unknown"),
        ({"title": "x", "slug": "blog"}, "slug", "the blog uses itself"),
        ({"title": "x", "alias": "../../etc"}, "alias", "path like"),
        ({"title": "x", "body": "y" * (MAX_MARKDOWN_LENGTH + 1)}, "body", "at most"),
    ],
)
def test_bad_input_is_a_clear_json_error_naming_the_field(api, data, field, words):
    blog, client = api
    response = send(client, "post", "/api/posts/", data)
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["error"] == "invalid_request" and field in error["fields"]
    assert words in error["error_description"]
    assert not PostPage.objects.filter(blog=blog).exists()


def test_malformed_json_is_refused_clearly(api):
    _blog, client = api
    response = client.post("/api/posts/", "{not json", content_type="application/json")
    assert response.status_code == 400 and "not JSON" in response.json()["error_description"]
    response = send(client, "post", "/api/posts/", ["a list"])
    assert response.status_code == 400 and "JSON object" in response.json()["error_description"]


def test_a_token_works_on_its_own_blog_only(api, make_blogger, make_post):
    blog, client = api
    other = make_blogger()
    theirs = make_post(other, title="Not yours")
    _row, token = AccessToken.issue(blog, blog.owner, "mine", AccessToken.WRITE)
    at_other_host = host_client(other, HTTP_AUTHORIZATION=f"Bearer {token}")
    for method, path in [
        ("get", "/api/posts/"),
        ("post", "/api/posts/"),
        ("get", f"/api/posts/{theirs.pk}/"),
        ("delete", f"/api/posts/{theirs.pk}/"),
    ]:
        response = send(at_other_host, method, path, {"title": "x"} if method == "post" else None)
        assert response.status_code == 403, (method, path)
        assert "another blog" in response.json()["error_description"]
    # At its own host, the other blog's post id is simply not there.
    for method in ("get", "patch", "delete"):
        assert (
            send(
                client, method, f"/api/posts/{theirs.pk}/", {} if method == "patch" else None
            ).status_code
            == 404
        )
    assert client.post(f"/api/posts/{theirs.pk}/publish/").status_code == 404
    assert PostPage.objects.get(pk=theirs.pk).title == "Not yours"


def test_missing_wrong_and_read_only_tokens_are_refused(api):
    blog, _client = api
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer bear_nope"},
        {"HTTP_AUTHORIZATION": "Basic x"},
    ):
        response = host_client(blog, **headers).get("/api/posts/")
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    _row, token = AccessToken.issue(blog, blog.owner, "reader", AccessToken.READ)
    reader = host_client(blog, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert reader.get("/api/posts/").status_code == 200
    response = send(reader, "post", "/api/posts/", {"title": "x"})
    assert response.status_code == 401 and response.json()["error"] == "insufficient_scope"


def test_a_revoked_token_a_deactivated_owner_or_a_blocked_blog_stops_it(api):
    blog, client = api
    assert client.get("/api/posts/").status_code == 200
    blog.owner.is_active = False
    blog.owner.save()
    assert client.get("/api/posts/").status_code == 403
    blog.owner.is_active = True
    blog.owner.save()
    set_blog_flags(blog, blocked=True)
    response = send(client, "post", "/api/posts/", {"title": "spam"})
    assert response.status_code in (403, 404, 410)
    assert not PostPage.objects.filter(blog=blog).exists()
    set_blog_flags(blog, blocked=False)
    AccessToken.objects.filter(blog=blog).delete()
    assert client.get("/api/posts/").status_code == 401


def test_only_the_digest_is_stored_and_answers_are_never_cached(api):
    blog, client = api
    row, token = AccessToken.issue(blog, blog.owner, "x", AccessToken.READ)
    assert token not in str(AccessToken.objects.filter(pk=row.pk).values().get())
    response = client.get("/api/posts/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert AccessToken.objects.get(name="script").last_used_at is not None


def test_writes_are_rate_limited_per_network(api):
    _blog, client = api
    codes = [client.post("/api/posts/999999/publish/").status_code for _ in range(61)]
    assert codes[:60] == [404] * 60 and codes[60] == 429


def test_a_change_is_not_published_over_the_editors_pending_draft(api, make_post):
    """Publishing a tags change would publish the half-written draft saved in the editor."""
    blog, client = api
    post = make_post(blog, title="Live title", body="Live body")
    post.body = "Half-written"
    post.save_revision(user=blog.owner)  # the editor's Save draft
    response = send(client, "patch", f"/api/posts/{post.pk}/", {"tags": ["x"]})
    assert (
        response.status_code == 409
        and "unpublished changes" in response.json()["error_description"]
    )
    assert "Half-written" not in host_client(blog).get(f"/{post.slug}/").content.decode()
    kept = send(client, "patch", f"/api/posts/{post.pk}/", {"tags": ["x"], "draft": True})
    assert kept.status_code == 200 and kept.json()["body"] == "Half-written"
    assert "Live body" in host_client(blog).get(f"/{post.slug}/").content.decode()


@pytest.mark.parametrize(
    "date",
    ["2026-13-45T00:00:00", "2026-02-30T10:00:00", "2026-01-01T00:00:00+25:00",
     "9999-12-31T23:59:59-05:00", "yesterday", 20260101],
)  # fmt: skip
def test_impossible_dates_are_refused_not_a_server_error(api, date):
    _blog, client = api
    response = send(client, "post", "/api/posts/", {"title": "x", "published_date": date})
    assert response.status_code == 400 and "published_date" in response.json()["fields"]


def test_nul_characters_and_quoted_tags_are_refused_as_the_editor_refuses_them(api):
    blog, client = api
    for data in ({"title": "a\x00b"}, {"title": "x", "tags": ['say "hi"']}):
        assert send(client, "post", "/api/posts/", data).status_code == 400
    created = send(client, "post", "/api/posts/", {"title": "x", "tags": ["a, b", "c"]}).json()
    assert created["tags"] == ["a", "b", "c"]
    assert PostPage.objects.filter(blog=blog).count() == 1


def test_a_huge_post_id_is_not_found(api):
    _blog, client = api
    assert client.get("/api/posts/99999999999999999999999/").status_code == 404


def test_an_imported_post_without_a_revision_publishes(api):
    blog, client = api
    imported = PostPage(title="Imported", slug="imported", body="From Bear", live=False)
    blog.add_child(instance=imported)
    assert imported.get_latest_revision() is None
    response = client.post(f"/api/posts/{imported.pk}/publish/")
    assert response.status_code == 200 and response.json()["live"] is True


def test_the_list_shows_a_drafts_latest_title_and_history_has_one_create(api):
    _blog, client = api
    data = send(client, "post", "/api/posts/", {"title": "First", "draft": True}).json()
    send(client, "patch", f"/api/posts/{data['id']}/", {"title": "Second"})
    assert client.get("/api/posts/").json()["posts"][0]["title"] == "Second"
    actions = list(
        PageLogEntry.objects.filter(page_id=data["id"])
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions.count("wagtail.create") == 1


def test_addresses_without_the_last_slash_keep_the_request_and_its_body(api):
    _blog, client = api
    response = send(client, "post", "/api/posts", {"title": "No slash", "body": "x"})
    assert response.status_code == 201, response.content
    post_id = response.json()["id"]
    response = send(client, "patch", f"/api/posts/{post_id}", {"title": "Still no slash"})
    assert response.status_code == 200 and response.json()["title"] == "Still no slash"
    assert client.post(f"/api/posts/{post_id}/unpublish").json()["live"] is False
    assert client.get("/api/posts").json()["count"] == 1


def test_a_page_that_is_no_number_is_bad_input_and_one_past_the_end_not_found(api):
    _blog, client = api
    response = client.get("/api/posts/?page=abc")
    assert response.status_code == 400 and "page" in response.json()["fields"]
    response = client.get("/api/posts/?page=2")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_a_method_an_address_does_not_take_is_a_json_405_naming_those_it_does(api):
    _blog, client = api
    response = client.put("/api/posts/", "{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert response.json()["error"] == "method_not_allowed"
    response = client.get("/api/posts/1/publish/")
    assert response.status_code == 405 and response["Allow"] == "POST"
