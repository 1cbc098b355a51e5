"""The tenant blogs as Wagtail pages.

A blog is a ``BlogPage`` at depth 2 (directly under Wagtail's tree root) served by its
own ``Site``; its posts and pages are ``PostPage`` children. The BlogPage holds the
blog's settings and home content, so Wagtail's page permissions isolate them per blog
(see ``blog.tenancy``). Markdown is rendered once when a page is saved and the HTML
stored, so readers never pay for it.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
    TitleFieldPanel,
)
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail.url_routing import RouteResult
from wagtailmarkdown.fields import MarkdownField

from blog.editor import MarkdownEditor
from blog.forms import TenantPageForm
from blog.markdown import MAX_MARKDOWN_LENGTH, render_markdown
from blog.permissions import TenantPagePermissionTester

DEFAULT_NAV = "[Home](/) [Blog](/blog/)"
THEMES = [
    ("default", "Default: clean and minimal"),
    ("serif", "Serif: for long reading"),
    ("dark", "Dark"),
    ("mono", "Monospace"),
]
DATE_FORMATS = [
    ("d M, Y", "26 Nov, 2026"),
    ("M j, Y", "Nov 26, 2026"),
    ("Y-m-d", "2026-11-26"),
    ("j F Y", "26 November 2026"),
    ("F j, Y", "November 26, 2026"),
]
markdown_length = MaxLengthValidator(
    MAX_MARKDOWN_LENGTH,
    message="This is too long to publish (at most %(limit_value)s characters, "
    "this has %(show_value)s). Split it into several posts.",
)


class RenderedMarkdownMixin:
    """Store the HTML of Markdown fields on save; render afresh for previews.

    ``markdown_fields`` maps each Markdown field to the field that keeps its HTML.
    """

    markdown_fields = {}

    def render_markdown_fields(self):
        for source, target in self.markdown_fields.items():
            setattr(self, target, render_markdown(getattr(self, source)))

    def save(self, *args, update_fields=None, **kwargs):
        # Saves of a few fields (draft bookkeeping, locking) leave the Markdown alone.
        if update_fields is None:
            self.render_markdown_fields()
        elif set(update_fields) & set(self.markdown_fields):
            self.render_markdown_fields()
            update_fields = {*update_fields, *self.markdown_fields.values()}
        return super().save(*args, update_fields=update_fields, **kwargs)

    def serve_preview(self, request, mode_name):
        # A preview shows unsaved Markdown, so the stored HTML is stale by definition.
        self.render_markdown_fields()
        return super().serve_preview(request, mode_name)


class TenantPageMixin:
    """Pages of a blog answer permission questions with the tenant's rules."""

    def permissions_for_user(self, user):
        return TenantPagePermissionTester(user, self)

    def serve_password_required_response(self, request, form, action_url):
        # Blog hosts have no sessions, so a password form could never let anyone in.
        raise Http404("This page is not public.")


class AncestorPathRestrictionsMixin:
    """Find view restrictions with one query on the ancestors' paths.

    Stock Wagtail loads the ancestors first and then their restrictions: two queries
    on every page served. A page's ancestors' paths are prefixes of its own path.
    """

    def get_view_restrictions(self):
        if self.alias_of_id:
            return super().get_view_restrictions()
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        return PageViewRestriction.objects.filter(page__path__in=paths)


