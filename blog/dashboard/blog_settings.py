"""The blog's Settings, Theme and Domain: plain forms that apply on Save.

A blog's settings are fields of its ``BlogPage``. In Wagtail's page editor they sat on a
tab behind "Save draft", which answered "updated" and changed nothing on the blog until
a separate Publish. Here each page is a form of some of those fields, built from
Wagtail's panels on the blog's own page form (``TenantPageForm``: its image choices and
custom-domain checks), and Save stores a revision and publishes it at once, so the blog
shows the change straight away and the blog's history lists it like any other edit.

Save publishes the form's fields onto the blog as it is live. Unpublished changes made
in the page editor (staff's, or a blogger's from before these pages) stay a draft, with
the saved settings carried into it, so neither is lost and nothing unfinished goes live.
"""

from django.conf import settings
from django.forms import RadioSelect
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.mixins import PanelMixin

from blog.core.names import blog_hostname
from blog.dashboard.blogs import (
    current_blog,
    for_blog,
    posted_for_another_blog,
    refuse_stale_form,
)
from blog.models import BlogPage
from blog.models.editor import MarkdownEditor
from blog.models.forms import DateFormatInput, TenantPageForm
from blog.models.pages import BLOG_TITLE_HELP, THEMES

SETTINGS_PANELS = [
    FieldPanel("title", heading="Blog title", help_text=BLOG_TITLE_HELP),
    FieldPanel(
        "meta_description",
        heading="Description",
        help_text="A sentence about your blog, for search engines and link previews.",
    ),
    FieldPanel(
        "social_image",
        heading="Social image",
        help_text="Shown when a link to your blog is shared, unless a post has its own. "
        "Choose one of your blog's images; it is cropped to 1200 by 630 pixels.",
    ),
    FieldPanel(
        "home_content",
        heading="Home page",
        help_text="Markdown shown on your home page. {{ posts }} lists your posts in it.",
        widget=MarkdownEditor,
    ),
    FieldPanel("home_post_list", heading="List your posts below the home content"),
    FieldPanel(
        "nav",
        heading="Navigation",
        help_text="Markdown links shown at the top of every page. Directives work here as in "
        "the home content, like {{ email_signup }} for the subscribe form.",
        widget=MarkdownEditor,
    ),
    MultiFieldPanel(
        [
            FieldPanel("lang", heading="Language"),
            FieldPanel("date_format", heading="Date format", widget=DateFormatInput),
            FieldPanel("discoverable", heading="Show in discovery"),
            FieldPanel("email_notifications", heading="Email subscribers"),
            FieldPanel("fediverse", heading="Followable from Mastodon"),
            FieldPanel("analytics_enabled", heading="Count reads"),
        ],
        heading="Reading",
    ),
    MultiFieldPanel(
        [
            FieldPanel("favicon_emoji", heading="Icon emoji"),
            FieldPanel("favicon_image", heading="Icon image"),
        ],
        heading="Browser tab icon",
    ),
    FieldPanel("robots_txt"),
]
THEME_PANELS = [
    FieldPanel("theme", heading="Theme", widget=RadioSelect),
    FieldPanel("custom_css", heading="Your CSS"),
    FieldPanel("overwrite_theme", heading="Use only your CSS (no theme)"),
]
DOMAIN_PANELS = [
    FieldPanel(
        "custom_domain",
        heading="Your domain",
        help_text="Like blog.example.com. Leave it empty to use your address here.",
    )
]


class BlogSettingsView(PanelMixin, WagtailAdminTemplateMixin, FormView):
    """One form of the user's blog; Save publishes it."""

    template_name = "wagtailadmin/generic/form.html"
    panels = ()
    url_name = ""

    def dispatch(self, request, *args, **kwargs):
        self.blog = current_blog(request)
        if self.blog is None:
            raise Http404("You have no blog.")
        if posted_for_another_blog(request, self.blog):
            return refuse_stale_form(request, self.blog)
        return super().dispatch(request, *args, **kwargs)

    def get_panel(self):
        return ObjectList(self.panels, base_form_class=TenantPageForm).bind_to_model(BlogPage)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.blog, "for_user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        draft = self.blog.get_latest_revision_as_object() if self.has_draft() else None
        blog = form.save(commit=False)
        blog.save_revision(user=user, log_action=True).publish(user=user)
        if draft is not None:
            for name in form.changed_data:  # the rest of the draft is the editor's
                setattr(draft, name, getattr(blog, name))
            draft.save_revision(user=user)
        url = BlogPage.objects.get(pk=blog.pk).get_full_url(self.request)
        messages.success(
            self.request,
            "Saved. Your blog shows the change now.",
            buttons=[messages.button(url, "View your blog", new_window=True)],
        )
        return redirect(self.url_name)

    def has_draft(self):
        """Whether the page editor left unpublished changes. A new blog's first revision
        (``create_blog`` saves one and never publishes it) is the live blog itself."""
        return self.blog.has_unpublished_changes and self.blog.live_revision_id is not None

    def form_invalid(self, form):
        messages.error(self.request, "Nothing was saved: please correct the errors below.")
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "action_url": for_blog(reverse(self.url_name), self.blog),
            "submit_button_label": "Save",
            "submit_button_active_label": "Saving…",
        }


class ThemeView(BlogSettingsView):
    """The theme picker shows each theme as the user's own blog looks in it."""

    template_name = "blog/admin/theme_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        radios = {radio.data["value"]: radio for radio in context["form"]["theme"]}
        context["theme_choices"] = [
            (radios[name], reverse("bearcms_theme_preview", args=[name])) for name, _ in THEMES
        ]
        return context


class DomainView(BlogSettingsView):
    template_name = "blog/admin/domain_form.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "blog_url": self.blog.get_full_url(self.request),
            "cname_target": settings.CUSTOM_DOMAIN_TARGET,
            "platform_address": blog_hostname(self.blog.subdomain),
        }


@xframe_options_sameorigin
def theme_preview(request, theme):
    """The user's blog home in ``theme``, for the theme picker's frames; nothing saved."""
    blog = current_blog(request)
    if blog is None or theme not in dict(THEMES):
        raise Http404
    blog.theme = theme
    return blog.make_preview_request(request, blog.default_preview_mode)


settings_view = BlogSettingsView.as_view(
    panels=SETTINGS_PANELS,
    url_name="bearcms_blog_settings",
    page_title="Settings",
    header_icon="cog",
)
theme_view = ThemeView.as_view(
    panels=THEME_PANELS, url_name="bearcms_blog_theme", page_title="Theme", header_icon="desktop"
)
domain_view = DomainView.as_view(
    panels=DOMAIN_PANELS, url_name="bearcms_blog_domain", page_title="Domain", header_icon="site"
)
