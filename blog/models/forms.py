"""Admin forms of the blog pages."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from blog.core.bear_header import read_bear_header
from blog.core.date_formats import (
    DATE_LETTERS,
    SUGGESTED_DATE_FORMATS,
    date_format_problems,
    shown_date_format,
)
from blog.core.domain_ownership import verify_ownership
from blog.core.names import validate_custom_domain
from blog.models.editor import enable_image_uploads

IMAGE_FIELDS = ("meta_image", "favicon_image", "social_image")
NOT_YOUR_IMAGE = "Choose one of your blog's own images."


class TenantPageForm(WagtailAdminPageForm):
    """The form of blogs and posts in the dashboard.

    It offers and accepts only images from the collections the editor may choose from:
    the chooser widget already lists just those, but the form field would take any image
    id posted to it, and the editor would then show another blog's image. A blog's
    custom domain is checked here, ownership included, where the blogger can act on it.
    Its Markdown editors upload images into the blog's collection
    (``blog.dashboard.editor_uploads``).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "custom_domain" in self.fields:
            self.fields["custom_domain"].help_text = (
                "Your own domain, like blog.example.com. First add a DNS record for it: "
                f"a CNAME pointing at {settings.CUSTOM_DOMAIN_TARGET}; publishing then tells "
                "you the TXT record that proves the domain is yours. Your blog moves there "
                "when you publish; your old address redirects to it. Leave empty to use "
                "your subdomain."
            )
        if page_id := self.instance.pk or getattr(self.parent_page, "pk", None):
            enable_image_uploads(self, page_id)
        if self.for_user is None:
            return
        images = policy_registry.get_by_type(get_image_model())
        for name in IMAGE_FIELDS:
            if name in self.fields:
                self.fields[name].queryset = images.instances_user_has_permission_for(
                    self.for_user, "choose"
                )
                self.fields[name].error_messages["invalid_choice"] = NOT_YOUR_IMAGE

    def clean_custom_domain(self):
        """Normalised (lowercase, punycode) and checked: a hostname, not the platform's,
        not another blog's, and, when it is new to the blog, proven theirs in DNS."""
        blog = self.instance
        domain = validate_custom_domain(self.cleaned_data.get("custom_domain"), blog)
        current = type(blog).objects.filter(pk=blog.pk).values_list("custom_domain", flat=True)
        if domain and domain != current.first():
            verify_ownership(blog, domain)
        return domain or None


class PostPageForm(TenantPageForm):
    """The form of posts, which also reads Bear Blog's attribute header.

    A header at the top of the body (``blog.core.bear_header``) fills the fields it names,
    its value winning over the field's, and the post is saved with the body after it: the
    stored Markdown is the post alone, and the next edit shows the fields filled and no
    header. A header title without a link makes the link from the title when the Link
    field is empty, as the Title field does as it is typed.

    Each value goes through its own field's checks, then the form's and the model's (the
    link's uniqueness among the blog's posts, the paths a blog keeps for itself). A
    problem is an error on the body naming the header's line: the blogger wrote it there,
    and since nothing is saved and the form shows again what was posted, the header is
    still there to mend. Previews post this form too, so they show the post as it will be.
    """

    def full_clean(self):
        self.header_places = {}
        super().full_clean()
        # What the fields, the form and the model found wrong with the header's values (a
        # link another post has, a path the blog keeps for itself) is about its lines.
        for name, place in self.header_places.items():
            for message in self.errors.pop(name, ()):
                self.add_error("body", f"{place}: {message}")

    def clean(self):
        header = read_bear_header(self.cleaned_data.get("body", ""))
        if header is None:
            return super().clean()
        for problem in header.problems:
            self.add_error("body", problem)
        values = dict(header.values)
        self.header_places = {name: header.place(name) for name in values}
        if "title" in values and "slug" not in values:
            self.make_link(values, header)
        for name, value in values.items():
            # The header's value replaces the field's, and with it any error about the field's
            # (a title or link left empty, since the header gives one).
            self.errors.pop(name, None)
            try:
                self.cleaned_data[name] = self.fields[name].clean(field_input(name, value))
            except ValidationError as error:
                self.add_error(name, error)
        if "body" in self.cleaned_data:
            self.cleaned_data["body"] = header.body
        # Wagtail's own clean checks the link, the header's too, against the blog's posts.
        return super().clean()

    def make_link(self, values, header):
        """The link from the header's title when the Link field is empty, as the Title field
        fills it as it is typed."""
        if self.fields["slug"].to_python(self["slug"].data):
            return
        allow_unicode = getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)
        if slug := slugify(values["title"], allow_unicode=allow_unicode):
            values["slug"] = slug
            self.header_places["slug"] = header.place("title")


def field_input(name, value):
    """A header's value as its form field takes it: tags as the Tags field's text, in
    which quotes hold a tag together (so a tag cannot hold one); others as they are."""
    if name != "tags":
        return value
    if any('"' in tag for tag in value):
        raise ValidationError('A tag cannot hold a double quote (").')
    return ", ".join(f'"{tag}"' for tag in value)


class DateFormatInput(forms.TextInput):
    """The blog's date format (``blog.core.date_formats``): a text field that suggests the
    usual formats, with today's date in the format typed below it and the letters to
    write one with, each with today's example.

    The preview is the server's, rendered with the form: when the page opens and again
    after a save, the one that went through or the one refused (which shows the errors
    instead). Drawn here rather than in a template, because Django's form renderer does
    not read the project's templates.
    """

    class Media:
        css = {"all": ["bearcms/date-format-input.css"]}

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "autocomplete": "off"}
        suggestions = f"{attrs.get('id') or name}-suggestions"
        field = super().render(name, value, {**attrs, "list": suggestions}, renderer)
        now = timezone.localtime()
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((shape, dateformat.format(now, shape)) for shape in SUGGESTED_DATE_FORMATS),
        )
        letters = format_html_join(
            "",
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            (
                (letter, meaning, dateformat.format(now, letter))
                for letter, meaning in DATE_LETTERS.items()
            ),
        )
        return format_html(
            '{}<datalist id="{}">{}</datalist>{}'
            '<details class="help date-format-letters"><summary>Letters you can use</summary>'
            "<p>Any other character shows as it is. Put a backslash before a letter to "
            "show the letter itself: <code>\\o\\n j F</code> shows “on {}”.</p>"
            "<table><thead><tr><th>Letter</th><th>Shows</th><th>Today</th></tr></thead>"
            "<tbody>{}</tbody></table></details>",
            field,
            suggestions,
            options,
            self.preview(value, now),
            dateformat.format(now, "j F"),
            letters,
        )

    @staticmethod
    def preview(value, now):
        """Today's date in ``value``; nothing for a format that is refused (the field's
        errors say why)."""
        if date_format_problems(value):
            return ""
        return format_html(
            '<p class="help">Today in this format: <strong>{}</strong></p>',
            dateformat.format(now, shown_date_format(value)),
        )
