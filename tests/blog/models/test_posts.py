"""Post behaviour that readers and bloggers rely on, independent of any view."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from blog.models import PostPage
from tests.support.clients import host_client


def test_a_post_without_a_date_is_dated_when_first_published_and_keeps_it(make_blogger, make_post):
    blog = make_blogger()
    draft = make_post(blog, live=False, published_date=None)
    assert PostPage.objects.get(id=draft.id).published_date is None
    draft.get_latest_revision_as_object().save_revision(user=blog.owner).publish()
    first = PostPage.objects.get(id=draft.id).published_date
    assert first is not None

    post = PostPage.objects.get(id=draft.id).get_latest_revision_as_object()
    post.body = "Edited"
    post.save_revision(user=blog.owner).publish()
    assert PostPage.objects.get(id=draft.id).published_date == first


def test_a_draft_is_never_visible_to_readers(make_blogger, make_post):
    blog = make_blogger()
    make_post(blog, title="Unfinished thoughts", slug="draft", live=False)
    client = host_client(blog)
    assert client.get("/draft/").status_code == 404
    assert "Unfinished thoughts" not in client.get("/").content.decode()


def test_markdown_is_rendered_once_when_saved_and_stored(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog, body="# Title\n\n*hi*")
    stored = PostPage.objects.values_list("body_html", flat=True).get(id=post.id)
    assert stored == '<h1 id="title">Title</h1>\n<p><em>hi</em></p>'


def test_saving_other_fields_does_not_render_markdown_again(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog, body="*one*")
    post.body = "*two*"
    with mock.patch("blog.models.pages.render_markdown") as render:
        post.save(update_fields=["locked"])
    render.assert_not_called()
    post.save(update_fields=["body"])
    assert PostPage.objects.get(id=post.id).body_html == "<p><em>two</em></p>"


def test_a_post_cannot_take_a_path_the_blog_answers_itself(make_blogger, make_post):
    blog = make_blogger()
    with pytest.raises(ValidationError, match="a path the blog uses itself"):
        make_post(blog, slug="blog")


def test_a_posts_tag_names_follow_its_published_tags_not_its_drafts(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog, tags=["Python", "notes"])
    assert post.tag_names == ["Python", "notes"]
    draft = post.get_latest_revision_as_object()
    draft.tags.set(["cooking"])
    draft.save_revision(user=blog.owner)
    assert PostPage.objects.get(id=post.id).tag_names == ["Python", "notes"]  # readers' tags
    PostPage.objects.get(id=post.id).get_latest_revision().publish()
    assert PostPage.objects.get(id=post.id).tag_names == ["cooking"]
    assert "#cooking" in host_client(blog).get(f"/{post.slug}/").content.decode()


def test_a_post_found_by_its_slug_is_the_post_the_orm_loads(make_blogger, make_post):
    """``child_by_slug`` reads the row with SQL and converters of its own: every field
    comes back with the value and the type the ORM gives it, on SQLite and PostgreSQL."""
    blog, other = make_blogger(), make_blogger()
    make_post(other, slug="same-slug", title="Another blog's")
    post = make_post(
        blog, slug="same-slug", tags=["b", "a"], alias="/old/", canonical_url="https://x.org/",
        meta_description="About it", lang="fr", class_name="wide", make_discoverable=False,
    )  # fmt: skip
    PostPage.objects.filter(pk=post.pk).update(upvote_count=3)

    def fields(page):
        return {
            f.attname: (type(v := getattr(page, f.attname)), v)
            for f in PostPage._meta.concrete_fields
        }

    found = PostPage.child_by_slug(blog, "same-slug")
    assert fields(found) == fields(PostPage.objects.get(pk=post.pk))
    assert not found._state.adding and found.tag_names == ["b", "a"]
    assert PostPage.child_by_slug(blog, "missing") is None
