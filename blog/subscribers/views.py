"""Email subscriptions on a blog host: the signup form, confirming, unsubscribing.

``{{ email-signup }}`` renders a plain form that POSTs to ``/subscribe/``. Like every
reader endpoint that writes (``blog.core.reader_requests``), the POST must come from the
blog's own pages and is rate limited per IP; blog hosts set no cookies, so there is no
CSRF token. A valid address is stored unconfirmed and mailed a signed link (double
opt-in, ``blog.subscribers.tasks``). The answer is the same whether the address was new,
waiting for confirmation or confirmed already, so the form cannot tell anyone who
subscribes; a confirmed address simply gets no second mail.

Anyone can type anyone's address into any blog's form, so confirmation mail is rationed
(``confirmation_to_send``), the same answer given whatever was decided: one a day for an
address on a blog, a few a day for an address over all blogs, and a cap on how many
addresses a blog may be waiting to hear from. A real reader asks once and confirms within
minutes, and never meets these limits.

Confirm and unsubscribe links open a page with a button, and only the POST acts: mail
scanners fetch every link in a message, and must not confirm or unsubscribe anyone. The
signed token authenticates those POSTs, so they need no Origin check, and a mail
provider's one-click unsubscribe (RFC 8058) works as is.
"""

from datetime import timedelta

from django.core.cache import cache
from django.http import HttpResponseForbidden
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from blog.core.reader_requests import same_origin, seconds_until_allowed, too_many_requests
from blog.models import Subscriber
from blog.subscribers.forms import SubscribeForm
from blog.subscribers.tasks import InvalidLink, read_link_token, send_confirmation_later

RATE_LIMIT = 5  # subscribe requests per window from one IP address
RATE_WINDOW = 600  # seconds
CONFIRMATION_WINDOW = timedelta(days=1)
# Confirmations to one address over all blogs in CONFIRMATION_WINDOW: a reader who finds
# a few blogs at once still gets each link.
CONFIRMATIONS_PER_ADDRESS = 5
# Addresses a blog mailed a confirmation in CONFIRMATION_WINDOW that have not confirmed:
# more than a popular post brings, as real readers confirm within minutes.
PENDING_PER_BLOG = 100


def subscription_page(request, heading, message="", *, button=None, form=None, status=200):
    """A page in the blog's theme: a message, and a button or the signup form."""
    context = {
        "blog": request.blog,
        "page": None,
        "heading": heading,
        "message": message,
        "button": button,
        "form": form,
    }
    return TemplateResponse(request, "blog/subscribe_page.html", context, status=status)


def subscribe_address(blog, email):
    """Record ``email`` as an unconfirmed subscriber of ``blog`` and mail it the link,
    within the limits on confirmation mail; a confirmed address gets nothing.

    The address's daily slot is taken first: a row stamped as mailed when no mail could
    go would leave the reader waiting a day for nothing.
    """
    if not take_address_slot(email):
        return
    subscriber = confirmation_to_send(blog, email)
    if subscriber is not None:
        send_confirmation_later(subscriber)


def confirmation_to_send(blog, email):
    """The unconfirmed subscriber to mail a confirmation now, or None: the address is
    confirmed, was mailed by this blog within CONFIRMATION_WINDOW, or the blog has
    PENDING_PER_BLOG addresses waiting (then nothing new is stored either).

    The database keeps this, in the subscriber rows every process shares: an unconfirmed
    row's ``created_at`` is when it was last mailed. A new row is mailed; an older one is
    stamped again by a conditional UPDATE that one request alone can win, and only once
    the window has passed. The blog's pending count is those rows within the window, so
    readers who confirm free their place. Parallel requests may pass the count together,
    going over the cap by at most their number.
    """
    now = timezone.now()
    since = now - CONFIRMATION_WINDOW
    pending = blog.email_subscribers.filter(confirmed_at__isnull=True, created_at__gte=since)
    if pending[:PENDING_PER_BLOG].count() >= PENDING_PER_BLOG:
        return None
    subscriber, created = Subscriber.objects.get_or_create(blog=blog, email=email)
    if created:
        return subscriber
    due = Subscriber.objects.filter(
        pk=subscriber.pk, confirmed_at__isnull=True, created_at__lt=since
    )
    return subscriber if due.update(created_at=now) else None


