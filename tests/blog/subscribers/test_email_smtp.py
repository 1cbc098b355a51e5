"""Account emails leave through a real SMTP server when EMAIL_HOST is configured.

Two servers: a plain one, and one shaped like a hosted provider's submission port
(STARTTLS required, then AUTH required) with a throwaway self-signed certificate. A mail
failure, such as a wrong password, is a logged error and never breaks the request (here
the inline task backend sends at once; tests/system/test_faults_services.py proves the worker's
retries).
"""

import email
import logging
import shutil
import smtplib
import ssl
import subprocess
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from django.core.cache import cache
from django.core.mail import get_connection, send_mail
from django.test import Client

from blog.core.names import blog_hostname
from blog.models import BlogPage, Subscriber
from tests.support.clients import PASSWORD, host_client
from tests.support.ports import free_port
from tests.support.smtp import Inbox

SMTP_USER = "postmaster@mail.example.com"
SMTP_PASSWORD = "smtp-secret-Zq81"
WRONG_PASSWORD = "wrong-secret-Xk42"


def authenticator(server, session, envelope, mechanism, auth_data):
    """Accept one user and password, by LOGIN or PLAIN."""
    ok = (
        mechanism in ("LOGIN", "PLAIN")
        and isinstance(auth_data, LoginPassword)
        and auth_data.login == SMTP_USER.encode()
        and auth_data.password == SMTP_PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def make_certificate(directory, common_name):
    """A self-signed certificate and its key, made by the openssl CLI: (cert, key)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [shutil.which("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-subj", f"/CN={common_name}", "-addext", f"subjectAltName=IP:{common_name}",
         "-days", "1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1, made by the openssl CLI: (cert, key)."""
    return make_certificate(tmp_path, "127.0.0.1")


@pytest.fixture
def provider_smtp(settings, monkeypatch, tls_certificate):
    """A submission server like a hosted provider's on 587: STARTTLS first, then AUTH.

    Django is configured the way production is (EMAIL_USE_TLS, user and password), and
    the throwaway certificate is the only CA that Python's default context trusts.
    """
    cert, key = tls_certificate
    tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_context.load_cert_chain(cert, key)
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=tls_context,
        require_starttls=True, auth_required=True, auth_require_tls=True,
        authenticator=authenticator,
    )  # fmt: skip
    controller.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = SMTP_USER, SMTP_PASSWORD
    settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL = True, False
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


def sign_up(email, subdomain, follow=False):
    return Client(HTTP_HOST="localhost").post(
        "/accounts/signup/",
        {"email": email, "subdomain": subdomain, "password1": PASSWORD, "password2": PASSWORD},
        follow=follow,
    )


def assert_signed_up_without_mail(response, email, subdomain):
    """The account and blog exist and the person sees the "confirm your email" page."""
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert "Verify Your Email Address" in response.content.decode()
    blog = BlogPage.objects.get(subdomain=subdomain)
    assert blog.owner.email == email


def test_sign_up_confirmation_is_delivered_over_smtp(db, smtp_inbox):
    response = sign_up("smtp@example.com", "smtp-blog")
    assert response.status_code == 302
    [(recipients, content)] = smtp_inbox.messages
    assert recipients == ["smtp@example.com"]
    assert "/accounts/confirm-email/" in content


