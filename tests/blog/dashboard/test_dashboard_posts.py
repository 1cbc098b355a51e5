"""A blogger writes posts and pages in the Wagtail admin at /dashboard/.

Everything goes through the admin's own URLs on the platform host, as the browser would
post it; what readers see is checked on the blog's host.
"""

import re
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Revision

from blog.models import BlogPage, PostPage
from tests.support.clients import host_client
from tests.support.dashboard_forms import (
    add_post,
    add_url,
    blog_form,
    edit_post,
    edit_url,
    form_errors,
    post_form,
)


@pytest.fixture
def blog(make_blogger):
    return make_blogger("writer", title="The Writer")


@pytest.fixture
def admin(blog, login):
    return login(blog.owner)


@pytest.fixture
def reader(blog):
    return host_client(blog)


# --- Landing in the dashboard, inside one's own blog


def test_the_dashboard_greets_the_blogger_with_their_blog(admin, blog, make_blogger):
    make_blogger("neighbour", title="Neighbour's Notes")
    html = admin.get("/dashboard/").content.decode()
    assert re.search(r'<h1 class="w-h1[^"]*">\s*The Writer\s*</h1>', html)
    assert "Neighbour" not in html


def test_the_pages_explorer_opens_inside_the_bloggers_own_blog(admin, blog, make_post):
    make_post(blog, title="Listed in the explorer")
    response = admin.get("/dashboard/pages/", follow=True)
    assert response.redirect_chain[-1][0] == f"/dashboard/pages/{blog.id}/"
    assert "Listed in the explorer" in response.content.decode()


# --- Draft, publish, edit, unpublish, delete


def test_the_add_form_offers_the_markdown_editor_for_the_body(admin, blog):
    html = admin.get(add_url(blog)).content.decode()
    assert re.search(r'<textarea name="body"[^>]*data-controller="easymde"', html)
    assert 'data-easymde-autodownload-value="false"' in html  # no Font Awesome from a CDN


def test_the_editor_fills_the_posts_link_from_its_title(admin, blog):
    html = admin.get(add_url(blog)).content.decode()
    title_input = re.search(r'<input[^>]*name="title"[^>]*>', html).group(0)
    assert 'data-w-sync-target-value="#id_slug"' in title_input


def test_bloggers_publish_directly_with_no_moderation_workflow(admin, blog):
    html = admin.get(add_url(blog)).content.decode()
    assert 'name="action-publish"' in html
    assert "action-submit" not in html and "Moderators approval" not in html


def test_a_saved_draft_is_not_visible_to_readers(admin, blog, reader):
    post = add_post(admin, blog, publish=False, title="Draft", slug="draft", body="Secret")
    assert not post.live and post.has_unpublished_changes
    assert reader.get("/draft/").status_code == 404
    assert "Draft" not in reader.get("/").content.decode()


