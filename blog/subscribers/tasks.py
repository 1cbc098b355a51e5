"""The mail a blog's subscribers get, sent from background tasks (django-tasks).

Two kinds: the confirmation email with its signed link (double opt-in), and the new-post
email, each with a one-click unsubscribe link (RFC 8058 ``List-Unsubscribe`` headers).
Both leave from the platform's address, so the blog's title, and a post's title in the
headers, are ``blogger_text``: one line with no link, named as "a blog on <platform>" at
its own address. A new post's excerpt is left as the blogger wrote it: confirmed
subscribers asked for the blog's posts. How often a confirmation may go out is decided
before it is queued (``blog.subscribers.confirmations``).

New-post mail goes through an outbox, ``Delivery``, so that a mail outage never breaks
publishing and no subscriber gets a post twice or never:

1. Publishing a visible post enqueues ``notify_subscribers`` after the commit;
   ``manage.py send_subscriber_mail`` does the same for scheduled posts once their date
   has come. Both call ``notify_post``: one conditional UPDATE stamps the post's
   ``subscribers_notified_at`` (whoever stamps it owns the post) and, in the same
   transaction, creates one Delivery per confirmed subscriber.
2. ``send_deliveries`` claims each due Delivery with a conditional UPDATE (two senders
   cannot both claim one), sends it, and stamps ``sent_at``. A failure counts an attempt
   and sets the next one after a growing delay; the task backend runs a retry then when
   it can defer tasks, and the periodic command retries whatever is due in any case.

The one window left: SMTP accepted a message but the process died before ``sent_at``
was stored. The claim expires after ``CLAIM_DURATION`` and that one mail goes again.
"""

import logging
from datetime import timedelta
from email.utils import formataddr, parseaddr
from html import unescape
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django_tasks import task

from blog.caching.cdn import purge_post
from blog.caching.page_cache import forget_blog_pages
from blog.core.platform_mail import MAIL_ERRORS, blogger_text
from blog.core.retries import MAX_ATTEMPTS, can_defer, retry_delay
from blog.models import Delivery, PostPage, Subscriber

logger = logging.getLogger(__name__)

# A post is news while its published date is at most this old: older posts published for
# the first time (back-dated, imported) or republished after an edit are not mailed.
NEWS_WINDOW = timedelta(days=7)
CONFIRM_LINK_MAX_AGE = timedelta(days=7)
# A claim outlives any single send (EMAIL_TIMEOUT is seconds); if the sender dies, the
# delivery becomes due again after it.
CLAIM_DURATION = timedelta(minutes=10)
# Retries follow blog.core.retries; after MAX_ATTEMPTS a delivery's row stays, unsent.
EXCERPT_LENGTH = 300
LINK_SALTS = {
    "confirm": "bearcms.subscriptions.confirm",
    "unsubscribe": "bearcms.subscriptions.unsubscribe",
}


# --- Signed links ----------------------------------------------------------------------


class InvalidLink(Exception):
    """A confirm or unsubscribe link that cannot be used; the message says why."""


def subscriber_link(subscriber, purpose):
    """The absolute URL on the subscriber's blog that confirms or ends the subscription.

    The token names blog, subscriber and address, so it works on that blog's host only
    and stops working once the subscriber row is gone.
    """
    token = signing.dumps(
        [subscriber.blog_id, subscriber.pk, subscriber.email], salt=LINK_SALTS[purpose]
    )
    return f"{subscriber.blog.get_full_url()}subscribe/{purpose}/{token}/"


def read_link_token(blog, token, purpose):
    """The (subscriber id, email) a link of ``blog`` names; raises InvalidLink.

    Confirmation links expire (an address must be confirmed while the request is fresh);
    unsubscribe links never do, they sit in old mail.
    """
    max_age = CONFIRM_LINK_MAX_AGE if purpose == "confirm" else None
    try:
        blog_id, subscriber_id, email = signing.loads(
            token, salt=LINK_SALTS[purpose], max_age=max_age
        )
    except signing.SignatureExpired:
        raise InvalidLink(
            "This confirmation link has expired. Subscribe again to get a new one."
        ) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidLink("This link is not valid. Copy the whole link from the email.") from None
    if blog_id != blog.pk:
        raise InvalidLink("This link belongs to another blog.")
    return subscriber_id, email


