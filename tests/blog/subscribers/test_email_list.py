"""The blogger's email list: adding addresses by hand or from another service's export,
each asked to confirm (double opt-in), with caps; exporting the list as plain text.

Everything goes through the dashboard's own page and the form a person posts on it.
Mail goes to Django's locmem outbox; tasks run inline after the commit, so each request
that commits runs inside ``django_capture_on_commit_callbacks``.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from blog.models import Subscriber
from blog.moderation.flags import set_blog_flags
from tests.support.clients import host_client
from tests.support.html_forms import form_fields
from tests.support.paths import FILES

IMPORT = reverse("subscribers:import")
FORM_ID = "w-editor-form"
CONFIRM_LINK = re.compile(r"https?://[^\s]+/subscribe/confirm/[^\s]+/")


@pytest.fixture
def blog(make_blogger):
    return make_blogger("letters", title="Letters")


@pytest.fixture
def admin(blog, login):
    return login(blog.owner)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Fill in the page's form as a person does (``addresses`` typed, ``file`` chosen)
    and send it, running what waits for the commit; returns the response."""

    def post(client, addresses="", file=None, **extra):
        page = client.get(IMPORT)
        assert page.status_code == 200
        data = form_fields(page.content.decode(), FORM_ID) | {"addresses": addresses, **extra}
        if file is not None:
            data["file"] = file
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(IMPORT, data)

    return post


def upload(name):
    return SimpleUploadedFile(name, (FILES / name).read_bytes(), content_type="text/csv")


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def recipients(mailoutbox):
    return sorted(message.to[0] for message in mailoutbox)


def subscriber(blog, email, *, confirmed=False, age=timedelta(0)):
    row = Subscriber.objects.create(
        blog=blog, email=email, confirmed_at=timezone.now() if confirmed else None
    )
    Subscriber.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)
    return row


# --- Adding addresses --------------------------------------------------------------------


def test_a_pasted_list_asks_each_new_address_once_and_subscribes_nobody(
    blog, admin, send, mailoutbox
):
    pasted = "ann@example.com\nBob <bob@Example.COM>; cy@example.com, ANN@example.com"
    response = send(admin, pasted)
    assert response.status_code == 200
    assert "Asked 3 people to confirm." in text_of(response)
    assert recipients(mailoutbox) == ["ann@example.com", "bob@example.com", "cy@example.com"]
    rows = Subscriber.objects.filter(blog=blog)
    assert sorted(rows.values_list("email", flat=True)) == recipients(mailoutbox)
    assert not rows.filter(confirmed_at__isnull=False).exists()  # nobody without the link


def test_the_confirmation_says_the_blogger_added_the_address_and_that_ignoring_it_is_fine(
    blog, admin, send, mailoutbox
):
    send(admin, "ann@example.com")
    [message] = mailoutbox
    assert message.subject == "Would you like new posts of Letters by email?"
    assert "The blogger of “Letters”, a blog on" in message.body
    assert "added this address to the blog's email list" in message.body
    assert "You are not subscribed." in message.body
    assert "ignore this message: nothing happens" in message.body
    [link] = CONFIRM_LINK.findall(message.body)
    assert urlsplit(link).hostname == "letters.localhost"  # only the blog's own host


def test_following_the_link_subscribes_the_person_added(blog, admin, send, mailoutbox):
    send(admin, "ann@example.com")
    path = urlsplit(CONFIRM_LINK.search(mailoutbox[0].body)[0]).path
    reader = host_client(blog)
    assert "Confirm" in reader.get(path).content.decode()  # a mail scanner's GET does nothing
    assert Subscriber.objects.get().confirmed_at is None
    assert "You are subscribed" in reader.post(path).content.decode()
    assert Subscriber.objects.get().confirmed_at is not None


def test_the_result_counts_who_was_asked_and_why_the_others_were_not(blog, admin, send, mailoutbox):
    subscriber(blog, "known@example.com", confirmed=True)
    subscriber(blog, "pending@example.com", age=timedelta(days=2))
    text = text_of(
        send(admin, "known@example.com\npending@example.com\nnew@example.com\na@\nnot an address")
    )
    assert "Asked 1 person to confirm." in text
    assert "1 was already subscribed, and got nothing." in text
    assert "1 was already waiting for confirmation, and got nothing" in text
    assert "2 were not valid addresses: <code>a@</code>, <code>not an address</code>." in text
    assert recipients(mailoutbox) == ["new@example.com"]


def test_entries_that_are_not_addresses_are_given_back_to_correct(blog, admin, send):
    bad = [f"typo{n}.example.com" for n in range(8)]
    response = send(admin, "\n".join(["ok@example.com", *bad]))
    text = text_of(response)
    assert "8 were not valid addresses:" in text
    assert "<code>typo4.example.com</code> and 3 more." in text
    assert "typo5" not in text.split("</h2>")[1].split("</ul>")[0]  # a few, then a count
    assert form_fields(response.content.decode(), FORM_ID)["addresses"] == "\n".join(bad)