class BlogPage(TenantPageMixin, AncestorPathRestrictionsMixin, RenderedMarkdownMixin, Page):
    """A blog: its settings, home content and navigation; the root of one Site.

    Created only by ``blog.tenancy.create_blog`` (never from the admin), which also
    makes the Site, permission group and image collection that belong to it.
    """

    subdomain = models.CharField(max_length=63, unique=True, editable=False)
    # The tenant's permission group and image collection (see blog.tenancy).
    group = models.OneToOneField(
        "auth.Group", null=True, editable=False, on_delete=models.SET_NULL, related_name="blog"
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="blog",
    )
    home_content = MarkdownField(
        blank=True,
        validators=[markdown_length],
        help_text="Markdown shown on your home page, above the list of posts.",
    )
    home_html = models.TextField(blank=True, editable=False)
    nav = MarkdownField(
        default=DEFAULT_NAV,
        blank=True,
        validators=[MaxLengthValidator(5_000)],
        help_text="Markdown links shown at the top of every page.",
    )
    nav_html = models.TextField(blank=True, editable=False)
    meta_description = models.CharField(max_length=300, blank=True)
    lang = models.CharField(
        "language",
        max_length=16,
        default="en",
        help_text="The language your blog is written in, as a code like en or de-CH.",
    )
    date_format = models.CharField(max_length=20, choices=DATE_FORMATS, default="d M, Y")
    discoverable = models.BooleanField(
        default=True, help_text="List your posts in the platform's discovery feed."
    )
    theme = models.CharField(max_length=20, choices=THEMES, default="default")
    custom_css = models.TextField(
        "custom CSS",
        blank=True,
        validators=[MaxLengthValidator(50_000)],
        help_text="Your own styles, added after the theme's.",
    )
    favicon_emoji = models.CharField(
        max_length=16, blank=True, help_text="An emoji shown as the browser tab's icon."
    )
    favicon_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Or an image from your blog as the icon (used instead of the emoji).",
    )
    robots_txt = models.TextField(
        "robots.txt",
        blank=True,
        validators=[MaxLengthValidator(10_000)],
        help_text="Leave empty to let every crawler in and point them at your sitemap.",
    )

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["blog.PostPage"]
    base_form_class = TenantPageForm
    max_count_per_parent = None
    template = "blog/blog_page.html"

    content_panels = [
        FieldPanel("title", heading="Blog title"),
        FieldPanel("home_content", widget=MarkdownEditor),
    ]
    settings_panels_blog = [
        FieldPanel("nav", widget=MarkdownEditor),
        FieldPanel("meta_description"),
        MultiFieldPanel(
            [FieldPanel("lang"), FieldPanel("date_format"), FieldPanel("discoverable")],
            heading="Blog settings",
        ),
        MultiFieldPanel(
            [
                FieldPanel("theme"),
                FieldPanel("custom_css"),
                FieldPanel("favicon_emoji"),
                FieldPanel("favicon_image"),
            ],
            heading="Look",
        ),
        FieldPanel("robots_txt"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Home"),
            ObjectList(settings_panels_blog, heading="Settings"),
        ]
    )

    class Meta:
        verbose_name = "blog"

    markdown_fields = {"home_content": "home_html", "nav": "nav_html"}

    def route(self, request, path_components):
        # Posts sit directly below the blog: fetch the specific PostPage in one query
        # instead of Wagtail's generic child lookup followed by `.specific`.
        if not path_components:
            return super().route(request, path_components)
        slug, remaining = path_components[0], path_components[1:]
        post = PostPage.objects.child_of(self).filter(slug=slug).first()
        if post is not None:
            return post.route(request, remaining)
        # Not a post's link: perhaps an old address a post keeps as its alias.
        alias = "/" + "/".join(path_components) + "/"
        post = PostPage.objects.child_of(self).live().filter(alias=alias).first()
        if post is None:
            raise Http404
        return RouteResult(post, kwargs={"via_alias": True})

    def published_posts(self):
        """Live, listed posts whose published date has come, newest first.

        Posts with a view restriction are never listed (nobody can set one from the
        dashboard, see blog.permissions; this guards restrictions made any other way).
        """
        return (
            PostPage.objects.child_of(self)
            .live()
            .filter(is_page=False, published_date__lte=timezone.now())
            .exclude(view_restrictions__isnull=False)
            .order_by("-published_date")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blog"] = self
        context["posts"] = self.published_posts().only(
            "title", "slug", "url_path", "published_date", "path", "depth"
        )
        return context


# Paths a blog's host answers itself (the post index, feeds, static files): a post
# with one of these slugs could never be reached.
RESERVED_POST_SLUGS = frozenset(
    {"blog", "feed", "atom", "rss", "static", "media", "_util", "upvote"}
)


class PostTag(TaggedItemBase):
    content_object = ParentalKey(
        "blog.PostPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class PostPage(TenantPageMixin, AncestorPathRestrictionsMixin, RenderedMarkdownMixin, Page):
    """A post (or, with ``is_page``, a standalone page) written in Markdown.

    The fields are Bear Blog's post attributes. ``published_date`` in the future means
    scheduled: the post stays invisible to readers until then. Drafts, revisions,
    preview and publishing are Wagtail's own.
    """

    body = MarkdownField(blank=True, validators=[markdown_length])
    body_html = models.TextField(blank=True, editable=False)
    published_date = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Shown on the post and used to order posts. Empty means the moment it is "
        "first published; a future date keeps it hidden until then.",
    )
    alias = models.CharField(
        max_length=255,
        blank=True,
        validators=[
            RegexValidator(
                r"^/?[\w-]+(/[\w-]+)*/?$", "A path like /2019/old-post/: letters, digits, - and _."
            )
        ],
        help_text="An old address (like /2019/old-post/) that should redirect to this post.",
    )
    tags = ClusterTaggableManager(through=PostTag, blank=True)
    is_page = models.BooleanField(
        default=False, help_text="A standalone page: not listed among posts or in feeds."
    )
    make_discoverable = models.BooleanField(
        default=True, help_text="Show this post in the platform's discovery feed."
    )
    upvote_count = models.PositiveIntegerField(default=0, editable=False)
    canonical_url = models.URLField(blank=True, max_length=500)
    meta_description = models.CharField(max_length=300, blank=True)
    meta_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lang = models.CharField(
        "language", max_length=16, blank=True, help_text="Leave empty to use the blog's."
    )
    class_name = models.CharField(
        max_length=100,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_ -]*$", "Use letters, digits, hyphens and underscores only."
            )
        ],
        help_text="CSS classes added to the page's body.",
    )

    parent_page_types = ["blog.BlogPage"]
    subpage_types = []
    template = "blog/post_page.html"
    base_form_class = TenantPageForm

    content_panels = [
        TitleFieldPanel("title"),  # fills in the link (slug) as the title is typed
        FieldPanel("body", widget=MarkdownEditor),
        FieldPanel("tags"),
    ]
    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug", heading="Link"),
                FieldPanel("alias"),
                FieldPanel("published_date"),
                FieldPanel("is_page"),
                FieldPanel("make_discoverable"),
            ],
            heading="Publishing",
        ),
        MultiFieldPanel(
            [
                FieldPanel("meta_description"),
                FieldPanel("canonical_url"),
                FieldPanel("meta_image"),
                FieldPanel("lang"),
                FieldPanel("class_name"),
            ],
            heading="Metadata",
        ),
    ]
    settings_panels = []
    search_fields = Page.search_fields + [index.SearchField("body")]

    class Meta:
        verbose_name = "post"
        indexes = [models.Index(fields=["is_page", "published_date"])]

    markdown_fields = {"body": "body_html"}

    @cached_property
    def blog(self):
        """The BlogPage this post belongs to (its depth-2 ancestor)."""
        return BlogPage.objects.get(path=self.path[: self.steplen * 2])

    def clean(self):
        super().clean()
        if self.alias:
            self.alias = "/" + self.alias.strip("/") + "/"
        if self.slug in RESERVED_POST_SLUGS:
            raise ValidationError(
                {"slug": f"“{self.slug}” is a path the blog uses itself. Choose another link."}
            )

    def save(self, *args, **kwargs):
        if self.live and self.published_date is None:
            self.published_date = timezone.now()
        return super().save(*args, **kwargs)

    def is_visible_now(self):
        return self.published_date is not None and self.published_date <= timezone.now()

    # Upvotes belong to the post, not to a revision (see blog.upvotes): a copy starts
    # at 0, and publishing a revision saved before the latest upvotes keeps the count,
    # read afresh because ``self`` may have been loaded long before (a few ms remain
    # between this read and the publishing save; upvotes in them are lost).
    exclude_fields_in_copy = ["upvote_count"]

    def with_content_json(self, content):
        page = super().with_content_json(content)
        current = PostPage.objects.filter(pk=self.pk).values_list("upvote_count", flat=True)
        page.upvote_count = current.first() or 0
        return page

    def serve(self, request, *args, via_alias=False, **kwargs):
        if not self.is_visible_now():
            raise Http404("This post is scheduled for later.")
        if via_alias:
            return HttpResponsePermanentRedirect(self.get_url(request))
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # On a blog host BlogHostMiddleware has loaded the blog already.
        context["blog"] = getattr(request, "blog", None) or self.blog
        return context


class Upvote(models.Model):
    """One reader's upvote of one post.

    The reader is known only by ``visitor_hash``, a salted hash of IP address, user agent
    and post: enough to refuse a second vote, never the raw IP.
    """

    post = models.ForeignKey(PostPage, on_delete=models.CASCADE, related_name="upvotes")
    visitor_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "visitor_hash"], name="one_upvote_per_reader")
        ]

    def __str__(self):
        return f"Upvote of post {self.post_id}"