# --- Composing -------------------------------------------------------------------------


def blog_sender(blog):
    """DEFAULT_FROM_EMAIL's address, named after the blog and the platform it is on: the
    address is the platform's, the name must not pass for the platform's own."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = f"{blogger_text(blog.title)} (a blog on {settings.WAGTAIL_SITE_NAME})"
    return formataddr((name, address))


def blog_context(blog):
    """What the mail templates say of the blog: its title as ``blogger_text``, the
    platform it is on and its own address, which readers can check."""
    return {
        "blog": blog,
        "blog_name": blogger_text(blog.title),
        "blog_url": blog.get_full_url(),
        "platform": settings.WAGTAIL_SITE_NAME,
    }


def post_excerpt(post):
    """The start of the post as plain text: no Markdown syntax, no HTML."""
    text = " ".join(unescape(strip_tags(post.body_html)).split())
    return Truncator(text).chars(EXCERPT_LENGTH)


def confirmation_message(subscriber):
    """The link to confirm, in words for whoever asked: the reader, who subscribed, or the
    blogger, who added the address to the blog's list (the person has asked for nothing)."""
    blog = subscriber.blog
    context = {**blog_context(blog), "confirm_url": subscriber_link(subscriber, "confirm")}
    if subscriber.added_by_blogger:
        subject = f"Would you like new posts of {context['blog_name']} by email?"
        template = "blog/subscribers/confirm_added.txt"
    else:
        subject = f"Confirm your subscription to {context['blog_name']}"
        template = "blog/email/confirm.txt"
    return EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(template, context),
        from_email=blog_sender(blog),
        to=[subscriber.email],
    )


def new_post_message(post, subscriber):
    blog = post.blog
    unsubscribe_url = subscriber_link(subscriber, "unsubscribe")
    context = {
        **blog_context(blog),
        "title": blogger_text(post.title),
        "post_url": post.get_full_url(),
        "excerpt": post_excerpt(post),
        "unsubscribe_url": unsubscribe_url,
    }
    message = EmailMultiAlternatives(
        subject=context["title"],
        body=render_to_string("blog/email/new_post.txt", context),
        from_email=blog_sender(blog),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("blog/email/new_post.html", context), "text/html")
    return message


# --- Confirmation mail -----------------------------------------------------------------


def send_confirmation_later(subscriber):
    """Mail the confirmation link once the subscription is committed."""
    subscriber_id = subscriber.pk
    transaction.on_commit(lambda: send_confirmation.enqueue(subscriber_id), robust=True)


@task()
def send_confirmation(subscriber_id, attempt=1):
    """Send the confirmation email; on failure try again later if the backend can wait.

    With an inline backend there is no later: the reader submits the form again.
    """
    subscriber = (
        Subscriber.objects.select_related("blog")
        .filter(pk=subscriber_id, confirmed_at__isnull=True)
        .first()
    )
    if subscriber is None:  # confirmed or unsubscribed in the meantime
        return
    try:
        confirmation_message(subscriber).send()
    except MAIL_ERRORS as error:
        logger.warning("Confirmation mail to subscriber %s failed: %s", subscriber_id, error)
        if attempt < MAX_ATTEMPTS and can_defer(send_confirmation):
            run_after = timezone.now() + retry_delay(attempt)
            send_confirmation.using(run_after=run_after).enqueue(subscriber_id, attempt + 1)


# --- New-post mail ---------------------------------------------------------------------


def is_news(post, now):
    """Dated within NEWS_WINDOW of now: worth an email (see NEWS_WINDOW)."""
    return post.published_date >= now - NEWS_WINDOW


def notify_after_publishing(sender, instance, **kwargs):
    """``page_published`` receiver: mail a newly visible post once the publish commits.

    Scheduled posts are left to ``send_subscriber_mail``; a failed enqueue is logged by
    ``robust`` and never fails the publish (the periodic command catches the post up).
    """
    if (
        isinstance(instance, PostPage)
        and not instance.is_page
        and instance.subscribers_notified_at is None
        and instance.is_visible_now()
    ):
        post_id = instance.pk
        transaction.on_commit(lambda: notify_subscribers.enqueue(post_id), robust=True)


