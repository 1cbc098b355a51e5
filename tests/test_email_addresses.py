"""Adding an email address to an account at /accounts/email/ refuses throwaway and
undeliverable addresses as sign-up does (home.adapter.AccountAdapter.clean_email), while a
password reset still reaches an account whose domain was listed after it signed up."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from tests.conftest import PASSWORD


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
