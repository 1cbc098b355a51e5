"""Account mail (sign-up confirmation, password reset, address confirmation) sent from a
background task, so that a mail outage never fails or slows a request and the mail still
arrives once the provider is back.

allauth renders the message in the request (templates, links and site need it); its
parts go to ``send_account_mail`` as JSON, which the database task backend keeps for the
worker. A failed send is enqueued again on ``blog.core.platform_mail``'s schedule while the
backend can defer tasks; with the inline backend (development) it is logged and the
person asks for the mail again.

The task is enqueued at once rather than on commit: the database backend writes it in
the request's transaction, so a rolled-back request leaves no task behind, and allauth
sends its mail outside any transaction of ours anyway.

allauth's address confirmation names the account ("user ... has given your email
address") and goes to whatever address was given, so ours
(``templates/account/email/email_confirmation_message.txt``) names none. The sign-up
confirmation names the new blog and its address instead (``home.adapter``).
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from blog.core.platform_mail import MAIL_ERRORS, masked
from blog.core.retries import MAX_ATTEMPTS, can_defer, retry_delay

logger = logging.getLogger(__name__)


def message_parts(message):
    """What ``send_account_mail`` needs to rebuild ``message``, as JSON-able values."""
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def send_account_mail_later(kind, message):
    """Queue ``message`` (an EmailMessage allauth rendered); ``kind`` names it in logs."""
    send_account_mail.enqueue(kind, message_parts(message))


@task()
def send_account_mail(kind, parts, attempt=1):
    """Send one account mail; on failure, try again later if the backend can wait."""
    message = EmailMultiAlternatives(
        subject=parts["subject"],
        body=parts["body"],
        from_email=parts["from_email"],
        to=parts["to"],
        headers=parts["headers"],
    )
    for content, mimetype in parts["alternatives"]:
        message.attach_alternative(content, mimetype)
    try:
        message.send()
    except MAIL_ERRORS as error:
        recipients = ", ".join(masked(address) for address in parts["to"])
        if attempt < MAX_ATTEMPTS and can_defer(send_account_mail):
            logger.warning(
                "Could not send %s to %s (attempt %d), will retry: %s",
                kind, recipients, attempt, without_addresses(error),
            )  # fmt: skip
            run_after = timezone.now() + retry_delay(attempt)
            send_account_mail.using(run_after=run_after).enqueue(kind, parts, attempt + 1)
        else:
            logger.error("Could not send %s to %s: %s", kind, recipients, without_addresses(error))


def without_addresses(error):
    """What went wrong, for the log, without the addresses some SMTP errors carry
    (``SMTPRecipientsRefused`` names every recipient)."""
    code = getattr(error, "smtp_code", None)
    detail = code if code is not None else getattr(error, "strerror", None)
    return f"{type(error).__name__} {detail}" if detail else type(error).__name__
