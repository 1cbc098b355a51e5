"""An account's email address changes only through allauth's verified flow at
/accounts/email/: an address is added, confirmed by the link mailed to it, then made
primary, and only then is it the account's (``User.email``, which staff see and write
to). Adding one refuses throwaway and undeliverable addresses as sign-up does
(home.adapter.AccountAdapter.clean_email), and another account's address never becomes
this one's. The dashboard's Account page shows the address but does not change it
(home.account_email). A password reset still reaches an account whose domain was
listed after it signed up."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models.fields.files import FieldFile

from tests.support.clients import PASSWORD

ACCOUNT_URL = "/dashboard/account/"
CONFIRMATION_LINK = re.compile(r"/accounts/confirm-email/[^/\s]+/")


def add_email(client, email):
    return client.post("/accounts/email/", {"action_add": "", "email": email})


def form_errors(response):
    return [str(error) for error in response.context["form"].errors.get("email", [])]


@pytest.mark.parametrize(
    "email, message",
    [
        ("me@mailinator.com", "mailinator.com hands out throwaway addresses"),
        ("Me@EU.YopMail.com", "eu.yopmail.com hands out throwaway addresses"),
        ("me@mail.invalid", "“mail.invalid” is not a domain that can receive email"),
    ],
)
def test_adding_a_throwaway_address_is_refused_with_the_reason_and_stores_nothing(
    make_blogger, login, email, message
):
    owner = make_blogger("keeper").owner
    response = add_email(login(owner), email)
    assert response.status_code == 200
    assert any(message in error for error in form_errors(response))
    assert message in response.content.decode()
    assert list(EmailAddress.objects.filter(user=owner).values_list("email", flat=True)) == [
        owner.email
    ]
    assert not mail.outbox


def test_adding_an_ordinary_address_stores_it_unverified_and_mails_a_confirmation(
    make_blogger, login
):
    owner = make_blogger("keeper").owner
    response = add_email(login(owner), "second@fastmail.com")
    assert response.status_code == 302
    added = EmailAddress.objects.get(user=owner, email="second@fastmail.com")
    assert not added.verified and not added.primary
    assert [message.to for message in mail.outbox] == [["second@fastmail.com"]]


def test_a_password_reset_reaches_an_account_whose_domain_was_listed_later(platform_client):
    user = get_user_model().objects.create_user("early", "early@mailinator.com", PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = platform_client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["early@mailinator.com"]]


# --- The dashboard's Account page --------------------------------------------------------


def account_form_data(client):
    """Every field of every form on the Account page, filled in as the page shows them."""
    response = client.get(ACCOUNT_URL)
    assert response.status_code == 200
    data = {}
    for panels in response.context["panels_by_tab"].values():
        for panel in panels:
            for field in panel.get_form():
                value = field.value()
                if value is not None and not isinstance(value, FieldFile):
                    data[field.html_name] = value
    return data | {"name_email-first_name": "Ann", "name_email-last_name": "Lee"}


def test_the_account_page_saves_the_name_but_never_the_email(make_blogger, login):
    owner = make_blogger("keeper").owner
    other = make_blogger("other").owner
    client = login(owner)
    for forged in [other.email, "staff@example.com", "me@mailinator.com", "new@fastmail.com"]:
        data = account_form_data(client) | {"name_email-email": forged}
        assert client.post(ACCOUNT_URL, data).status_code == 302  # saved
        owner.refresh_from_db()
        assert (owner.email, owner.first_name, owner.last_name) == (
            "keeper@example.com",
            "Ann",
            "Lee",
        )
    assert list(EmailAddress.objects.filter(user=owner).values_list("email", flat=True)) == [
        "keeper@example.com"
    ]


def test_the_account_page_shows_the_address_and_where_to_change_it(make_blogger, login):
    owner = make_blogger("keeper").owner
    page = login(owner).get(ACCOUNT_URL).content.decode()
    assert 'name="name_email-email"' not in page
    assert "keeper@example.com" in page
    assert 'href="/accounts/email/"' in page


def test_a_name_longer_than_the_account_holds_is_a_form_error(make_blogger, login):
    # Wagtail's form declares the name fields without a length; the model's limit still
    # applies (ModelForm validates the instance), so PostgreSQL never sees a long name.
    owner = make_blogger("keeper").owner
    client = login(owner)
    data = account_form_data(client) | {"name_email-first_name": "x" * 151}
    response = client.post(ACCOUNT_URL, data)
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    owner.refresh_from_db()
    assert owner.first_name == ""


# --- Changing the address at /accounts/email/ --------------------------------------------


def make_primary(client, email):
    return client.post("/accounts/email/", {"action_primary": "", "email": email})


def follow_confirmation_link(client, message):
    """What the address's owner does with the mail: open the link and press Confirm."""
    return client.post(CONFIRMATION_LINK.search(message.body)[0])


def test_a_new_address_is_the_accounts_only_once_confirmed_and_made_primary(make_blogger, login):
    owner = make_blogger("keeper").owner
    client = login(owner)
    assert add_email(client, "new@fastmail.com").status_code == 302
    make_primary(client, "new@fastmail.com")
    owner.refresh_from_db()
    assert owner.email == "keeper@example.com"
    assert not EmailAddress.objects.get(email="new@fastmail.com").primary

    (message,) = mail.outbox
    assert message.to == ["new@fastmail.com"]
    follow_confirmation_link(client, message)
    added = EmailAddress.objects.get(email="new@fastmail.com")
    assert added.verified and not added.primary
    owner.refresh_from_db()
    assert owner.email == "keeper@example.com"

    make_primary(client, "new@fastmail.com")
    owner.refresh_from_db()
    assert owner.email == "new@fastmail.com"
    assert EmailAddress.objects.get(user=owner, primary=True).email == "new@fastmail.com"


def test_another_accounts_address_never_becomes_this_accounts(make_blogger, login):
    owner = make_blogger("keeper").owner
    other = make_blogger("other").owner
    client = login(owner)
    add_email(client, other.email.upper())
    make_primary(client, other.email)
    # Only the address's owner is mailed, and even their following the link changes nothing.
    (message,) = mail.outbox
    assert message.to == [other.email]
    follow_confirmation_link(client, message)
    make_primary(client, other.email)
    owner.refresh_from_db()
    assert owner.email == "keeper@example.com"
    assert not EmailAddress.objects.filter(user=owner, email=other.email, verified=True).exists()
    assert EmailAddress.objects.get(user=other).verified
