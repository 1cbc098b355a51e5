"""Creating and deleting a blog: everything that makes it a tenant, together."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from wagtail.models import Collection, GroupPagePermission, Site

from blog.models import BlogPage
from blog.tenancy import create_blog, delete_blog, validate_subdomain


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


def test_a_failed_creation_leaves_nothing_behind(make_blogger, django_user_model):
    user = django_user_model.objects.create_user("x", "x@example.com", "pw-12345678")
    groups, collections = Group.objects.count(), Collection.objects.count()
    with pytest.raises(ValidationError):
        create_blog(user, "admin")
    assert Group.objects.count() == groups and Collection.objects.count() == collections
    assert not BlogPage.objects.exists()


def test_delete_blog_removes_all_of_it(make_blogger, make_post):
    blog = make_blogger("gone")
    make_post(blog, title="Bye")
    group_id, collection_id = blog.group_id, blog.collection_id
    delete_blog(blog)
    assert not BlogPage.objects.filter(subdomain="gone").exists()
    assert not Site.objects.filter(hostname="gone.localhost").exists()
    assert not Group.objects.filter(id=group_id).exists()
    assert not Collection.objects.filter(id=collection_id).exists()
