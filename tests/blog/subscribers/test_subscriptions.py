"""Email subscribers: double opt-in, new-post mail, unsubscribing, the dashboard listing.

Mail goes through a real SMTP server (aiosmtpd) on a local port; an outage is that
server's port closed. Tasks run inline (django-tasks' immediate backend), after the
commit, so each request that commits is wrapped in ``django_capture_on_commit_callbacks``.
"""

import email
import re
import time
from datetime import timedelta
from email import policy
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blog.core.names import blog_hostname
from blog.core.platform_mail import blogger_text
from blog.models import Delivery, PostPage, Subscriber
from blog.moderation.flags import set_blog_flags
from blog.subscribers.tasks import CLAIM_DURATION, subscriber_link
from tests.support.clients import host_client
from tests.support.dashboard_forms import DATE_FORMAT, add_url, edit_url, post_form
from tests.support.tasks import run_ready_tasks

LINK = re.compile(r"https?://[^\s<>\"]+/subscribe/(?:confirm|unsubscribe)/[^\s<>\"]+/")
URL = re.compile(r"https?://[^\s<>\"]+")
# A blog title posing as the platform: what it says must reach nobody as a second line
# or a link.
POSING_TITLE = "Account suspended\nVisit http://evil.example"
POSING_LINE = "Account suspended Visit http[:]//evil[.]example"


@pytest.fixture
def smtp(smtp_inbox):
    return smtp_inbox


def received(inbox):
    """The messages the server got, parsed from their bytes (a UTF-8 body is 8bit)."""
    return [
        email.message_from_bytes(raw.encode(), policy=policy.default) for _to, raw in inbox.messages
    ]


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message):
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message):
    return urlsplit(LINK.search(text_of(message))[0]).path


@pytest.fixture
def blog(make_blogger):
    return make_blogger("letters", title="Letters")


@pytest.fixture
def reader(blog):
    return host_client(blog)


@pytest.fixture
def admin(blog, login):
    return login(blog.owner)


def origin(blog):
    return f"http://{blog_hostname(blog.subdomain)}"


def subscribe(client, blog, address, ip="127.0.0.1"):
    return client.post("/subscribe/", {"email": address}, HTTP_ORIGIN=origin(blog), REMOTE_ADDR=ip)


def confirmed_subscriber(blog, address="reader@example.com"):
    return Subscriber.objects.create(blog=blog, email=address, confirmed_at=timezone.now())


def publish(admin, blog, capture, **fields):
    """Publish a new post from the editor, running what waits for the commit."""
    data = post_form(**fields) | {"action-publish": "action-publish"}
    with capture(execute=True):
        response = admin.post(add_url(blog), data)
    assert response.status_code == 302
    return PostPage.objects.child_of(blog).get(slug=data["slug"])


# --- The whole story ---------------------------------------------------------------------


