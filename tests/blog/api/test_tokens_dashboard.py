"""Apps and tokens in the dashboard: a token is made for the blog being worked on, shown
once, listed with when it was last used, and revoked; never another blog's."""

import re

from wagtail.models import PageLogEntry

from blog.api.tokens import MAX_TOKENS
from blog.models import AccessToken
from blog.tenants.lifecycle import create_blog
from tests.support.clients import host_client

TOKEN = re.compile(r"bear_[A-Za-z0-9_-]{43}")


def make_token(client, name="iA Writer", scope="write"):
    response = client.post("/dashboard/tokens/", {"name": name, "scope": scope})
    assert response.status_code == 200, response.content
    return response


def test_a_token_is_shown_once_and_works_for_the_blog(make_blogger, login):
    blog = make_blogger()
    client = login(blog.owner)
    page = make_token(client).content.decode()
    [token] = set(TOKEN.findall(page))
    assert "shown only this once" in page
    assert token not in client.get("/dashboard/tokens/").content.decode()
    row = AccessToken.objects.get()
    assert (row.blog, row.user, row.scope, row.hint) == (blog, blog.owner, "write", token[-4:])
    api = host_client(blog, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/posts/").status_code == 200
    listing = client.get("/dashboard/tokens/").content.decode()
    assert "iA Writer" in listing and "Never" not in listing  # last used: just now


def test_revoking_a_token_stops_it_and_is_in_the_history(make_blogger, login):
    blog = make_blogger()
    client = login(blog.owner)
    [token] = set(TOKEN.findall(make_token(client).content.decode()))
    row = AccessToken.objects.get()
    response = client.post(f"/dashboard/tokens/{row.pk}/revoke/")
    assert response.status_code == 302
    api = host_client(blog, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/posts/").status_code == 401
    actions = set(PageLogEntry.objects.filter(page=blog).values_list("action", flat=True))
    assert {"bearcms.token_created", "bearcms.token_revoked"} <= actions


def test_another_blogs_token_cannot_be_seen_or_revoked(make_blogger, login):
    mine, theirs = make_blogger(), make_blogger()
    row, _token = AccessToken.issue(theirs, theirs.owner, "their secret app", AccessToken.WRITE)
    client = login(mine.owner)
    assert "their secret app" not in client.get("/dashboard/tokens/").content.decode()
    assert client.post(f"/dashboard/tokens/{row.pk}/revoke/").status_code == 404
    assert AccessToken.objects.filter(pk=row.pk).exists()


def test_a_token_is_for_the_blog_being_worked_on(make_blogger, login):
    first = make_blogger()
    second = create_blog(first.owner, "second-blog", title="Second")
    client = login(first.owner)
    client.post("/dashboard/your-blogs/", {"switch": second.pk})
    make_token(client, name="for the second")
    assert AccessToken.objects.get().blog_id == second.pk
    client.post("/dashboard/your-blogs/", {"switch": first.pk})
    assert "for the second" not in client.get("/dashboard/tokens/").content.decode()
    assert (
        client.post(f"/dashboard/tokens/{AccessToken.objects.get().pk}/revoke/").status_code == 404
    )


def test_a_blog_has_at_most_twenty_tokens(make_blogger, login):
    blog = make_blogger()
    for n in range(MAX_TOKENS):
        AccessToken.issue(blog, blog.owner, f"t{n}", AccessToken.READ)
    response = make_token(login(blog.owner), name="one too many")
    assert f"at most {MAX_TOKENS} tokens" in response.content.decode()
    assert AccessToken.objects.filter(blog=blog).count() == MAX_TOKENS


def test_a_name_is_required(make_blogger, login):
    response = make_token(login(make_blogger().owner), name="")
    assert "This field is required" in response.content.decode()
    assert not AccessToken.objects.exists()
