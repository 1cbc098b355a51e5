"""A blogger deletes their blog or account: all of it goes, nothing of anyone else's,
and the subdomain rests in quarantine before anyone may sign up with it again."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, Page, PageLogEntry, Revision, Site

from blog.models import BlogPage, Delivery, Hit, PostPage, Subscriber, Upvote
from home.models import HiddenBlog, ReleasedSubdomain
from home.signup import BlogSignupForm
from tests.support.clients import PASSWORD

URL = "/dashboard/account/delete/"


def furnish(blog, make_post):
    """Give ``blog`` one of everything a blog can own; return the image."""
    post = make_post(blog, title=f"Post of {blog.subdomain}")
    PageLogEntry.objects.log_action(post, "wagtail.edit", user=blog.owner)
    image = get_image_model().objects.create(
        title="photo", file=get_test_image_file(), collection=blog.collection
    )
    image.get_rendition("max-100x100")
    now = timezone.now()
    Hit.objects.create(post=post, blog=blog, day=now.date(), visitor_hash=blog.subdomain)
    Upvote.objects.create(post=post, visitor_hash="reader")
    subscriber = Subscriber.objects.create(blog=blog, email="reader@example.com")
    Delivery.objects.create(post=post, subscriber=subscriber)
    HiddenBlog.objects.create(user=blog.owner, blog=blog)
    return image


def rows_of(blog):
    """How many rows of each kind belong to ``blog`` (looked up by ids fixed beforehand)."""
    page_ids = list(Page.objects.descendant_of(blog, inclusive=True).values_list("id", flat=True))
    images = get_image_model().objects.filter(collection_id=blog.collection_id)
    image_ids = list(images.values_list("id", flat=True))
    return {
        "pages": Page.objects.filter(id__in=page_ids),
        "posts": PostPage.objects.filter(id__in=page_ids),
        "revisions": Revision.page_revisions.filter(object_id__in=[str(i) for i in page_ids]),
        "log entries": PageLogEntry.objects.filter(page_id__in=page_ids),
        "sites": Site.objects.filter(root_page_id=blog.id),
        "groups": Group.objects.filter(id=blog.group_id),
        "collections": Collection.objects.filter(id=blog.collection_id),
        "images": get_image_model().objects.filter(id__in=image_ids),
        "renditions": images.model.get_rendition_model().objects.filter(image_id__in=image_ids),
        "hits": Hit.objects.filter(post_id__in=page_ids),
        "upvotes": Upvote.objects.filter(post_id__in=page_ids),
        "subscribers": Subscriber.objects.filter(blog_id=blog.id),
        "deliveries": Delivery.objects.filter(post_id__in=page_ids),
        "hidden": HiddenBlog.objects.filter(blog_id=blog.id),
    }


def counts(querysets):
    return {name: queryset.count() for name, queryset in querysets.items()}


@pytest.fixture
def two_blogs(make_blogger, make_post):
    doomed, other = make_blogger("doomed"), make_blogger("other")
    images = furnish(doomed, make_post), furnish(other, make_post)
    return doomed, other, images


def post_deletion(client, what="blog", subdomain="doomed", password=PASSWORD):
    return client.post(URL, {"what": what, "subdomain": subdomain, "password": password})


def test_deleting_the_blog_removes_every_row_and_file_of_it_and_nothing_else(
    two_blogs, login, django_capture_on_commit_callbacks
):
    doomed, other, (doomed_image, other_image) = two_blogs
    doomed_rows, other_rows = rows_of(doomed), rows_of(other)
    other_before = counts(other_rows)
    assert all(counts(doomed_rows).values())  # the blog had one of everything
    client = login(doomed.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_deletion(client)
    assert response.status_code == 302 and response["Location"] == "/"
    assert counts(doomed_rows) == dict.fromkeys(doomed_rows, 0)
    assert counts(other_rows) == other_before
    storage = doomed_image.file.storage
    assert not storage.exists(doomed_image.file.name)
    assert storage.exists(other_image.file.name)
    doomed.owner.refresh_from_db()  # the account stays


@pytest.mark.parametrize("field, value", [("password", "not-my-password"), ("subdomain", "other")])
def test_a_wrong_password_or_subdomain_deletes_nothing(two_blogs, login, field, value):
    doomed = two_blogs[0]
    before = counts(rows_of(doomed))
    response = post_deletion(login(doomed.owner), what="account", **{field: value})
    assert response.status_code == 200
    assert ("That is not your password" if field == "password" else "Type “doomed”") in (
        response.content.decode()
    )
    assert counts(rows_of(doomed)) == before
    assert type(doomed.owner).objects.filter(id=doomed.owner.id).exists()


def test_deleting_the_account_removes_the_user_and_logs_out(two_blogs, login):
    doomed, other, _images = two_blogs
    client = login(doomed.owner)
    response = post_deletion(client, what="account")
    assert response.status_code == 302
    assert not type(doomed.owner).objects.filter(id=doomed.owner.id).exists()
    assert not BlogPage.objects.filter(id=doomed.id).exists()
    assert BlogPage.objects.filter(id=other.id).exists()
    assert client.get(URL)["Location"].startswith(reverse("account_login"))


def test_a_blogger_can_only_delete_their_own_blog(two_blogs, login):
    doomed, other, _images = two_blogs
    # The form acts on the signed-in user's blog; naming another blog only fails the check.
    response = post_deletion(login(other.owner), subdomain="doomed")
    assert response.status_code == 200
    assert BlogPage.objects.filter(id__in=[doomed.id, other.id]).count() == 2


def test_anonymous_visitors_are_sent_to_log_in(two_blogs, platform_client):
    response = post_deletion(platform_client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert BlogPage.objects.filter(id=two_blogs[0].id).exists()


def test_staff_are_refused_and_told_why(make_blogger, login, django_user_model):
    blog = make_blogger("staffblog")
    blog.owner.is_staff = True
    blog.owner.save()
    response = post_deletion(login(blog.owner), subdomain="staffblog")
    assert response.status_code == 200
    assert "Staff accounts are not deleted here" in response.content.decode()
    assert BlogPage.objects.filter(id=blog.id).exists()


def test_the_account_page_links_to_deletion(make_blogger, login):
    blog = make_blogger()
    assert URL in login(blog.owner).get(reverse("wagtailadmin_account")).content.decode()


def signup_errors(subdomain):
    form = BlogSignupForm(
        data={
            "email": "new@example.com",
            "subdomain": subdomain,
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
    )
    form.is_valid()
    return form.errors.get("subdomain", [])


def test_a_deleted_blogs_subdomain_is_quarantined_then_free(two_blogs, login, settings):
    settings.SUBDOMAIN_QUARANTINE_DAYS = 30
    post_deletion(login(two_blogs[0].owner))
    released = ReleasedSubdomain.objects.get(subdomain="doomed")
    free_on = (released.released_at + datetime.timedelta(days=30)).date()
    [error] = signup_errors("doomed")
    assert "was used by a blog deleted recently" in error
    assert free_on.strftime("%Y") in error
    released.released_at -= datetime.timedelta(days=31)
    released.save()
    assert signup_errors("doomed") == []
    assert not ReleasedSubdomain.objects.filter(subdomain="doomed").exists()


def test_a_blog_deleted_by_staff_is_quarantined_too(make_blogger, login, django_user_model):
    blog = make_blogger("moderated")
    staff = django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    login(staff).post(reverse("wagtailadmin_pages:delete", args=[blog.id]))
    assert not BlogPage.objects.filter(id=blog.id).exists()
    assert "was used by a blog deleted recently" in signup_errors("moderated")[0]