def test_address_confirmation_names_no_account(db, smtp_inbox):
    # allauth names the account by a username made from the address's local part, and
    # the mail goes to whatever address is given (also one added to an account later).
    sign_up("paypal.com-help@example.com", "helpdesk")
    [(_recipients, content)] = smtp_inbox.messages
    message = email.message_from_string(content, policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "This address was given for an account on" in text
    assert "/accounts/confirm-email/" in text
    assert "paypal" not in text


def test_sign_up_confirmation_is_delivered_over_starttls_with_auth(db, provider_smtp):
    response = sign_up("tls@example.com", "tls-blog")
    assert response.status_code == 302
    [(recipients, content)] = provider_smtp.messages
    assert recipients == ["tls@example.com"]
    assert "/accounts/confirm-email/" in content
    assert provider_smtp.sessions == [(True, SMTP_USER.encode())]


def test_a_server_requiring_starttls_refuses_a_client_without_tls(db, provider_smtp, settings):
    settings.EMAIL_USE_TLS = False
    with pytest.raises(smtplib.SMTPException):
        send_mail("Hi", "Body", None, ["plain@example.com"])
    assert provider_smtp.messages == []


def test_sign_up_still_succeeds_when_the_server_refuses_a_client_without_tls(
    db, provider_smtp, settings, caplog
):
    settings.EMAIL_USE_TLS = False
    with caplog.at_level(logging.ERROR, logger="home.account_mail"):
        response = sign_up("notls@example.com", "notls-blog", follow=True)
    assert_signed_up_without_mail(response, "notls@example.com", "notls-blog")
    [record] = [r for r in caplog.records if r.name == "home.account_mail"]
    assert record.levelno == logging.ERROR
    assert provider_smtp.messages == []


def test_a_wrong_smtp_password_is_rejected_by_the_server(db, provider_smtp, settings):
    settings.EMAIL_HOST_PASSWORD = WRONG_PASSWORD
    with pytest.raises(smtplib.SMTPAuthenticationError):
        get_connection().open()


def test_a_wrong_smtp_password_logs_an_error_and_sign_up_still_succeeds(
    db, provider_smtp, settings, caplog
):
    settings.EMAIL_HOST_PASSWORD = WRONG_PASSWORD
    with caplog.at_level(logging.ERROR, logger="home.account_mail"):
        response = sign_up("wrongpw@example.com", "wrongpw-blog", follow=True)
    assert_signed_up_without_mail(response, "wrongpw@example.com", "wrongpw-blog")
    [record] = [r for r in caplog.records if r.name == "home.account_mail"]
    assert record.levelno == logging.ERROR
    message = record.getMessage()
    assert "account/email/email_confirmation_signup" in message
    assert "535" in message  # the SMTP authentication failure, named
    assert "w***@example.com" in message and "wrongpw@example.com" not in message
    assert WRONG_PASSWORD not in caplog.text and SMTP_PASSWORD not in caplog.text
    assert provider_smtp.messages == []


def test_the_confirmation_can_be_resent_once_the_password_is_fixed(
    db, provider_smtp, settings, caplog
):
    settings.EMAIL_HOST_PASSWORD = WRONG_PASSWORD
    client = Client(HTTP_HOST="localhost")
    response = client.post(
        "/accounts/signup/",
        {"email": "later@example.com", "subdomain": "later-blog", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302 and provider_smtp.messages == []
    settings.EMAIL_HOST_PASSWORD = SMTP_PASSWORD
    cache.clear()  # allauth's resend cooldown (3 minutes) has passed
    response = client.post("/accounts/login/", {"login": "later@example.com", "password": PASSWORD})
    assert response.status_code == 302
    [(recipients, content)] = provider_smtp.messages
    assert recipients == ["later@example.com"]
    assert "/accounts/confirm-email/" in content


def test_a_wrong_smtp_password_still_shows_the_reader_the_subscribe_page(
    make_blogger, provider_smtp, settings, caplog, django_capture_on_commit_callbacks
):
    blog = make_blogger("letters")
    settings.EMAIL_HOST_PASSWORD = WRONG_PASSWORD
    with (
        caplog.at_level(logging.WARNING, logger="blog.subscribers.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = host_client(blog).post(
            "/subscribe/",
            {"email": "reader@example.com"},
            HTTP_ORIGIN=f"http://{blog_hostname(blog.subdomain)}",
        )
    assert response.status_code == 200
    assert Subscriber.objects.get(blog=blog).email == "reader@example.com"
    [record] = [r for r in caplog.records if r.name == "blog.subscribers.tasks"]
    assert record.levelno == logging.WARNING
    assert "535" in record.getMessage()
    assert WRONG_PASSWORD not in caplog.text and SMTP_PASSWORD not in caplog.text
    assert provider_smtp.messages == []


def test_a_server_certificate_from_an_untrusted_ca_is_refused(
    db, provider_smtp, monkeypatch, tmp_path
):
    # Django builds its STARTTLS context with ssl.create_default_context(), which reads
    # SSL_CERT_FILE: trusting another certificate only, the test server's is refused.
    other = tmp_path / "other"
    other.mkdir()
    other_cert, _key = make_certificate(other, "127.0.0.1")
    monkeypatch.setenv("SSL_CERT_FILE", str(other_cert))
    with pytest.raises(ssl.SSLCertVerificationError):
        send_mail("Hi", "Body", None, ["mitm@example.com"])
    assert provider_smtp.messages == []
