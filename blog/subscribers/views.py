"""Email subscriptions on a blog host: the signup form, confirming, unsubscribing.

``{{ email-signup }}`` renders a plain form that POSTs to ``/subscribe/``. Like every
reader endpoint that writes (``blog.core.reader_requests``), the POST must come from the
blog's own pages and is rate limited per IP; blog hosts set no cookies, so there is no
CSRF token. A valid address is stored unconfirmed and mailed a signed link (double
opt-in, ``blog.subscribers.tasks``). The answer is the same whether the address was new,
waiting for confirmation or confirmed already, so the form cannot tell anyone who
subscribes; a confirmed address simply gets no second mail.

Anyone can type anyone's address into any blog's form, so confirmation mail is rationed
(``blog.subscribers.confirmations``), the same answer given whatever was decided: one a
day for an address on a blog, a few a day for an address over all blogs, and a cap on how
many addresses a blog may be waiting to hear from. A real reader asks once and confirms
within minutes, and never meets these limits.

Confirm and unsubscribe links open a page with a button, and only the POST acts: mail
scanners fetch every link in a message, and must not confirm or unsubscribe anyone. The
signed token authenticates those POSTs, so they need no Origin check, and a mail
provider's one-click unsubscribe (RFC 8058) works as is.
"""

from django.http import HttpResponseForbidden
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from blog.core.reader_requests import same_origin, seconds_until_allowed, too_many_requests
from blog.subscribers.confirmations import ask_to_confirm
from blog.subscribers.forms import SubscribeForm
from blog.subscribers.tasks import InvalidLink, read_link_token

RATE_LIMIT = 5  # subscribe requests per window from one IP address
RATE_WINDOW = 600  # seconds


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
    ask_to_confirm(request.blog, form.cleaned_data["email"])
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
