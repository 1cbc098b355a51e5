"""Rules every user of the dashboard follows on blog pages (blog.models.permissions)."""

from django.urls import reverse
from wagtail.models import PageViewRestriction


def test_nobody_can_restrict_a_post_with_a_password(make_blogger, make_post, login):
    """Reader pages are cookie-free: a password or login restriction cannot work there."""
    blog = make_blogger()
    post = make_post(blog, slug="secret")
    url = reverse("wagtailadmin_pages:set_privacy", args=[post.id])
    response = login(blog.owner).post(url, {"restriction_type": "password", "password": "pw"})
    assert response.status_code in (302, 403)
    assert not PageViewRestriction.objects.exists()
    assert not post.permissions_for_user(blog.owner).can_set_view_restrictions()


def test_a_blogger_may_delete_and_unpublish_posts_but_not_the_blog(make_blogger, make_post):
    blog = make_blogger()
    post = make_post(blog)
    on_post, on_blog = post.permissions_for_user(blog.owner), blog.permissions_for_user(blog.owner)
    assert on_post.can_delete() and on_post.can_unpublish() and on_post.can_edit()
    assert on_blog.can_edit() and on_blog.can_publish()
    assert not (on_blog.can_delete() or on_blog.can_unpublish() or on_blog.can_move())
