"""The staff review queue (blog.review_queue): what it lists and shows, what each one-click
action does to the blog, its discovery and the audit log, the approval mail, the delete
confirmation, and that bloggers and strangers can neither see nor act."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageLogEntry

from blog.discovery import MIN_DISCOVERY_LENGTH
from blog.models import BlogPage, PostPage
from blog.moderation import set_blog_flags

LONG_BODY = "Words worth reading. " * (MIN_DISCOVERY_LENGTH // 10 + 1)


def queue_url():
    return reverse("bearcms_review:index")


def action_url(blog, action):
    if action == "delete":
        return reverse("bearcms_review:delete", args=[blog.pk])
    return reverse("bearcms_review:moderate", args=[blog.pk, action])


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-staff-1")


@pytest.fixture
def staff_client(staff, login):
    return login(staff)


@pytest.fixture
def blog(make_blogger, make_post):
    """An unreviewed blog with home content and a post long enough for discovery."""
    blog = make_blogger(subdomain="fresh", title="Fresh blog", email="owner@example.com")
    BlogPage.objects.filter(pk=blog.pk).update(home_content="Welcome to my *garden*.")
    blog.refresh_from_db()
    make_post(blog, title="First harvest", body=LONG_BODY)
    return blog


def listed(client, **params):
    response = client.get(queue_url(), params)
    assert response.status_code == 200
    return [listed_blog.subdomain for listed_blog in response.context["page"]]


def post_in_discovery(blog):
    return PostPage.objects.get(blog=blog, title="First harvest").in_discovery


def moderation_entries(blog, staff):
    return PageLogEntry.objects.filter(page_id=blog.pk, user=staff)


def test_queue_lists_unreviewed_unblocked_blogs_oldest_first(staff_client, make_blogger):
    blogs = {name: make_blogger(subdomain=name) for name in ("older", "newer", "done", "gone")}
    set_blog_flags(blogs["done"], reviewed=True)
    set_blog_flags(blogs["gone"], blocked=True)
    assert listed(staff_client) == ["older", "newer"]
    response = staff_client.get(reverse("bearcms_review:blocked"))
    assert [b.subdomain for b in response.context["page"]] == ["gone"]


def test_queue_shows_title_home_content_and_latest_posts(staff_client, blog, make_post):
    for n in range(4):
        make_post(blog, title=f"Post number {n}", body=f"Body of post {n}")
    html = staff_client.get(queue_url()).content.decode()
    for text in ("Fresh blog", "Welcome to my *garden*.", "owner@example.com"):
        assert text in html
    # The three newest posts, not the older ones.
    for n in (1, 2, 3):
        assert f"Post number {n}" in html and f"Body of post {n}" in html
    assert "Post number 0" not in html and "First harvest" not in html
    assert reverse("wagtailadmin_pages:history", args=[blog.pk]) in html


def test_queue_page_costs_the_same_queries_for_one_blog_or_twenty(
    staff_client, make_blogger, make_post
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(queue_url()).status_code == 200
        return len(captured)

    first = make_blogger()
    make_post(first)
    queries()  # the first request warms caches (the admin's site, the session)
    one = queries()
    for _ in range(24):
        make_post(make_blogger())
    response = staff_client.get(queue_url())
    assert len(response.context["page"]) == 20
    assert all(len(b.latest_posts) == 1 for b in response.context["page"])
    assert queries() == one
    assert len(staff_client.get(queue_url(), {"p": 2}).context["page"]) == 5


@pytest.mark.parametrize(
    "action, flags, discoverable",
    [
        ("approve", {"reviewed": True, "hidden": False, "blocked": False}, True),
        ("hide", {"reviewed": True, "hidden": True, "blocked": False}, False),
        ("block", {"reviewed": False, "hidden": False, "blocked": True}, False),
    ],
)
def test_each_action_sets_flags_discovery_and_audit_log(
    staff_client, staff, blog, action, flags, discoverable
):
    response = staff_client.post(action_url(blog, action))
    assert response.status_code == 302 and response["Location"].startswith(queue_url())
    blog.refresh_from_db()
    assert {name: getattr(blog, name) for name in flags} == flags
    assert post_in_discovery(blog) is discoverable
    entry = moderation_entries(blog, staff).get(action="bearcms.moderate")
    assert entry.timestamp is not None and entry.data["flags"]
    messages = [str(m).strip() for m in response.wsgi_request._messages]
    assert any("Fresh blog" in m for m in messages)


def test_unblock_returns_the_blog_and_logs_it(staff_client, staff, blog):
    set_blog_flags(blog, reviewed=True, blocked=True)
    assert not post_in_discovery(blog)
    response = staff_client.post(action_url(blog, "unblock"), {"from": "blocked"})
    assert response["Location"].startswith(reverse("bearcms_review:blocked"))
    blog.refresh_from_db()
    assert not blog.blocked and post_in_discovery(blog)
    entry = moderation_entries(blog, staff).get(action="bearcms.moderate")
    assert entry.data["flags"] == {"blocked": False}


def test_approval_history_shows_in_the_blogs_history_page(staff_client, blog):
    staff_client.post(action_url(blog, "approve"))
    history = staff_client.get(reverse("wagtailadmin_pages:history", args=[blog.pk]))
    assert "Moderated: reviewed set" in history.content.decode()


def test_approve_with_a_message_mails_the_owner(staff_client, blog, mailoutbox):
    staff_client.post(action_url(blog, "approve"), {"message": "Lovely garden, welcome!"})
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["owner@example.com"]
    assert "Lovely garden, welcome!" in mailoutbox[0].body


def test_approve_without_a_message_mails_nobody(staff_client, blog, mailoutbox):
    staff_client.post(action_url(blog, "approve"), {"message": "   "})
    assert mailoutbox == []


def test_a_mail_failure_still_approves_and_says_so(staff_client, blog, smtp_inbox):
    smtp_inbox.down()
    response = staff_client.post(action_url(blog, "approve"), {"message": "Hello"})
    assert response.status_code == 302
    blog.refresh_from_db()
    assert blog.reviewed
    messages = [str(m).strip() for m in response.wsgi_request._messages]
    assert "The message to the blogger could not be sent." in messages


def test_delete_asks_first_then_deletes_and_logs(staff_client, staff, blog):
    post = PostPage.objects.get(blog=blog)
    group_id = blog.group_id
    assert group_id is not None
    confirm = staff_client.get(action_url(blog, "delete"))
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    assert BlogPage.objects.filter(pk=blog.pk).exists()
    response = staff_client.post(action_url(blog, "delete"))
    assert response.status_code == 302
    assert not BlogPage.objects.filter(pk=blog.pk).exists()
    assert not PostPage.objects.filter(pk=post.pk).exists()
    assert not Group.objects.filter(pk=group_id).exists()
    deleted = PageLogEntry.objects.filter(user=staff, action="wagtail.delete")
    assert sorted(deleted.values_list("page_id", flat=True)) == sorted([blog.pk, post.pk])


@pytest.mark.parametrize("action", ["approve", "hide", "block", "unblock"])
def test_get_on_an_action_url_changes_nothing(staff_client, blog, action):
    assert staff_client.get(action_url(blog, action)).status_code == 405
    blog.refresh_from_db()
    assert (blog.reviewed, blog.hidden, blog.blocked) == (False, False, False)


def test_actions_need_csrf(staff, blog):
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post(action_url(blog, "block")).status_code == 403
    blog.refresh_from_db()
    assert not blog.blocked


def all_urls(blog):
    return [
        queue_url(),
        reverse("bearcms_review:blocked"),
        *(action_url(blog, a) for a in ("approve", "hide", "block", "unblock", "delete")),
    ]


def test_a_blogger_can_neither_see_nor_act(login, blog, make_blogger):
    other = make_blogger(subdomain="other")
    for client_blog in (other, blog):  # another's blog, and their own
        client = login(client_blog.owner)
        for url in all_urls(blog):
            assert client.get(url).status_code in (403, 404), url
            assert client.post(url, {"message": "hi"}).status_code in (403, 404), url
    blog.refresh_from_db()
    assert (blog.reviewed, blog.hidden, blog.blocked) == (False, False, False)
    assert BlogPage.objects.filter(pk=blog.pk).exists()


def test_strangers_are_sent_to_log_in(platform_client, blog):
    for url in all_urls(blog):
        for response in (platform_client.get(url), platform_client.post(url)):
            assert response.status_code == 302 and "login" in response["Location"], url
    assert BlogPage.objects.filter(pk=blog.pk, blocked=False).exists()


def test_menu_item_for_staff_only(staff_client, login, blog):
    assert queue_url() in staff_client.get(reverse("wagtailadmin_home")).content.decode()
    assert queue_url() not in login(blog.owner).get(reverse("wagtailadmin_home")).content.decode()
