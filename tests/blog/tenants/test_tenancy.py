"""Creating and deleting a blog: everything that makes it a tenant, together."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, GroupPagePermission, Page, Site

from blog.models import BlogPage
from blog.tenants.lifecycle import create_blog, delete_blog, validate_subdomain


def test_create_blog_makes_page_site_group_and_collection(make_blogger):
    blog = make_blogger("alice", title="Alice writes")
    assert blog.depth == 2 and blog.live and blog.title == "Alice writes"
    site = Site.objects.get(root_page=blog)
    assert site.hostname == "alice.localhost" and not site.is_default_site
    assert blog.owner.groups.filter(pk=blog.group.pk).exists()
    codenames = set(
        GroupPagePermission.objects.filter(group=blog.group, page=blog).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= codenames
    assert blog.collection.get_parent() == Collection.get_first_root_node()
    assert blog.group.collection_permissions.filter(collection=blog.collection).exists()


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "Choose a subdomain"),
        ("www", "reserved"),
        ("Dashboard", "reserved"),
        ("-abc", "Use lowercase letters"),
        ("abc-", "Use lowercase letters"),
        ("a_b", "Use lowercase letters"),
        ("a.b", "Use lowercase letters"),
        ("ü", "Use lowercase letters"),
        ("a" * 64, "at most 63"),
    ],
)
def test_subdomain_validation_explains_the_problem(db, value, message):
    with pytest.raises(ValidationError, match=message):
        validate_subdomain(value)


def test_subdomains_are_lowercased_and_unique_case_insensitively(make_blogger):
    make_blogger("taken")
    assert validate_subdomain("  New-Blog1 ") == "new-blog1"
    with pytest.raises(ValidationError, match="taken"):
        validate_subdomain("TAKEN")


def test_a_failed_creation_leaves_nothing_behind(db, django_user_model):
    user = django_user_model.objects.create_user("x", "x@example.com", "pw-12345678")
    before = (Group.objects.count(), Collection.objects.count(), Page.objects.count())
    # Fail after the group, collection and page exist: the Site is made last but one.
    with (
        mock.patch.object(Site.objects, "create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        create_blog(user, "halfway")
    assert (Group.objects.count(), Collection.objects.count(), Page.objects.count()) == before
    assert not BlogPage.objects.exists()


def blog_with_post_and_image(make_blogger, make_post, subdomain):
    blog = make_blogger(subdomain)
    post = make_post(blog, title="Bye")
    image = get_image_model().objects.create(
        title="photo", file=get_test_image_file(), collection=blog.collection
    )
    return blog, post, image


def assert_tenant_gone(blog, post, image):
    assert not Page.objects.filter(id__in=[blog.id, post.id]).exists()
    assert not Site.objects.filter(hostname=f"{blog.subdomain}.localhost").exists()
    assert not Group.objects.filter(id=blog.group_id).exists()
    assert not Collection.objects.filter(id=blog.collection_id).exists()
    assert not get_image_model().objects.filter(id=image.id).exists()
    assert not image.file.storage.exists(image.file.name)


def test_delete_blog_removes_all_of_it(make_blogger, make_post, django_capture_on_commit_callbacks):
    blog, post, image = blog_with_post_and_image(make_blogger, make_post, "gone")
    with django_capture_on_commit_callbacks(execute=True):  # files go once it commits
        delete_blog(blog)
    assert_tenant_gone(blog, post, image)


def test_staff_deleting_a_blog_in_the_dashboard_removes_the_tenant(
    make_blogger, make_post, login, django_user_model, django_capture_on_commit_callbacks
):
    blog, post, image = blog_with_post_and_image(make_blogger, make_post, "reused")
    staff = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-1234567")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(staff).post(reverse("wagtailadmin_pages:delete", args=[blog.id]))
    assert response.status_code == 302
    assert_tenant_gone(blog, post, image)
    assert validate_subdomain("reused") == "reused"  # free for a new blogger
