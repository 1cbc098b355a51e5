"""Sign-up: an allauth account and its blog, created together or not at all.

Bots are kept out by allauth's rate limits (``ACCOUNT_RATE_LIMITS``), by refusing
throwaway and undeliverable addresses (``home.email_domains``, checked by
``home.adapter.AccountAdapter.clean_email`` here and wherever an address is added), and
by allauth's honeypot (``ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD``): a field people never see,
which form-filling scripts fill in. A filled one gets the very page a real sign-up gets
("check your email") and creates nothing, so the bot learns nothing to adapt to.

The blog address a person types is read as a browser reads a host name, so the blog is
found at the address they meant: capitals become lowercase (``Hazel`` and ``hazel`` are one
address to every browser, so nothing is lost or guessed). Underscores, spaces and dots are
refused, with the hyphenated name suggested when it is free: ``hazel_notes`` could be meant
as ``hazel-notes`` or ``hazelnotes``, and the address is the one thing of a blog that cannot
change later, so the person picks it, not us.
"""

import re

from allauth.account.forms import SignupForm
from allauth.account.views import SignupView
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.html import escape
from wagtail.models import Site

from blog.core.names import blog_hostname, normalise_subdomain
from blog.models import BlogPage
from blog.tenants.lifecycle import create_blog, validate_subdomain
from home.subdomain_quarantine import validate_not_quarantined

# Tries at creating the account and its blog when only a username collided (see save).
SAVE_ATTEMPTS = 3
# What people put between the words of a name; a host name takes a hyphen there.
WORD_SEPARATORS = re.compile(r"[\s._]+")


def blog_address(subdomain):
    """The address the blog at ``subdomain`` will have, port included where the platform
    runs on one: the root URL of the Site that ``create_blog`` makes for it, which is what
    the blog's page URLs (``full_url``) start with."""
    return Site(hostname=blog_hostname(subdomain), port=settings.SITE_PORT).root_url


def with_hyphens(subdomain):
    """``subdomain`` with hyphens between its words, if a sign-up could take that name."""
    suggestion = WORD_SEPARATORS.sub("-", subdomain).strip("-")
    try:
        return validate_not_quarantined(validate_subdomain(suggestion))
    except ValidationError:
        return None


def check_new_subdomain(value, blog=None):
    """The subdomain a person typed for a new blog (at sign-up, or another blog of
    theirs) or for ``blog``'s new address, read as a browser would; raise ValidationError
    saying what to type instead."""
    subdomain = normalise_subdomain(value)
    if WORD_SEPARATORS.search(subdomain):
        refusal = "a blog address cannot contain underscores, spaces or dots"
        suggestion = with_hyphens(subdomain)
        raise ValidationError(
            f"Try “{suggestion}”: {refusal}."
            if suggestion
            else f"Put hyphens between words: {refusal}.",
            code="invalid",
        )
    return validate_not_quarantined(validate_subdomain(subdomain, blog))


class BlogSignupForm(SignupForm):
    """allauth's email + password sign-up, plus the subdomain of the new blog."""

    subdomain = forms.CharField(
        max_length=63,
        label="Blog address",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    field_order = ["email", "subdomain", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here, not with the field, so that it follows the settings of the moment.
        # Django renders help text as HTML: escape the placeholder, or browsers drop it.
        self.fields["subdomain"].help_text = escape(
            f"Your blog will live at {blog_address('<name>')}. Letters, digits and hyphens."
        )
        honeypot = self.fields.get(settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD)
        if honeypot is not None:
            # allauth gives it no label and takes it out of the tab order. Off-screen to
            # the left, not allauth's right, which would widen the page into a sideways
            # scroll; and hidden from screen readers, which would find a blank box.
            honeypot.widget.attrs["style"] = "position: absolute; left: -99999px;"
            honeypot.widget.attrs["aria-hidden"] = "true"

    def clean_subdomain(self):
        return check_new_subdomain(self.cleaned_data["subdomain"])

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