def notify_post(post_id):
    """Create the post's deliveries, once in the post's life; True if this call did it.

    The claim filters on the post's own row only, so that on PostgreSQL a second claim
    waits for the first and then finds the stamp.
    """
    now = timezone.now()
    post = (
        PostPage.objects.live()
        .filter(pk=post_id, is_page=False, published_date__lte=now)
        .select_related("blog")
        .first()
    )
    if post is None:
        return False
    with transaction.atomic():
        claimed = PostPage.objects.filter(pk=post_id, subscribers_notified_at__isnull=True)
        if not claimed.update(subscribers_notified_at=now):
            return False
        blog = post.blog
        if blog.email_notifications and not blog.blocked and is_news(post, now):
            subscribers = blog.email_subscribers.filter(confirmed_at__isnull=False)
            Delivery.objects.bulk_create(
                [Delivery(post_id=post_id, subscriber_id=pk, next_attempt_at=now)
                 for pk in subscribers.values_list("pk", flat=True)],
                batch_size=500,
                ignore_conflicts=True,
            )  # fmt: skip
    return True


@task()
def notify_subscribers(post_id):
    """Create a newly published post's deliveries and send them."""
    notify_post(post_id)
    send_post_deliveries.call(post_id)


@task()
def send_post_deliveries(post_id):
    """Send the post's due deliveries; if some failed, come back when they are due."""
    if send_deliveries(Delivery.objects.filter(post_id=post_id)) and can_defer(
        send_post_deliveries
    ):
        retry = Delivery.objects.filter(
            post_id=post_id, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
        ).aggregate(at=Min("next_attempt_at"))["at"]
        if retry is not None:
            send_post_deliveries.using(run_after=retry).enqueue(post_id)


def send_deliveries(deliveries):
    """Send each due delivery of ``deliveries`` that this process can claim, over one
    connection; return how many failed.

    A refused recipient fails alone; any other error means the server is unreachable,
    so the rest wait for the next run instead of each waiting for a timeout.
    """
    due = (
        deliveries.filter(pk__in=Delivery.due().values("pk"), post__live=True)  # not if unpublished
        .select_related("subscriber")
        .order_by("next_attempt_at", "pk")
    )
    # Listed up front: rows change as they are sent, and SQLite cursors see that.
    due = list(due)
    posts = PostPage.objects.select_related("blog").in_bulk({d.post_id for d in due})
    failed = 0
    connection = get_connection()
    try:
        for delivery in due:
            if not Delivery.claim(delivery.pk, CLAIM_DURATION):
                continue  # another sender has it
            post = posts[delivery.post_id]
            delivery.subscriber.blog = post.blog  # the same blog, loaded once
            try:
                connection.open()
                connection.send_messages([new_post_message(post, delivery.subscriber)])
            except SMTPRecipientsRefused as error:
                Delivery.record_failure(delivery.pk, error)
                failed += 1
                continue
            except MAIL_ERRORS as error:
                Delivery.record_failure(delivery.pk, error)
                failed += 1
                break
            Delivery.mark_sent(delivery.pk)
    finally:
        connection.close()
    return failed


def send_subscriber_mail():
    """The periodic pass: scheduled posts whose date has come, then every due delivery
    (first attempts left over and retries). Returns how many failed.

    A scheduled post appears on its own once its date has come, except where pages were
    cached before: so the first run to claim it also forgets its blog's cached pages and
    purges them from the CDN, and readers see it within one run of the command.
    """
    now = timezone.now()
    due_posts = PostPage.objects.live().filter(
        is_page=False,
        subscribers_notified_at__isnull=True,
        published_date__lte=now,
        published_date__gte=now - NEWS_WINDOW,
    )
    for post in due_posts.select_related("blog"):
        if notify_post(post.pk):
            forget_blog_pages(post.blog_id)
            purge_post(post)
    return send_deliveries(Delivery.objects.all())
