"""Post behaviour that readers and bloggers rely on, independent of any view."""

from blog.models import PostPage


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
    draft = make_post(blog, live=False, published_date=None)
    assert not draft.is_visible_now()
    assert draft not in blog.published_posts()


def test_markdown_is_rendered_once_when_saved_and_stored(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog, body="# Title\n\n*hi*")
    stored = PostPage.objects.values_list("body_html", flat=True).get(id=post.id)
    assert stored == '<h1 id="title">Title</h1>\n<p><em>hi</em></p>'