def test_an_address_still_waiting_is_asked_again_only_once_its_link_has_expired(
    blog, admin, send, mailoutbox
):
    send(admin, "slow@example.com")
    assert "1 was already waiting" in text_of(send(admin, "slow@example.com"))
    assert len(mailoutbox) == 1
    Subscriber.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert "Asked 1 person to confirm." in text_of(send(admin, "slow@example.com"))
    assert len(mailoutbox) == 2
    assert Subscriber.objects.count() == 1


def test_an_address_a_reader_asked_for_today_is_not_mailed_again_by_the_list(
    blog, admin, send, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        host_client(blog).post(
            "/subscribe/", {"email": "eager@example.com"}, HTTP_ORIGIN="http://letters.localhost"
        )
    assert mailoutbox[0].subject == "Confirm your subscription to Letters"  # the reader's mail
    assert "1 was already waiting" in text_of(send(admin, "eager@example.com"))
    assert len(mailoutbox) == 1


# --- Files from other services -----------------------------------------------------------


def test_bear_blogs_subscriber_export_is_read_by_its_header(blog, admin, send, mailoutbox):
    text = text_of(send(admin, file=upload("bear_subscribers.csv")))
    assert "Asked 3 people to confirm." in text and "not valid" not in text
    assert recipients(mailoutbox) == [
        "Reader.Two@example.org",
        "reader.one@example.com",
        "three+blog@example.net",
    ]


def test_a_mailchimp_export_is_read_from_its_email_address_column_only(
    blog, admin, send, mailoutbox
):
    text = text_of(send(admin, file=upload("mailchimp_subscribed_members.csv")))
    assert "Asked 3 people to confirm." in text and "not valid" not in text
    # The notes column names another address: it is not on the list.
    assert recipients(mailoutbox) == ["Linus@example.net", "ada@example.com", "grace@example.org"]


def test_a_table_without_an_email_header_gives_each_rows_address(blog, admin, send, mailoutbox):
    table = b"Ann,ann@example.com,2024-01-01\nBob,bob@example.com,2024-02-02\nCy,cy.example.com,\n"
    text = text_of(send(admin, file=SimpleUploadedFile("list.csv", table)))
    assert "Asked 2 people to confirm." in text
    assert "1 was not a valid address: <code>Cy,cy.example.com,</code>." in text


def test_a_list_typed_and_a_file_are_added_together(blog, admin, send, mailoutbox):
    file = SimpleUploadedFile("list.txt", b"one@example.com\r\ntwo@example.com\r\n")
    assert "Asked 3 people" in text_of(send(admin, "two@example.com, three@example.com", file))
    assert recipients(mailoutbox) == ["one@example.com", "three@example.com", "two@example.com"]


def test_a_zip_is_refused_with_what_to_do_instead(blog, admin, send, mailoutbox):
    response = send(admin, file=SimpleUploadedFile("export.zip", b"PK\x03\x04\x00\x00junk"))
    assert "Mailchimp sends its export as a ZIP: unzip it" in text_of(response)
    assert not Subscriber.objects.exists() and not mailoutbox


def test_an_empty_form_says_what_to_enter(blog, admin, send):
    assert "Enter some email addresses, or choose a file." in text_of(send(admin, " \n, "))


# --- Caps --------------------------------------------------------------------------------


def test_a_list_over_a_thousand_addresses_is_refused_whole(blog, admin, send, mailoutbox):
    set_blog_flags(blog, reviewed=True)
    addresses = "\n".join(f"r{n}@example.com" for n in range(1001))
    text = text_of(send(admin, addresses))
    assert "This list has 1,001 addresses; at most 1,000 can be added at once." in text
    assert not Subscriber.objects.exists() and not mailoutbox


def test_a_new_blog_asks_a_hundred_people_a_day_and_removing_them_gives_no_more(
    blog, admin, send, mailoutbox
):
    def addresses(start, count):
        return "\n".join(f"r{n}@example.com" for n in range(start, start + count))

    assert "Asked 60 people" in text_of(send(admin, addresses(0, 60)))
    Subscriber.objects.all().delete()  # the budget is not in the rows
    text = text_of(send(admin, addresses(100, 50)))
    assert "This list would ask 50 people to confirm, but your blog can ask 40 more today" in text
    assert len(mailoutbox) == 60 and not Subscriber.objects.exists()
    assert "Asked 40 people" in text_of(send(admin, addresses(100, 40)))
    assert "you can ask 0 more today" in text_of(admin.get(IMPORT))


def test_a_blog_staff_reviewed_asks_up_to_a_thousand_a_day(blog, admin, send, mailoutbox):
    set_blog_flags(blog, reviewed=True)
    text = text_of(send(admin, "\n".join(f"r{n}@example.com" for n in range(150))))
    assert "Asked 150 people" in text and "you can ask 850 more today" in text


def test_a_big_list_does_not_close_the_blogs_form_to_readers(
    blog, admin, send, mailoutbox, django_capture_on_commit_callbacks
):
    send(admin, "\n".join(f"r{n}@example.com" for n in range(100)))
    with django_capture_on_commit_callbacks(execute=True):
        host_client(blog).post(
            "/subscribe/", {"email": "reader@example.com"}, HTTP_ORIGIN="http://letters.localhost"
        )
    assert len(mailoutbox) == 101 and mailoutbox[-1].to == ["reader@example.com"]


def test_an_address_many_blogs_asked_today_is_held_back_for_tomorrow(
    make_blogger, login, send, mailoutbox
):
    for n in range(6):
        owner = login(make_blogger(f"asker{n}").owner)
        text = text_of(send(owner, "popular@example.com"))
    assert "Asked 0 people to confirm." in text
    assert "1 could not be asked today" in text and "Add it again tomorrow." in text
    assert len(mailoutbox) == 5
    assert Subscriber.objects.count() == 5  # nothing stored for the sixth blog


def test_a_blocked_blog_asks_nobody(blog, admin, mailoutbox, django_capture_on_commit_callbacks):
    set_blog_flags(blog, blocked=True)
    page = admin.get(IMPORT)
    assert "Staff have blocked Letters, so it cannot ask anyone to subscribe." in text_of(page)
    assert FORM_ID not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(IMPORT, {"addresses": "victim@example.com"})
    assert response.status_code == 302  # Wagtail's answer to PermissionDenied
    assert response["Location"] == reverse("wagtailadmin_home")
    assert not Subscriber.objects.exists() and not mailoutbox


# --- Whose list --------------------------------------------------------------------------


def test_a_list_goes_to_the_senders_own_blog_whatever_the_form_says(
    blog, make_blogger, login, send, mailoutbox
):
    rival = make_blogger("rival")
    send(login(rival.owner), "mine@example.com", blog=str(blog.pk), blog_id=str(blog.pk))
    assert list(Subscriber.objects.values_list("blog_id", "email")) == [
        (rival.pk, "mine@example.com")
    ]
    assert "rival.localhost" in mailoutbox[0].body and "letters" not in mailoutbox[0].body


def test_a_logged_out_visitor_is_sent_to_log_in_and_nothing_is_sent(
    blog, platform_client, mailoutbox
):
    response = platform_client.post(IMPORT, {"addresses": "victim@example.com"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Subscriber.objects.exists() and not mailoutbox


def test_staff_without_a_blog_of_their_own_add_nobody(blog, login, mailoutbox):
    staff = login(get_user_model().objects.create_superuser("staff", "staff@example.com", "x"))
    assert staff.get(IMPORT).status_code == 404
    assert staff.post(IMPORT, {"addresses": "victim@example.com"}).status_code == 404
    assert "Add subscribers" not in staff.get(reverse("subscribers:index")).content.decode()
    assert not Subscriber.objects.exists() and not mailoutbox


def test_the_listing_leads_a_blogger_to_add_subscribers(blog, admin):
    html = admin.get(reverse("subscribers:index")).content.decode()
    assert f'href="{IMPORT}"' in html and "Add subscribers" in html


def test_each_list_is_in_the_blogs_history(blog, admin, send):
    send(admin, "ann@example.com, bob@example.com")
    history = admin.get(reverse("wagtailadmin_pages:history", args=[blog.pk])).content.decode()
    assert "Asked 2 people to confirm a subscription" in history


# --- Export ------------------------------------------------------------------------------


@pytest.fixture
def mixed_list(blog, make_blogger):
    subscriber(blog, "confirmed@example.com", confirmed=True)
    subscriber(blog, "waiting@example.com")
    subscriber(make_blogger("rival"), "theirs@example.com", confirmed=True)


def test_the_plain_text_export_holds_the_blogs_confirmed_addresses_one_a_line(mixed_list, admin):
    listing = admin.get(reverse("subscribers:index")).content.decode()
    assert "Download confirmed addresses (text)" in listing and "export=txt" in listing
    response = admin.get(reverse("subscribers:index") + "?export=txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="subscribers.txt"'
    assert b"".join(response.streaming_content).decode() == "confirmed@example.com\n"


def test_the_csv_export_holds_those_waiting_too_with_no_confirmation_date(mixed_list, admin):
    response = admin.get(reverse("subscribers:index") + "?export=csv")
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0] == "Email,Confirmed at,Subscribed at"
    by_address = {row.split(",")[0]: row.split(",")[1] for row in rows[1:]}
    assert set(by_address) == {"confirmed@example.com", "waiting@example.com"}
    assert by_address["waiting@example.com"] == "" and by_address["confirmed@example.com"]


def test_the_listing_says_in_words_who_has_confirmed(mixed_list, admin):
    html = re.sub(r"\s+", " ", admin.get(reverse("subscribers:index")).content.decode())
    assert re.search(r"confirmed@example.com.*?<td[^>]*> ?Confirmed ?</td>", html)
    assert re.search(r"waiting@example.com.*?<td[^>]*> ?Waiting to confirm ?</td>", html)


def test_an_empty_listing_says_how_subscribers_come(blog, admin):
    text = text_of(admin.get(reverse("subscribers:index")))
    assert "Nobody has subscribed yet." in text and "“Add subscribers”" in text