def test_publishing_from_the_editor_shows_the_rendered_markdown_on_the_blog(admin, blog, reader):
    post = add_post(
        admin,
        blog,
        title="First light",
        slug="first-light",
        body="## Hello *world*\n\n```python\nprint('hi')\n```",
        tags="Notes, python",
    )
    assert post.live and post.owner == blog.owner
    response = reader.get("/first-light/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="hello-world">Hello <em>world</em></h2>' in html
    assert '<span class="nb">print</span>' in html
    assert sorted(post.tags.names()) == ["Notes", "python"]
    assert "First light" in reader.get("/").content.decode()


def test_publishing_a_draft_makes_it_visible(admin, blog, reader):
    post = add_post(admin, blog, publish=False, slug="later", body="Now you see me")
    response = edit_post(admin, post, slug="later", body="Now you see me")
    assert response.status_code == 302
    assert "Now you see me" in reader.get("/later/").content.decode()


def test_editing_and_republishing_shows_the_new_text(admin, blog, reader):
    post = add_post(admin, blog, slug="changing", body="Old words")
    response = edit_post(admin, post, slug="changing", body="New words")
    assert response.status_code == 302
    html = reader.get("/changing/").content.decode()
    assert "New words" in html and "Old words" not in html


def test_saving_a_draft_of_a_live_post_keeps_the_published_text(admin, blog, reader):
    post = add_post(admin, blog, slug="stable", body="Published words")
    response = edit_post(admin, post, publish=False, slug="stable", body="Draft words")
    assert response.status_code == 302
    html = reader.get("/stable/").content.decode()
    assert "Published words" in html and "Draft words" not in html
    post.refresh_from_db()
    assert post.get_latest_revision_as_object().body == "Draft words"


def test_unpublishing_a_post_makes_it_404(admin, blog, reader):
    post = add_post(admin, blog, slug="withdrawn")
    assert reader.get("/withdrawn/").status_code == 200
    response = admin.post(reverse("wagtailadmin_pages:unpublish", args=[post.id]))
    assert response.status_code == 302
    post.refresh_from_db()
    assert not post.live
    assert reader.get("/withdrawn/").status_code == 404


def test_deleting_a_post_removes_it(admin, blog, reader):
    post = add_post(admin, blog, slug="doomed")
    response = admin.post(reverse("wagtailadmin_pages:delete", args=[post.id]))
    assert response.status_code == 302
    assert not Page.objects.filter(id=post.id).exists()
    assert reader.get("/doomed/").status_code == 404


# --- Preview


def test_previews_show_the_tags_being_written(admin, blog):
    post = add_post(admin, blog, slug="tagged", tags="oldtag")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[post.id])
    assert admin.post(url, post_form(slug="tagged", tags="oldtag, newtag")).json()["is_valid"]
    assert "#newtag" in admin.get(url).content.decode()
    url = reverse("wagtailadmin_pages:preview_on_add", args=["blog", "postpage", blog.id])
    assert admin.post(url, post_form(slug="new", tags="fresh")).json()["is_valid"]
    assert "#fresh" in admin.get(url).content.decode()


def test_preview_renders_unsaved_markdown_and_saves_nothing(admin, blog, reader):
    post = add_post(admin, blog, slug="previewed", body="Saved text")
    revisions = Revision.page_revisions.filter(object_id=str(post.id)).count()
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[post.id])
    response = admin.post(url, post_form(slug="previewed", body="# Unsaved *heading*"))
    assert response.json()["is_valid"] is True
    html = admin.get(url).content.decode()
    assert '<h1 id="unsaved-heading">Unsaved <em>heading</em></h1>' in html
    assert Revision.page_revisions.filter(object_id=str(post.id)).count() == revisions
    assert "Saved text" in reader.get("/previewed/").content.decode()


def test_preview_of_a_new_post_renders_it_before_it_exists(admin, blog):
    url = reverse("wagtailadmin_pages:preview_on_add", args=["blog", "postpage", blog.id])
    response = admin.post(url, post_form(slug="not-yet", body="Preview **only**"))
    assert response.json()["is_valid"] is True
    html = admin.get(url).content.decode()
    assert "Preview <strong>only</strong>" in html
    assert not PostPage.objects.filter(slug="not-yet").exists()


# --- Scheduling and standalone pages


def test_a_future_published_date_keeps_a_published_post_hidden_until_then(admin, blog, reader):
    when = timezone.now() + timezone.timedelta(days=2)
    post = add_post(admin, blog, slug="soon", body="From the future", published_date=when)
    assert post.live
    assert reader.get("/soon/").status_code == 404
    assert "soon" not in reader.get("/").content.decode()
    with mock.patch("django.utils.timezone.now", return_value=when + timezone.timedelta(hours=1)):
        assert "From the future" in reader.get("/soon/").content.decode()


def test_a_page_is_reachable_but_not_listed(admin, blog, reader):
    add_post(admin, blog, title="About me", slug="about-me", body="Who I am", is_page="on")
    assert "Who I am" in reader.get("/about-me/").content.decode()
    for path in ("/", "/blog/"):
        assert "About me" not in reader.get(path).content.decode()


def test_post_attributes_from_the_editor_reach_the_post(admin, blog, reader):
    add_post(
        admin,
        blog,
        slug="attributed",
        meta_description="What it is about",
        canonical_url="https://elsewhere.example/attributed",
        lang="de",
        class_name="wide special",
    )
    html = reader.get("/attributed/").content.decode()
    assert '<meta name="description" content="What it is about">' in html
    assert '<link rel="canonical" href="https://elsewhere.example/attributed">' in html
    assert '<html lang="de">' in html
    assert '<body class="post wide special">' in html