def test_a_reader_subscribes_confirms_gets_a_new_post_and_unsubscribes_in_one_click(
    blog, reader, admin, smtp, django_capture_on_commit_callbacks
):
    blog.home_content = "Hello\n\n{{ email-signup }}"
    blog.save_revision(user=blog.owner).publish()
    home = reader.get("/").content.decode()
    assert '<form class="email-signup" method="post" action="/subscribe/">' in home
    assert 'type="email" name="email" required autocomplete="email"' in home
    assert "<script" not in home

    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(reader, blog, "Reader@Example.COM")
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and not response.cookies
    [confirmation] = received(smtp)
    assert confirmation["To"] == "Reader@example.com"
    assert confirmation["Subject"] == "Confirm your subscription to Letters"
    assert confirmation["From"] == '"Letters (a blog on bearcms)" <noreply@localhost>'
    confirm_path = link_in(confirmation)
    assert confirm_path.startswith("/subscribe/confirm/")

    page = reader.get(confirm_path)  # a mail scanner's prefetch confirms nothing
    assert page.status_code == 200 and ">Confirm</button>" in page.content.decode()
    assert Subscriber.objects.get().confirmed_at is None
    page = reader.post(confirm_path)
    assert "You are subscribed" in page.content.decode()
    assert Subscriber.objects.get().confirmed_at is not None

    post = publish(
        admin, blog, django_capture_on_commit_callbacks,
        title="Winter & Spring", slug="winter", body="# Heading\n\n" + "Some **bold** words. " * 40,
    )  # fmt: skip
    _, notification = received(smtp)
    assert notification["Subject"] == "Winter & Spring"
    assert notification["To"] == "Reader@example.com"
    text = text_of(notification)
    post_url = f"{blog.get_full_url()}winter/"
    assert post_url in text
    assert "Heading Some bold words." in text and "**" not in text and "#" not in text
    assert text.count("Some bold words.") < 20  # an excerpt, not the whole post (40)
    assert f'href="{post_url}"' in html_of(notification)
    unsubscribe_url = notification["List-Unsubscribe"].strip().strip("<>")
    assert notification["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in text
    assert Delivery.objects.get(post=post).sent_at is not None

    # A mail provider's RFC 8058 one-click POST: no Origin, no Referer.
    response = reader.post(
        urlsplit(unsubscribe_url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert not Subscriber.objects.exists()

    publish(admin, blog, django_capture_on_commit_callbacks, title="Later", slug="later")
    assert len(smtp.messages) == 2


# --- The form ----------------------------------------------------------------------------


def test_subscribe_page_shows_the_form(blog, reader):
    response = reader.get("/subscribe/")
    assert response.status_code == 200
    assert 'action="/subscribe/"' in response.content.decode()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("not-an-address", "That is not a valid email address."),
        ("", "Enter your email address."),
        ("a" * 250 + "@example.com", "That address is too long: at most 254 characters."),
    ],
)
def test_an_invalid_address_is_refused_with_a_clear_message(blog, reader, smtp, address, message):
    response = subscribe(reader, blog, address)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'action="/subscribe/"' in html and "<h1>Letters</h1>" in html  # themed, form again
    assert not Subscriber.objects.exists() and not smtp.messages


def test_a_subscription_from_another_site_is_forbidden(blog, reader):
    response = reader.post(
        "/subscribe/", {"email": "a@example.com"}, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_subscribing_is_rate_limited_per_address(blog, reader):
    for n in range(5):
        assert subscribe(reader, blog, f"r{n}@example.com").status_code == 200
    response = subscribe(reader, blog, "r6@example.com")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Subscriber.objects.count() == 5


def test_subscribing_a_confirmed_address_again_looks_the_same_and_sends_nothing(
    blog, reader, smtp, django_capture_on_commit_callbacks
):
    confirmed_subscriber(blog, "known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(reader, blog, "known@example.com")
    assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    assert not smtp.messages
    assert Subscriber.objects.count() == 1


def test_an_address_gets_one_confirmation_a_day_however_often_it_is_submitted(
    blog, reader, smtp, django_capture_on_commit_callbacks
):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert subscribe(reader, blog, "victim@example.com").status_code == 200
    assert len(received(smtp)) == 1


def test_a_blocked_blog_takes_no_subscribers(blog, reader, smtp):
    set_blog_flags(blog, blocked=True)
    response = subscribe(reader, blog, "late@example.com")
    assert response.status_code == 410  # the whole blog is gone for readers
    assert not Subscriber.objects.exists()


def test_the_form_answers_even_when_the_mail_server_is_down(
    blog, reader, smtp, django_capture_on_commit_callbacks
):
    smtp.down()
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(reader, blog, "patient@example.com")
    assert response.status_code == 200
    assert Subscriber.objects.get().confirmed_at is None


def test_one_confirmation_a_day_per_blog_and_address_is_kept_in_the_database(
    blog, reader, smtp, django_capture_on_commit_callbacks
):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert subscribe(reader, blog, "victim@example.com").status_code == 200
        cache.clear()  # another box's cache, a restart: the window holds all the same
    assert len(received(smtp)) == 1
    a_day_ago = timezone.now() - timedelta(days=1, minutes=1)
    Subscriber.objects.update(created_at=a_day_ago)
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(reader, blog, "victim@example.com")
    assert len(received(smtp)) == 2  # a day later a real reader may ask again


def test_an_address_gets_at_most_five_confirmations_a_day_over_all_blogs(
    make_blogger, mailoutbox, django_capture_on_commit_callbacks
):
    for n in range(7):
        blog = make_blogger(f"spread{n}")
        with django_capture_on_commit_callbacks(execute=True):
            response = subscribe(host_client(blog), blog, "victim@example.com", f"10.0.0.{n}")
        assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    assert len(mailoutbox) == 5
    assert {message.to[0] for message in mailoutbox} == {"victim@example.com"}


def test_a_confirmation_refused_by_the_address_limit_is_sent_once_the_limit_allows(
    make_blogger, mailoutbox, django_capture_on_commit_callbacks
):
    blogs = [make_blogger(f"later{n}") for n in range(6)]

    def ask(blog, n):
        with django_capture_on_commit_callbacks(execute=True):
            subscribe(host_client(blog), blog, "reader@example.com", f"10.0.1.{n}")

    for n, blog in enumerate(blogs):
        ask(blog, n)
    assert len(mailoutbox) == 5  # the sixth blog's confirmation waits
    cache.clear()  # the address's daily slots have expired
    ask(blogs[5], 9)
    assert len(mailoutbox) == 6 and "later5" in mailoutbox[-1].body


def test_a_flood_of_addresses_to_one_blog_is_capped_and_confirming_frees_a_place(
    blog, reader, mailoutbox, django_capture_on_commit_callbacks
):
    def ask(n):  # each from its own IP address, past the per-IP rate limit
        with django_capture_on_commit_callbacks(execute=True):
            response = subscribe(reader, blog, f"r{n}@example.com", f"10.0.{n // 200}.{n % 200}")
        assert response.status_code == 200 and "Check your inbox" in response.content.decode()

    for n in range(105):
        ask(n)
    assert len(mailoutbox) == 100
    assert Subscriber.objects.count() == 100  # nothing is kept past the cap either
    confirm_path = urlsplit(LINK.search(mailoutbox[0].body)[0]).path
    assert "You are subscribed" in reader.post(confirm_path).content.decode()
    ask(200)
    assert len(mailoutbox) == 101  # a reader who confirmed is no longer pending


# --- A blogger's text in the platform's mail ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (POSING_TITLE, POSING_LINE),
        ("Tabs\tand\r\nbreaks\u2028and\u200bmarks\u202e\x00", "Tabs and breaks and marks"),
        (
            "Mail support@Bank.COM or www.bank.co.uk",
            "Mail support@Bank[.]COM or www[.]bank[.]co[.]uk",
        ),
        ("bank\u3002example and bank\uff0eexample", "bank[.]example and bank[.]example"),
        ("Notes, e.g. on v2.0 and 3.14", "Notes, e.g. on v2.0 and 3.14"),
        ("x" * 300, "x" * 79 + "…"),
    ],
)
def test_blogger_text_is_one_short_line_that_no_mail_client_links(text, line):
    assert blogger_text(text) == line


def test_a_confirmation_names_the_blog_in_one_attributed_line_and_links_only_to_it(
    make_blogger, smtp, django_capture_on_commit_callbacks
):
    blog = make_blogger("letters", title=POSING_TITLE)
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(host_client(blog), blog, "stranger@example.com")
    [confirmation] = received(smtp)
    assert confirmation["Subject"] == f"Confirm your subscription to {POSING_LINE}"
    [sender] = confirmation["From"].addresses
    assert sender.display_name == f"{POSING_LINE} (a blog on bearcms)"
    assert sender.addr_spec == "noreply@localhost"
    text = text_of(confirmation)
    assert f"“{POSING_LINE}”, a blog on bearcms at {blog.get_full_url()}" in text
    assert "evil.example" not in text and "Account suspended\n" not in text
    assert all(url.startswith(blog.get_full_url()) for url in URL.findall(text))


def test_new_post_mail_carries_the_post_but_its_headers_are_one_clean_line(
    make_blogger, login, smtp, django_capture_on_commit_callbacks
):
    blog = make_blogger("letters", title=POSING_TITLE)
    confirmed_subscriber(blog)
    body = "Release notes: https://docs.example/notes"
    publish(
        login(blog.owner), blog, django_capture_on_commit_callbacks,
        title=POSING_TITLE, slug="notice", body=body,
    )  # fmt: skip
    [notification] = received(smtp)
    assert notification["Subject"] == POSING_LINE
    assert notification["From"].addresses[0].display_name == f"{POSING_LINE} (a blog on bearcms)"
    text, html = text_of(notification), html_of(notification)
    assert body in text  # the post itself is what the subscriber asked for
    assert "evil.example" not in text and "evil.example" not in html
    assert f"“{POSING_LINE}”, a blog on bearcms at {blog.get_full_url()}" in text


# --- Links -------------------------------------------------------------------------------


def test_a_tampered_link_is_refused_without_changing_anything(blog, reader):
    subscriber = Subscriber.objects.create(blog=blog, email="a@example.com")
    path = urlsplit(subscriber_link(subscriber, "confirm")).path
    response = reader.post(path[:-3] + "xx/")
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert reader.post("/subscribe/unsubscribe/garbage/").status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


def test_an_expired_confirmation_link_is_refused(blog, reader):
    subscriber = Subscriber.objects.create(blog=blog, email="a@example.com")
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        path = urlsplit(subscriber_link(subscriber, "confirm")).path
    response = reader.post(path)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


def test_a_link_of_one_blog_does_not_work_on_another(blog, make_blogger):
    other = make_blogger("other")
    subscriber = confirmed_subscriber(blog)
    for purpose in ("confirm", "unsubscribe"):
        path = urlsplit(subscriber_link(subscriber, purpose)).path
        response = host_client(other).post(path)
        assert response.status_code == 400
        assert "another blog" in response.content.decode()
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_the_unsubscribe_link_shows_a_button_before_it_acts(blog, reader):
    subscriber = confirmed_subscriber(blog)
    path = urlsplit(subscriber_link(subscriber, "unsubscribe")).path
    response = reader.get(path)
    assert ">Unsubscribe</button>" in response.content.decode()
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    reader.post(path)
    assert reader.post(path).status_code == 200  # a second click: still unsubscribed


# --- Who gets mail about what ------------------------------------------------------------


def test_unconfirmed_subscribers_get_no_post_mail(
    blog, admin, smtp, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(blog=blog, email="waiting@example.com")
    publish(admin, blog, django_capture_on_commit_callbacks)
    assert not smtp.messages


def test_no_mail_when_the_blog_turned_notifications_off(
    blog, admin, smtp, django_capture_on_commit_callbacks
):
    confirmed_subscriber(blog)
    blog.email_notifications = False
    blog.save_revision(user=blog.owner).publish()
    post = publish(admin, blog, django_capture_on_commit_callbacks)
    assert not smtp.messages
    assert not Delivery.objects.exists()
    assert PostPage.objects.get(pk=post.pk).subscribers_notified_at is not None


def test_pages_and_drafts_are_not_mailed(
    blog, admin, smtp, django_capture_on_commit_callbacks, make_post
):
    confirmed_subscriber(blog)
    publish(admin, blog, django_capture_on_commit_callbacks, slug="about", is_page="on")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(add_url(blog), post_form(slug="draft"))
    call_command("send_subscriber_mail")
    assert not smtp.messages


def test_subscribers_of_another_blog_get_nothing(
    blog, admin, smtp, django_capture_on_commit_callbacks, make_blogger
):
    confirmed_subscriber(make_blogger("other"), "other-reader@example.com")
    confirmed_subscriber(blog, "mine@example.com")
    publish(admin, blog, django_capture_on_commit_callbacks)
    assert [to for to, _raw in smtp.messages] == [["mine@example.com"]]


def test_a_scheduled_post_is_mailed_when_the_command_runs_after_its_date(
    blog, admin, smtp, django_capture_on_commit_callbacks
):
    confirmed_subscriber(blog)
    later = (timezone.now() + timezone.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    post = publish(admin, blog, django_capture_on_commit_callbacks, published_date=later)
    call_command("send_subscriber_mail")
    assert not smtp.messages
    # Its date comes.
    PostPage.objects.filter(pk=post.pk).update(
        published_date=timezone.now() - timezone.timedelta(minutes=1)
    )
    call_command("send_subscriber_mail")
    call_command("send_subscriber_mail")
    assert len(smtp.messages) == 1


def test_a_scheduled_post_shows_on_the_cached_home_once_the_command_runs(
    blog, admin, smtp, django_capture_on_commit_callbacks, settings
):
    settings.READER_PAGE_CACHE_SECONDS = 60
    later = (timezone.now() + timezone.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    post = publish(
        admin, blog, django_capture_on_commit_callbacks, title="Due now", published_date=later
    )
    reader = host_client(blog)
    assert "Due now" not in reader.get("/").content.decode()  # now in the page cache
    PostPage.objects.filter(pk=post.pk).update(
        published_date=timezone.now() - timezone.timedelta(minutes=1)
    )
    assert "Due now" not in reader.get("/").content.decode()  # still the cached page
    call_command("send_subscriber_mail")
    assert "Due now" in reader.get("/").content.decode()


def test_republishing_a_post_sends_nothing_new(
    blog, admin, smtp, django_capture_on_commit_callbacks
):
    confirmed_subscriber(blog)
    post = publish(admin, blog, django_capture_on_commit_callbacks)
    data = post_form(title="Edited", body="Changed") | {"action-publish": "action-publish"}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(edit_url(post), data).status_code == 302
    call_command("send_subscriber_mail")
    assert len(smtp.messages) == 1


def test_editing_a_post_older_than_subscriptions_does_not_mail_it_as_new(
    blog, admin, smtp, make_post, django_capture_on_commit_callbacks
):
    old = make_post(blog, published_date=timezone.now() - timezone.timedelta(days=400))
    PostPage.objects.filter(pk=old.pk).update(subscribers_notified_at=None)  # before 0006
    confirmed_subscriber(blog)
    fields = {"title": "Typo fixed", "body": "Changed", "slug": old.slug}
    fields["published_date"] = old.published_date.strftime(DATE_FORMAT)
    data = post_form(**fields) | {"action-publish": "action-publish"}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(edit_url(old), data).status_code == 302
    assert PostPage.objects.get(pk=old.pk).title == "Typo fixed"
    call_command("send_subscriber_mail")
    assert not smtp.messages


def test_a_back_dated_post_is_an_archive_import_and_not_mailed(
    blog, admin, smtp, django_capture_on_commit_callbacks
):
    confirmed_subscriber(blog)
    old = (timezone.now() - timezone.timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    post = publish(admin, blog, django_capture_on_commit_callbacks, published_date=old)
    call_command("send_subscriber_mail")
    assert not smtp.messages
    assert PostPage.objects.get(pk=post.pk).subscribers_notified_at is not None


# --- Mail outages ------------------------------------------------------------------------


def test_a_mail_outage_never_breaks_publishing_and_the_mail_follows_exactly_once(
    blog, admin, reader, smtp, django_capture_on_commit_callbacks
):
    confirmed_subscriber(blog)
    smtp.down()
    post = publish(admin, blog, django_capture_on_commit_callbacks, slug="during-outage")
    assert reader.get("/during-outage/").status_code == 200
    delivery = Delivery.objects.get(post=post)
    assert delivery.sent_at is None and delivery.attempts == 1
    assert delivery.last_error and delivery.next_attempt_at > timezone.now()
    assert delivery.claimed_until is None

    smtp.up()
    call_command("send_subscriber_mail")
    assert not smtp.messages  # the retry is not due yet
    Delivery.objects.update(next_attempt_at=timezone.now())
    call_command("send_subscriber_mail")
    call_command("send_subscriber_mail")
    assert len(smtp.messages) == 1
    assert Delivery.objects.get().sent_at is not None


def test_with_a_worker_a_failed_delivery_is_retried_by_a_deferred_task(
    blog, admin, smtp, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    confirmed_subscriber(blog)
    smtp.down()
    post = publish(admin, blog, django_capture_on_commit_callbacks)
    assert not Delivery.objects.exists()  # queued for the worker, not sent in the request
    assert "notify_subscribers" in run_ready_tasks()  # Wagtail queues its own tasks too
    delivery = Delivery.objects.get(post=post)
    assert delivery.attempts == 1 and delivery.sent_at is None
    retry = DBTaskResult.objects.get(status="READY", task_path__endswith="send_post_deliveries")
    assert retry.run_after == delivery.next_attempt_at

    smtp.up()
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert "send_post_deliveries" not in run_ready_tasks()  # the retry waits for its time
    DBTaskResult.objects.update(run_after=timezone.now())  # its time has come
    assert "send_post_deliveries" in run_ready_tasks()
    assert len(smtp.messages) == 1
    assert Delivery.objects.get().sent_at is not None


def test_a_delivery_is_claimed_by_one_sender_only(blog, make_post):
    post = make_post(blog)
    delivery = Delivery.objects.create(post=post, subscriber=confirmed_subscriber(blog))
    assert Delivery.claim(delivery.pk, CLAIM_DURATION) is True
    assert Delivery.claim(delivery.pk, CLAIM_DURATION) is False


def test_a_delivery_whose_sender_died_is_sent_after_its_claim_expires(blog, make_post, smtp):
    post = make_post(blog)
    Delivery.objects.create(
        post=post,
        subscriber=confirmed_subscriber(blog),
        claimed_until=timezone.now() - timezone.timedelta(seconds=1),
    )
    call_command("send_subscriber_mail")
    assert len(smtp.messages) == 1


# --- The dashboard -----------------------------------------------------------------------


@pytest.fixture
def two_blogs(blog, make_blogger):
    other = make_blogger("rival")
    mine = confirmed_subscriber(blog, "mine-zq81@example.com")
    theirs = confirmed_subscriber(other, "theirs-zq82@example.com")
    return mine, theirs


def test_a_blogger_sees_only_their_own_subscribers(two_blogs, admin):
    html = admin.get(reverse("subscribers:index")).content.decode()
    assert "mine-zq81@example.com" in html
    assert "theirs-zq82" not in html
    html = admin.get(reverse("subscribers:index_results") + "?q=zq8").content.decode()
    assert "mine-zq81" in html and "theirs-zq82" not in html


def test_the_subscribers_menu_item_is_shown_to_bloggers(two_blogs, admin):
    html = admin.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("subscribers:index") in html


def test_a_blogger_exports_only_their_own_subscribers_as_csv(two_blogs, admin):
    response = admin.get(reverse("subscribers:index") + "?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == "Email,Confirmed at,Subscribed at"
    assert "mine-zq81@example.com" in body and "theirs-zq82" not in body


def test_a_blogger_removes_their_own_subscriber(two_blogs, admin):
    mine, _ = two_blogs
    url = reverse("subscribers:delete", args=[mine.pk])
    assert admin.get(url).status_code == 200  # Wagtail's confirmation page
    assert admin.post(url).status_code == 302
    assert not Subscriber.objects.filter(pk=mine.pk).exists()


@pytest.mark.parametrize("view", ["delete", "history", "usage"])
def test_another_blogs_subscriber_is_not_found_by_id(two_blogs, admin, view):
    mine, theirs = two_blogs
    assert admin.get(reverse(f"subscribers:{view}", args=[mine.pk])).status_code != 404
    url = reverse(f"subscribers:{view}", args=[theirs.pk])
    assert admin.get(url).status_code == 404
    assert admin.post(url).status_code == 404
    assert Subscriber.objects.filter(pk=theirs.pk).exists()


def test_a_blogger_sees_the_history_of_their_own_subscriber(two_blogs, admin):
    mine, _ = two_blogs
    response = admin.get(reverse("subscribers:history", args=[mine.pk]))
    assert response.status_code == 200


def test_nobody_edits_a_subscriber_in_the_dashboard(two_blogs, admin):
    mine, theirs = two_blogs
    for subscriber in (mine, theirs):
        url = reverse("subscribers:edit", args=[subscriber.pk])
        response = admin.post(url, {"email": "changed@example.com"})
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not Subscriber.objects.filter(email="changed@example.com").exists()


def test_nobody_adds_a_subscriber_in_the_dashboard(two_blogs, admin):
    response = admin.post(reverse("subscribers:add"), {"email": "forced@example.com"})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not Subscriber.objects.filter(email="forced@example.com").exists()


def test_staff_see_every_blogs_subscribers(two_blogs, login):
    staff = get_user_model().objects.create_superuser("staff", "staff@example.com", "x")
    html = login(staff).get(reverse("subscribers:index")).content.decode()
    assert "mine-zq81" in html and "theirs-zq82" in html
    assert "Letters" in html  # the blog column


def test_anonymous_visitors_are_sent_to_log_in(two_blogs, platform_client):
    response = platform_client.get(reverse("subscribers:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]
