"""The subscribe form a reader fills in on a blog (``{{ email-signup }}``) and the
address it takes."""

from django import forms
from django.template.loader import render_to_string

FORM_TEMPLATE = "blog/subscribe_form.html"


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "That is not a valid email address. Check it for typos, "
            "like a missing @ or a space.",
            "max_length": "That address is too long: at most 254 characters.",
        },
    )

    def clean_email(self):
        # The domain part is case-insensitive; the local part belongs to the mail server.
        local, _at, domain = self.cleaned_data["email"].rpartition("@")
        return f"{local}@{domain.lower()}"


def signup_form():
    """The HTML of ``{{ email-signup }}``."""
    return render_to_string(FORM_TEMPLATE)
