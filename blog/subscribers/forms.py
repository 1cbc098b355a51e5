"""The subscribe form a reader fills in on a blog (``{{ email-signup }}``) and the
address it takes, and the dashboard's form that adds a list of addresses."""

from django import forms
from django.template.loader import render_to_string

from blog.subscribers.address_lists import list_entries, normal_address, sort_entries
from blog.subscribers.email_list import MAX_ADDRESSES

FORM_TEMPLATE = "blog/subscribe_form.html"
MAX_FILE_MB = 2  # a Mailchimp export of MAX_ADDRESSES people, every column, is far less


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
        return normal_address(self.cleaned_data["email"])


def signup_form():
    """The HTML of ``{{ email-signup }}``."""
    return render_to_string(FORM_TEMPLATE)


class AddSubscribersForm(forms.Form):
    """Addresses typed or pasted, a file, or both; ``addresses`` and ``invalid`` once
    valid (``blog.subscribers.address_lists``)."""

    addresses = forms.CharField(
        label="Email addresses",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "ann@example.com\nbob@example.com"}),
        help_text="One a line, or separated by commas or semicolons.",
    )
    file = forms.FileField(
        label="Or a file",
        required=False,
        help_text="A CSV or text file, such as the subscriber export of Bear Blog, "
        "Mailchimp, Buttondown or Substack. The column named “email” (or else the first "
        f"one holding addresses) is read; names and dates are left out. At most {MAX_FILE_MB} MB.",
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file is None:
            return ""
        if file.size > MAX_FILE_MB * 1024 * 1024:
            raise forms.ValidationError(f"This file is larger than {MAX_FILE_MB} MB.")
        data = file.read()
        if b"\x00" in data:  # a ZIP, a spreadsheet, an image
            raise forms.ValidationError(
                "This is not a CSV or text file. Mailchimp sends its export as a ZIP: "
                "unzip it and choose the CSV inside. Save a spreadsheet as CSV."
            )
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:  # Windows' spreadsheets: addresses are ASCII anyway
            return data.decode("cp1252", errors="replace")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        entries = list_entries(cleaned["addresses"]) + list_entries(cleaned["file"])
        if not entries:
            raise forms.ValidationError("Enter some email addresses, or choose a file.")
        self.addresses, self.invalid = sort_entries(entries)
        count = len(self.addresses) + len(self.invalid)
        if count > MAX_ADDRESSES:
            raise forms.ValidationError(
                f"This list has {count:,} addresses; at most {MAX_ADDRESSES:,} can be "
                "added at once. Split it into shorter lists."
            )
        return cleaned
