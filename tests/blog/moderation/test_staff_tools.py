"""Staff tools (issue 18, item 10): one post out of discovery (blog.moderation.hidden_posts),
a blog moved to another account (blog.moderation.ownership), empty blogs deleted in bulk
after a dry run (blog.moderation.empty_blogs); each in the audit log, each staff-only."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from blog.core.discovery import MIN_DISCOVERY_LENGTH
from blog.models import BlogPage, FormerSubdomain, PostPage, Subscriber
from blog.moderation.flags import set_blog_flags
from home.models import ReleasedSubdomain
from tests.support.clients import host_client

LONG_BODY = "Words worth reading. " * (MIN_DISCOVERY_LENGTH // 10 + 1)


@pytest.fixture
def blog(make_blogger, make_post):
    blog = set_blog_flags(make_blogger("listed", title="Listed blog"), reviewed=True)
    make_post(blog, title="Fine post", slug="fine", body=LONG_BODY)
    make_post(blog, title="Off post", slug="off", body=LONG_BODY)
    return blog


def post(slug):
    return PostPage.objects.get(slug=slug)


def discovery_url(page):
    return reverse("bearcms_staff_tools:post_discovery", args=[page.pk])


def move_url(blog):
    return reverse("bearcms_staff_tools:move_blog", args=[blog.pk])


EMPTY_URL = "/dashboard/staff-tools/"


def age(blog, days):
    """Make ``blog`` as if made, and last changed, ``days`` ago."""
    then = timezone.now() - datetime.timedelta(days=days)
    BlogPage.objects.filter(pk=blog.pk).update(latest_revision_created_at=then)
    PageLogEntry.objects.filter(page_id=blog.pk).update(timestamp=then)


# --- One post out of discovery ----------------------------------------------------------


def test_staff_hide_one_post_from_discovery_and_the_rest_of_the_blog_stays(
    blog, staff_client, staff
):
    assert post("off").in_discovery and post("fine").in_discovery
    page = staff_client.get(discovery_url(post("off"))).content.decode()
    assert "may appear in discovery now" in page
    response = staff_client.post(discovery_url(post("off")), {"hidden": "true"})
    assert response.status_code == 302
    assert not post("off").in_discovery and post("off").hidden_by_staff
    assert post("fine").in_discovery
    assert host_client(blog).get("/off/").status_code == 200  # the blog still shows it
    entry = PageLogEntry.objects.get(page_id=post("off").pk, action="bearcms.post_discovery")
    assert entry.user == staff and entry.data == {"hidden": True}
    history = staff_client.get(reverse("wagtailadmin_pages:history", args=[post("off").pk]))
    assert "Hidden from discovery by staff" in history.content.decode()
    staff_client.post(discovery_url(post("off")), {"hidden": "false"})
    assert post("off").in_discovery and not post("off").hidden_by_staff


def test_a_hidden_post_stays_hidden_when_its_blogger_publishes_it_again(blog, staff_client):
    staff_client.post(discovery_url(post("off")), {"hidden": "true"})
    hidden = post("off")
    hidden.title = "Off post, edited"
    hidden.save_revision(user=blog.owner).publish(user=blog.owner)
    assert post("off").hidden_by_staff and not post("off").in_discovery
    set_blog_flags(BlogPage.objects.get(pk=blog.pk), hidden=True)
    set_blog_flags(BlogPage.objects.get(pk=blog.pk), hidden=False)  # refreshes every post
    assert not post("off").in_discovery and post("fine").in_discovery


def test_the_discovery_button_is_staffs_only(blog, staff_client, login):
    listing = staff_client.get(reverse("posts:index")).content.decode()
    assert discovery_url(post("off")) in listing
    own = login(blog.owner)
    assert discovery_url(post("off")) not in own.get(reverse("posts:index")).content.decode()
    assert own.post(discovery_url(post("off")), {"hidden": "false"}).status_code == 403


# --- Moving a blog ------------------------------------------------------------------------


@pytest.fixture
def newcomer(make_blogger):
    return make_blogger("newhome", email="new@example.com").owner


def test_staff_move_a_blog_to_another_account(blog, newcomer, staff_client, staff, login):
    old_owner = blog.owner
    response = staff_client.post(move_url(blog), {"email": "NEW@example.com"})
    assert response.status_code == 302
    blog.refresh_from_db()
    assert blog.owner == newcomer
    assert blog.group in newcomer.groups.all() and blog.group not in old_owner.groups.all()
    assert set(PostPage.objects.child_of(blog).values_list("owner", flat=True)) == {newcomer.pk}
    entry = PageLogEntry.objects.get(page_id=blog.pk, action="bearcms.move_blog")
    assert entry.user == staff
    assert entry.data == {"from": old_owner.email, "to": "new@example.com"}
    # The new owner works on it; the old one no longer sees it.
    new_desk = login(newcomer)
    new_desk.post("/dashboard/your-blogs/", {"switch": blog.pk})
    assert "Listed blog" in new_desk.get(reverse("wagtailadmin_home")).content.decode()
    old_desk = login(old_owner)
    assert old_desk.get(reverse("wagtailadmin_pages:edit", args=[post("off").pk])).status_code in (
        302,
        403,
        404,
    )
    assert "Listed blog" not in old_desk.get("/dashboard/your-blogs/").content.decode()


@pytest.mark.parametrize(
    "email, message",
    [
        ("nobody@example.com", "No active account has this address"),
        ("listed@example.com", "owns the blog already"),
        ("staff@example.com", "Staff accounts do not take"),
        ("not an address", "Enter a valid email address"),
    ],
)
def test_a_move_to_an_account_that_cannot_take_it_changes_nothing(
    blog, staff_client, staff, email, message
):
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True)
    response = staff_client.post(move_url(blog), {"email": email})
    assert response.status_code == 200 and message in response.content.decode()
    assert BlogPage.objects.get(pk=blog.pk).owner_id == blog.owner_id


def test_a_move_respects_the_blogs_per_account_limit(blog, newcomer, staff_client, settings):
    settings.MAX_BLOGS_PER_ACCOUNT = 1
    response = staff_client.post(move_url(blog), {"email": "new@example.com"})
    assert "the most it may have" in response.content.decode()
    assert BlogPage.objects.get(pk=blog.pk).owner_id != newcomer.pk


# --- Empty blogs ----------------------------------------------------------------------------


def test_the_dry_run_lists_only_old_empty_blogs_and_deletes_nothing(
    blog, make_blogger, make_post, staff_client, staff
):
    empty = make_blogger("ghost", title="Ghost town")
    recent = make_blogger("justjoined")
    drafted = make_blogger("drafter")
    make_post(drafted, slug="draft", live=False)
    homed = make_blogger("homepage")
    BlogPage.objects.filter(pk=homed.pk).update(home_content="Hello")
    staffs = make_blogger("staffs")
    staffs.owner.is_staff = True
    staffs.owner.save()
    for old in (empty, drafted, homed, blog, staffs):
        age(old, 200)
    age(recent, 10)
    page = staff_client.get(EMPTY_URL, {"days": 90}).content.decode()
    assert "1 empty blog, unchanged for 90 days" in page
    assert "Ghost town" in page
    for kept in ("justjoined", "drafter", "homepage", "listed", "staffs"):
        assert f"<br>{kept}</td>" not in page
    assert BlogPage.objects.count() == 6
    assert "2 empty blogs" in staff_client.get(EMPTY_URL, {"days": 5}).content.decode()


def test_delete_removes_the_blogs_ticked_if_still_empty_and_logs_each(
    make_blogger, make_post, staff_client, staff
):
    ghosts = [make_blogger(f"ghost{n}") for n in range(3)]
    for ghost in ghosts:
        age(ghost, 200)
    make_post(ghosts[2], slug="wrote-meanwhile")  # no longer empty when the form comes
    ids = [ghost.pk for ghost in ghosts]
    response = staff_client.post(f"{EMPTY_URL}?days=90", {"blog": [*map(str, ids), "x", "99999"]})
    assert response.status_code == 302
    assert list(BlogPage.objects.filter(pk__in=ids).values_list("pk", flat=True)) == [ids[2]]
    deleted = PageLogEntry.objects.filter(action="wagtail.delete", user=staff)
    assert sorted(deleted.values_list("page_id", flat=True)) == sorted(ids[:2])
    assert set(ReleasedSubdomain.objects.values_list("subdomain", flat=True)) == {
        "ghost0",
        "ghost1",
    }


@pytest.mark.parametrize("days", ["0", "-3", "many", "99999999999"])
def test_a_bad_number_of_days_falls_back_and_deletes_nothing_younger(
    make_blogger, staff_client, days
):
    young = make_blogger("young")
    age(young, 30)
    response = staff_client.post(f"{EMPTY_URL}?days={days}", {"blog": [str(young.pk)]})
    assert response.status_code == 302
    assert BlogPage.objects.filter(pk=young.pk).exists()


def test_bloggers_and_strangers_reach_no_staff_tool(blog, login, platform_client):
    own = login(blog.owner)
    for url in (EMPTY_URL, discovery_url(post("off")), move_url(blog)):
        assert own.get(url).status_code == 403
        assert own.post(url, {"email": "x@example.com", "hidden": "true"}).status_code == 403
        assert platform_client.get(url).status_code == 302
    assert not post("off").hidden_by_staff


def test_blogs_changed_without_a_revision_or_with_subscribers_are_not_empty(
    make_blogger, staff_client
):
    renamed, subscribed, moderated, ghost = (
        make_blogger(name) for name in ("renamed", "subscribed", "moderated", "ghost")
    )
    FormerSubdomain.objects.create(subdomain="oldname", blog=renamed, left_at=timezone.now())
    Subscriber.objects.create(blog=subscribed, email="reader@example.org")
    for blog in (renamed, subscribed, moderated, ghost):
        age(blog, 200)
    set_blog_flags(BlogPage.objects.get(pk=moderated.pk), flagged=True)  # logged today
    page = staff_client.get(EMPTY_URL, {"days": 90}).content.decode()
    assert "1 empty blog," in page and "<br>ghost</td>" in page


def test_a_huge_or_odd_id_in_the_delete_form_deletes_nothing(make_blogger, staff_client):
    ghost = make_blogger("ghost")
    age(ghost, 200)
    values = ["9" * 20, "١", "-1", ""]
    assert staff_client.post(f"{EMPTY_URL}?days=90", {"blog": values}).status_code == 302
    assert BlogPage.objects.filter(pk=ghost.pk).exists()
