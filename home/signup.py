"""Sign-up: an allauth account and its blog, created together or not at all.

Bots are kept out by allauth's rate limits (``ACCOUNT_RATE_LIMITS``), by refusing
throwaway and undeliverable addresses (``home.email_domains``, checked by
``home.adapter.AccountAdapter.clean_email`` here and wherever an address is added), and
by allauth's honeypot (``ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD``): a field people never see,
which form-filling scripts fill in. A filled one gets the very page a real sign-up gets
("check your email") and creates nothing, so the bot learns nothing to adapt to.
"""

from allauth.account.forms import SignupForm
from allauth.account.views import SignupView
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.html import escape

from blog.models import BlogPage
from blog.tenants.lifecycle import create_blog, validate_subdomain
from home.subdomain_quarantine import validate_not_quarantined

# Tries at creating the account and its blog when only a username collided (see save).
SAVE_ATTEMPTS = 3


class BlogSignupForm(SignupForm):
    """allauth's email + password sign-up, plus the subdomain of the new blog."""

    subdomain = forms.CharField(
        max_length=63,
        label="Blog address",
        # Django renders help text as HTML: escape the placeholder, or browsers drop it.
        help_text=escape(
            f"Your blog will live at <subdomain>.{settings.BLOG_DOMAIN}. Lowercase "
            "letters, digits and hyphens."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    field_order = ["email", "subdomain", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        honeypot = self.fields.get(settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD)
        if honeypot is not None:
            # allauth gives it no label and takes it out of the tab order. Off-screen to
            # the left, not allauth's right, which would widen the page into a sideways
            # scroll; and hidden from screen readers, which would find a blank box.
            honeypot.widget.attrs["style"] = "position: absolute; left: -99999px;"
            honeypot.widget.attrs["aria-hidden"] = "true"

    def clean_subdomain(self):
        return validate_not_quarantined(validate_subdomain(self.cleaned_data["subdomain"]))

    def save(self, request):
        # The user and the blog are one unit: if the blog cannot be made, no account
        # is left behind that cannot write anywhere.
        subdomain = self.cleaned_data["subdomain"]
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with transaction.atomic():
                    user = super().save(request)
                    create_blog(user, subdomain)
                return user
            except (IntegrityError, ValidationError) as error:
                # Another sign-up took the subdomain between our check and our insert,
                # or (on PostgreSQL, where sign-ups run side by side) only the username
                # allauth made from the address: "sam" for sam@a.example and
                # sam@b.example alike. Then trying again picks a free one.
                taken = BlogPage.objects.filter(subdomain=subdomain).exists()
                if taken or isinstance(error, ValidationError) or attempt + 1 == SAVE_ATTEMPTS:
                    raise SubdomainTaken(
                        f"“{subdomain}” was taken a moment ago. Choose another."
                    ) from error


class SubdomainTaken(Exception):
    """The subdomain was free when the form was checked but not when the blog was made."""


class BlogSignupView(SignupView):
    """allauth's sign-up view, answering a lost race for a subdomain with a form error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except SubdomainTaken as taken:
            form.add_error("subdomain", str(taken))
            return self.form_invalid(form)