def take_address_slot(email):
    """Take one of the address's CONFIRMATIONS_PER_ADDRESS slots, each kept for
    CONFIRMATION_WINDOW; False when all are taken.

    In the shared cache, not the database: subscriber rows are indexed by blog, so
    counting one address over all blogs would read the whole table on every request,
    and a slot need only last a day. ``cache.add`` is atomic in Redis and LocMem, so
    processes cannot take one slot twice (the file cache of a single box can, in a burst),
    and as each slot expires a day after it was taken, the limit holds in any 24 hours.
    The address is kept as a keyed hash.
    """
    digest = salted_hmac("bearcms.subscriptions.address", email.lower()).hexdigest()
    timeout = CONFIRMATION_WINDOW.total_seconds()
    return any(
        cache.add(f"bearcms:confirmation-slot:{digest}:{n}", True, timeout)
        for n in range(CONFIRMATIONS_PER_ADDRESS)
    )


@csrf_exempt  # no CSRF cookie may be set on a blog host: same_origin() guards instead
@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """``/subscribe/``: the signup form (GET) or a subscription request (POST)."""
    heading = f"Subscribe to {request.blog.title}"
    if request.method == "GET":
        return subscription_page(request, heading, form=SubscribeForm())
    if not same_origin(request):
        return HttpResponseForbidden("Subscriptions come only from this blog's own pages.")
    wait = seconds_until_allowed(request, "subscribe", RATE_LIMIT, RATE_WINDOW)
    if wait:
        return too_many_requests("Too many subscription requests. Try again later.", wait)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return subscription_page(request, heading, form=form, status=400)
    subscribe_address(request.blog, form.cleaned_data["email"])
    return subscription_page(
        request,
        "Check your inbox",
        f"If {form.cleaned_data['email']} is not subscribed yet, a message with a link to "
        "confirm the subscription is on its way (at most one a day). Nothing else is sent "
        "until you confirm.",
    )


def linked_subscriber(request, token, purpose):
    """The subscriber a link names on this blog (None if gone); raises InvalidLink."""
    subscriber_id, email = read_link_token(request.blog, token, purpose)
    return request.blog.email_subscribers.filter(pk=subscriber_id, email=email).first()


def invalid_link_page(request, error):
    return subscription_page(request, "This link does not work", str(error), status=400)


@csrf_exempt  # the signed token authenticates the POST
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """``/subscribe/confirm/<token>/``: a button (GET) that confirms (POST)."""
    try:
        subscriber = linked_subscriber(request, token, "confirm")
    except InvalidLink as error:
        return invalid_link_page(request, error)
    if subscriber is None:
        return invalid_link_page(
            request, "This subscription no longer exists. Subscribe again to get a new link."
        )
    if request.method == "POST" and subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    if subscriber.confirmed_at is not None:
        return subscription_page(
            request,
            "You are subscribed",
            f"New posts of {request.blog.title} will come to {subscriber.email}. "
            "Every email has a link to unsubscribe.",
        )
    return subscription_page(
        request,
        "Confirm your subscription",
        f"Send new posts of {request.blog.title} to {subscriber.email}?",
        button="Confirm",
    )


@csrf_exempt  # the signed token authenticates the POST, also a mail provider's one-click
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """``/subscribe/unsubscribe/<token>/``: a button (GET) that unsubscribes (POST)."""
    try:
        subscriber = linked_subscriber(request, token, "unsubscribe")
    except InvalidLink as error:
        return invalid_link_page(request, error)
    if request.method == "POST" and subscriber is not None:
        subscriber.delete()  # its pending deliveries go with it
        subscriber = None
    if subscriber is None:
        return subscription_page(
            request, "You are unsubscribed", f"No more emails from {request.blog.title}."
        )
    return subscription_page(
        request,
        "Unsubscribe",
        f"Stop sending new posts of {request.blog.title} to {subscriber.email}?",
        button="Unsubscribe",
    )
