"""The staff review queue (blog.moderation.review_queue): what it lists and shows, what each
one-click action does to the blog, its discovery and the audit log, the approval mail, the delete
confirmation, and that bloggers and strangers can neither see nor act."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from blog.core.discovery import MIN_DISCOVERY_LENGTH
from blog.models import BlogPage, PostPage
from blog.moderation.flags import set_blog_flags
from tests.support.moderation import action_url, listed, queue_url

LONG_BODY = "Words worth reading. " * (MIN_DISCOVERY_LENGTH // 10 + 1)


@pytest.fixture
def blog(make_blogger, make_post):
    """An unreviewed blog with home content and a post long enough for discovery."""
    blog = make_blogger(subdomain="fresh", title="Fresh blog", email="owner@example.com")
    BlogPage.objects.filter(pk=blog.pk).update(home_content="Welcome to my *garden*.")
    blog.refresh_from_db()
    make_post(blog, title="First harvest", body=LONG_BODY)
    return blog


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


def test_the_card_shows_the_posts_published_last_whatever_their_dates(
    staff_client, blog, make_post
):
    for n in range(3):
        make_post(blog, title=f"Post number {n}")
    make_post(
        blog,
        title="Dated 2015",
        body="Cheap pills",
        published_date=datetime(2015, 3, 4, tzinfo=UTC),
    )
    html = staff_client.get(queue_url()).content.decode()
    assert "Dated 2015" in html and "Cheap pills" in html


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


def test_approving_a_blog_titled_with_a_newline_mails_its_title_as_one_clean_line(
    staff_client, make_blogger, mailoutbox
):
    blog = make_blogger(
        subdomain="posing", title="Account suspended\nVisit http://evil.example",
        email="owner@example.com",
    )  # fmt: skip
    response = staff_client.post(action_url(blog, "approve"), {"message": "Welcome aboard!"})
    assert response.status_code == 302
    blog.refresh_from_db()
    assert blog.reviewed
    [mail] = mailoutbox
    assert mail.subject == (
        "Your blog “Account suspended Visit http[:]//evil[.]example” on bearcms was approved"
    )
    assert mail.body == "Welcome aboard!" and mail.to == ["owner@example.com"]


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


ACTIONS = ["approve", "hide", "block", "unblock", "ignore", "flag", "unflag"]


def moderation_state(blog):
    blog.refresh_from_db()
    return (blog.reviewed, blog.hidden, blog.blocked, blog.flagged, blog.ignore_count)


@pytest.mark.parametrize("action", ACTIONS)
def test_get_on_an_action_url_changes_nothing(staff_client, blog, action):
    if action == "unflag":
        set_blog_flags(blog, flagged=True)
    before = moderation_state(blog), PageLogEntry.objects.filter(page_id=blog.pk).count()
    assert staff_client.get(action_url(blog, action)).status_code == 405
    assert (moderation_state(blog), PageLogEntry.objects.filter(page_id=blog.pk).count()) == before


def test_actions_need_csrf(staff, blog):
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post(action_url(blog, "block")).status_code == 403
    blog.refresh_from_db()
    assert not blog.blocked


def all_urls(blog):
    return [
        queue_url(),
        reverse("bearcms_review:flagged"),
        reverse("bearcms_review:blocked"),
        *(action_url(blog, a) for a in (*ACTIONS, "delete")),
    ]


def test_a_blogger_can_neither_see_nor_act(login, blog, make_blogger):
    other = make_blogger(subdomain="other")
    for client_blog in (other, blog):  # another's blog, and their own
        client = login(client_blog.owner)
        for url in all_urls(blog):
            assert client.get(url).status_code in (403, 404), url
            assert client.post(url, {"message": "hi"}).status_code in (403, 404), url
    assert moderation_state(blog) == (False, False, False, False, 0)
    assert BlogPage.objects.filter(pk=blog.pk).exists()


def test_strangers_are_sent_to_log_in(platform_client, blog):
    for url in all_urls(blog):
        for response in (platform_client.get(url), platform_client.post(url)):
            assert response.status_code == 302 and "login" in response["Location"], url
    assert BlogPage.objects.filter(pk=blog.pk, blocked=False).exists()


def test_menu_item_for_staff_only(staff_client, login, blog):
    assert queue_url() in staff_client.get(reverse("wagtailadmin_home")).content.decode()
    assert queue_url() not in login(blog.owner).get(reverse("wagtailadmin_home")).content.decode()


def flagged_url():
    return reverse("bearcms_review:flagged")


def staff_messages(response):
    return [str(m).strip() for m in response.wsgi_request._messages]


def history_of(client, blog):
    response = client.get(reverse("wagtailadmin_pages:history", args=[blog.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_ignored_blog_leaves_the_queue_until_it_publishes_a_post(
    staff_client, blog, make_post, make_blogger
):
    make_blogger(subdomain="waiting")
    response = staff_client.post(action_url(blog, "ignore"))
    assert response["Location"].startswith(queue_url())
    assert "“Fresh blog” ignored until its next post." in staff_messages(response)
    blog.refresh_from_db()
    assert blog.ignore_count == 1 and blog.ignored_at is not None
    assert not blog.reviewed and post_in_discovery(blog) is False
    assert listed(staff_client) == ["waiting"]
    make_post(blog, title="Just a draft", live=False)
    assert listed(staff_client) == ["waiting"]
    make_post(blog, title="Second harvest")
    assert listed(staff_client) == ["fresh", "waiting"]


def test_a_second_ignore_is_for_good(staff_client, blog, make_post):
    staff_client.post(action_url(blog, "ignore"))
    make_post(blog, title="Second harvest")
    assert listed(staff_client) == ["fresh"]
    response = staff_client.post(action_url(blog, "ignore"))
    assert "“Fresh blog” ignored for good." in staff_messages(response)
    make_post(blog, title="Third harvest")
    assert listed(staff_client) == []
    blog.refresh_from_db()
    assert blog.ignore_count == 2


def test_approving_forgets_the_ignores_so_an_unapproved_blog_comes_back(staff_client, blog):
    for _ in range(2):
        staff_client.post(action_url(blog, "ignore"))
    assert listed(staff_client) == []
    staff_client.post(action_url(blog, "approve"))
    blog.refresh_from_db()
    set_blog_flags(blog, reviewed=False)  # as blog.moderation.dodginess does when the score rises
    assert listed(staff_client) == ["fresh"]


def test_queue_orders_by_dodginess_then_oldest_and_shows_the_score(staff_client, make_blogger):
    for name, score in (("calm", 0), ("shady", 12), ("odd", 3), ("also-calm", 0)):
        BlogPage.objects.filter(pk=make_blogger(subdomain=name).pk).update(dodginess=score)
    assert listed(staff_client) == ["shady", "odd", "calm", "also-calm"]
    assert "dodginess 12" in staff_client.get(queue_url()).content.decode()


def test_flag_puts_the_blog_in_the_flagged_tab_and_unflag_takes_it_out(staff_client, blog):
    response = staff_client.post(action_url(blog, "flag"))
    assert "“Fresh blog” flagged for a second look." in staff_messages(response)
    assert listed(staff_client) == ["fresh"]  # still awaiting review too
    page = staff_client.get(flagged_url())
    assert [b.subdomain for b in page.context["page"]] == ["fresh"]
    assert action_url(blog, "unflag") in page.content.decode()
    response = staff_client.post(action_url(blog, "unflag"), {"from": "flagged", "p": "1"})
    assert response["Location"] == f"{flagged_url()}?p=1"
    assert list(staff_client.get(flagged_url()).context["page"]) == []
    blog.refresh_from_db()
    assert not blog.flagged


def test_flagged_tab_lists_flagged_unblocked_blogs_reviewed_or_not(staff_client, make_blogger):
    blogs = {name: make_blogger(subdomain=name) for name in ("new", "approved", "blocked", "plain")}
    for name in ("new", "approved", "blocked"):
        set_blog_flags(blogs[name], flagged=True)
    BlogPage.objects.filter(pk=blogs["approved"].pk).update(reviewed=True, dodginess=5)
    set_blog_flags(blogs["blocked"], blocked=True)
    response = staff_client.get(flagged_url())
    assert [b.subdomain for b in response.context["page"]] == ["approved", "new"]
    # A flagged blog is reviewed again from here: no "ignore", which is for the queue.
    assert action_url(blogs["approved"], "ignore") not in response.content.decode()
    assert action_url(blogs["approved"], "approve") in response.content.decode()


def test_reviewed_tab_lets_staff_hide_or_block_an_approved_blog(staff_client, make_blogger):
    blogs = {name: make_blogger(subdomain=name) for name in ("fine", "hid", "gone", "new")}
    set_blog_flags(blogs["fine"], reviewed=True)
    set_blog_flags(blogs["hid"], reviewed=True, hidden=True)
    set_blog_flags(blogs["gone"], reviewed=True, blocked=True)
    url = reverse("bearcms_review:reviewed")
    response = staff_client.get(url)
    assert [b.subdomain for b in response.context["page"]] == ["hid", "fine"]  # newest first
    for action in ("hide", "block"):
        assert action_url(blogs["fine"], action) in response.content.decode()
    response = staff_client.post(action_url(blogs["fine"], "block"), {"from": "reviewed"})
    assert response["Location"] == url
    assert [b.subdomain for b in staff_client.get(url).context["page"]] == ["hid"]


@pytest.mark.parametrize("action", ["approve", "hide", "block"])
def test_approving_hiding_or_blocking_ends_the_second_look(staff_client, blog, action):
    set_blog_flags(blog, flagged=True)
    staff_client.post(action_url(blog, action), {"from": "flagged"})
    blog.refresh_from_db()
    assert not blog.flagged


@pytest.mark.parametrize(
    "setup, action, history",
    [
        ({}, "approve", "Moderated: reviewed set"),
        ({}, "hide", "Moderated: reviewed set, hidden set"),
        ({}, "block", "Moderated: blocked set"),
        ({"blocked": True}, "unblock", "Moderated: blocked cleared"),
        ({}, "flag", "Moderated: flagged set"),
        ({"flagged": True}, "unflag", "Moderated: flagged cleared"),
        ({}, "ignore", "Moderated: ignored until its next post"),
        ({"ignore_count": 1}, "ignore", "Moderated: ignored for good"),
        (
            {"flagged": True, "ignore_count": 1},
            "approve",
            "Moderated: reviewed set, flagged cleared, ignores forgotten",
        ),
    ],
)
def test_each_action_is_in_the_audit_log_and_the_blogs_history(
    staff_client, staff, blog, setup, action, history
):
    BlogPage.objects.filter(pk=blog.pk).update(**setup)
    staff_client.post(action_url(blog, action))
    entry = moderation_entries(blog, staff).get(action="bearcms.moderate")
    assert entry.data["flags"]
    assert history in history_of(staff_client, blog)


@pytest.mark.parametrize("url_name", ["index", "flagged"])
def test_queue_tabs_cost_the_same_queries_however_many_blogs_and_ignores(
    staff_client, make_blogger, make_post, url_name
):
    url = reverse(f"bearcms_review:{url_name}")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url).status_code == 200
        return len(captured)

    def add_blog(ignored):
        blog = make_blogger()
        set_blog_flags(blog, flagged=True, ignored_at=timezone.now(), ignore_count=ignored)
        make_post(blog)  # published after the ignore: back in the queue
        return blog

    add_blog(ignored=0)
    queries()  # the first request warms caches (the admin's site, the session)
    one = queries()
    for n in range(24):
        add_blog(ignored=n % 2)
    response = staff_client.get(url)
    assert len(response.context["page"]) == 20
    assert queries() == one


def test_a_blogger_gets_403_at_each_new_url_and_changes_nothing(login, blog):
    client = login(blog.owner)
    for url in (flagged_url(), *(action_url(blog, a) for a in ("ignore", "flag", "unflag"))):
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url
    assert moderation_state(blog) == (False, False, False, False, 0)


def test_the_moderate_blog_command_flags_and_unflags(staff_client, blog, capsys):
    call_command("moderate_blog", "fresh", "--flag")
    assert "flagged=True" in capsys.readouterr().out
    assert [b.subdomain for b in staff_client.get(flagged_url()).context["page"]] == ["fresh"]
    call_command("moderate_blog", "fresh", "--unflag")
    assert list(staff_client.get(flagged_url()).context["page"]) == []
    assert "Moderated: flagged cleared" in history_of(staff_client, blog)
