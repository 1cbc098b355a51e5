"""Account emails leave through a real SMTP server when EMAIL_HOST is configured."""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from tests.conftest import PASSWORD


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


def test_sign_up_confirmation_is_delivered_over_smtp(db, smtp_inbox):
    response = Client(HTTP_HOST="localhost").post(
        "/accounts/signup/",
        {"email": "smtp@example.com", "subdomain": "smtp-blog", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302
    [(recipients, content)] = smtp_inbox.messages
    assert recipients == ["smtp@example.com"]
    assert "/accounts/confirm-email/" in content
