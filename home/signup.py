"""Sign-up: an allauth account and its blog, created together or not at all."""

from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.html import escape

from blog.tenancy import create_blog, validate_subdomain


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

    def clean_subdomain(self):
        return validate_subdomain(self.cleaned_data["subdomain"])

    def save(self, request):
        # The user and the blog are one unit: if the blog cannot be made, no account
        # is left behind that cannot write anywhere.
        with transaction.atomic():
            user = super().save(request)
            create_blog(user, self.cleaned_data["subdomain"])
        return user