# --- The blog's own settings and home: the BlogPage edit view


def test_editing_the_blog_page_changes_the_blog_home(admin, blog, reader):
    response = admin.post(
        edit_url(blog),
        blog_form(
            blog,
            title="Renamed Writer",
            home_content="Welcome, *reader*.",
            nav="[Home](/) [About](/about-me/)",
            meta_description="A blog about writing",
            lang="fr",
        ),
    )
    assert response.status_code == 302, form_errors(response)
    html = reader.get("/").content.decode()
    assert "<h1>Renamed Writer</h1>" in html
    assert "Welcome, <em>reader</em>." in html
    assert '<a href="/about-me/"' in html
    assert '<meta name="description" content="A blog about writing">' in html
    assert '<html lang="fr">' in html


def test_the_blog_date_format_setting_changes_post_dates(admin, blog, reader, make_post):
    make_post(blog, slug="dated", published_date=datetime(2026, 3, 7, tzinfo=UTC))
    response = admin.post(edit_url(blog), blog_form(blog, date_format="Y-m-d"))
    assert response.status_code == 302, form_errors(response)
    assert ">2026-03-07</time>" in reader.get("/dated/").content.decode()


def test_the_blog_edit_form_does_not_offer_the_subdomain_or_tenancy_fields(admin, blog):
    html = admin.get(edit_url(blog)).content.decode()
    for name in ("subdomain", "group", "collection", "slug"):
        assert f'name="{name}"' not in html


# --- Invalid input: a form error, and nothing already saved is lost


def test_a_body_over_the_length_limit_is_a_form_error_and_keeps_the_published_post(
    admin, blog, reader
):
    post = add_post(admin, blog, slug="kept", body="Safe and sound")
    response = edit_post(admin, post, slug="kept", body="x" * 600_000)
    assert response.status_code == 200
    assert "This is too long to publish" in str(response.context["form"].errors["body"])
    assert "Safe and sound" in reader.get("/kept/").content.decode()
    post.refresh_from_db()
    assert post.get_latest_revision_as_object().body == "Safe and sound"


def test_a_new_post_over_the_length_limit_is_not_created(admin, blog):
    response = admin.post(add_url(blog), post_form(slug="huge", body="x" * 600_000))
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert not PostPage.objects.filter(slug="huge").exists()


def test_a_bad_class_name_is_a_form_error_and_keeps_the_published_post(admin, blog, reader):
    post = add_post(admin, blog, slug="classy", body="Still here", class_name="ok")
    response = edit_post(admin, post, slug="classy", body="Changed", class_name='x" onload="')
    assert response.status_code == 200
    assert response.context["form"].errors["class_name"] == [
        "Use letters, digits, hyphens and underscores only."
    ]
    html = reader.get("/classy/").content.decode()
    assert "Still here" in html and "onload" not in html
    post.refresh_from_db()
    assert post.class_name == "ok"


def test_a_failed_blog_edit_keeps_the_blog_as_it_was(admin, blog, reader):
    response = admin.post(edit_url(blog), blog_form(blog, title="", home_content="y" * 600_000))
    assert response.status_code == 200
    assert {"title", "home_content"} <= set(response.context["form"].errors)
    blog = BlogPage.objects.get(id=blog.id)
    assert blog.title == "The Writer"
    assert "<h1>The Writer</h1>" in reader.get("/").content.decode()


def test_a_post_cannot_take_another_blogs_image(admin, blog, make_blogger, make_post):
    other = make_blogger("neighbour")
    theirs = get_image_model().objects.create(
        title="neighbour-photo", file=get_test_image_file(), collection=other.collection
    )
    mine = get_image_model().objects.create(
        title="my-photo", file=get_test_image_file(), collection=blog.collection
    )
    post = make_post(blog, slug="pictured")
    response = edit_post(admin, post, slug="pictured", meta_image=theirs.id)
    assert "meta_image" in form_errors(response)
    assert PostPage.objects.get(id=post.id).meta_image is None
    edit_post(admin, post, slug="pictured", meta_image=mine.id)
    assert PostPage.objects.get(id=post.id).meta_image == mine
