"""The tenant blogs as Wagtail pages.

A blog is a ``BlogPage`` at depth 2 (directly under Wagtail's tree root) served by its
own ``Site``; its posts and pages are ``PostPage`` children. The BlogPage holds the
blog's settings and home content, so Wagtail's page permissions isolate them per blog
(see ``blog.tenants.lifecycle``). Markdown is rendered once when a page is saved and the HTML
stored, so readers never pay for it.
"""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator, URLValidator
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Cast
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
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.search import index
from wagtail.url_routing import RouteResult
from wagtailmarkdown.fields import MarkdownField

from blog.core.date_formats import (
    DEFAULT_DATE_FORMAT,
    MAX_DATE_FORMAT_LENGTH,
    shown_date_format,
    validate_date_format,
)
from blog.core.discovery import refresh_blog_posts, set_discovery_fields
from blog.core.markdown import MAX_MARKDOWN_LENGTH, render_markdown
from blog.core.names import PROBED_NAMES, blog_host
from blog.core.tree import blog_root_path
from blog.models.editor import MarkdownEditor
from blog.models.forms import DateFormatInput, PostPageForm, TenantPageForm
from blog.models.permissions import TenantPagePermissionTester

DEFAULT_NAV = "[Home](/) [Blog](/blog/)"
# What a list of posts shows of each (templates/blog/post_list.html, {{ posts }}).
POST_LIST_FIELDS = ("title", "slug", "published_date")
LINK_HELP = "The end of the post's address: my-post makes it /my-post/ on your blog."
POST_TITLE_HELP = "Shown above the post, in feeds and in the browser tab."
BLOG_TITLE_HELP = "Shown at the top of every page of your blog and in browser tabs."
THEMES = [
    ("default", "Default: clean and minimal"),
    ("serif", "Serif: for long reading"),
    ("dark", "Dark"),
    ("mono", "Monospace"),
    ("bear", "Bear: Bear Blog's default look"),
    ("writer", "Writer: Bear Blog's large serif type on paper"),
    ("delightful", "Delightful: Bear Blog's warm serif with rose-red links"),
    ("plain", "Plain HTML: Bear Blog's bare browser look"),
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


class RowStateMixin:
    """Fields that belong to the page's row, not to its revisions.

    Upvote counts and moderation flags change outside the editor. Publishing a revision
    saved before such a change must not write the old value back, so these fields are
    read afresh when a revision becomes a page (a few ms remain between this read and
    the publishing save; a change landing in them is lost), and copies start without them.
    """

    row_state_fields = ()

    def with_content_json(self, content):
        page = super().with_content_json(content)
        if self.pk and self.row_state_fields:
            current = type(self).objects.filter(pk=self.pk).values(*self.row_state_fields).first()
            for name, value in (current or {}).items():
                setattr(page, name, value)
        return page


@functools.cache
def no_restrictions():
    """No view restrictions, as a queryset evaluated once per process: Wagtail iterates a
    served page's restrictions, and iterating a fresh ``.none()`` compiles a query that
    cannot run (40 µs of every reader request)."""
    restrictions = PageViewRestriction.objects.none()
    list(restrictions)  # evaluated now, and never again
    return restrictions


class AncestorPathRestrictionsMixin:
    """Find view restrictions with one query on the ancestors' paths, or none at all.

    Stock Wagtail loads the ancestors first and then their restrictions: two queries
    on every page served. A page's ancestors' paths are prefixes of its own path. A page
    of a blog its host loaded (``blog.tenants.hosts``) may know already that nothing of
    the blog is restricted (``unrestricted``): nobody can set a restriction from the
    dashboard, so it is the rule, and costs no query.
    """

    def get_view_restrictions(self):
        if self.__dict__.get("unrestricted"):
            return no_restrictions()
        if self.alias_of_id:
            return super().get_view_restrictions()
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        return PageViewRestriction.objects.filter(page__path__in=paths)


class BlogPage(
    TenantPageMixin, RowStateMixin, AncestorPathRestrictionsMixin, RenderedMarkdownMixin, Page
):
    """A blog: its settings, home content and navigation; the root of one Site.

    Created only by ``blog.tenants.lifecycle.create_blog`` (never from the admin), which also
    makes the Site, permission group and image collection that belong to it.
    """

    subdomain = models.CharField(max_length=63, unique=True, editable=False)
    # The tenant's permission group and image collection (see blog.tenants.lifecycle).
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
    # Bear Blog lists the posts on the home page only while there is no home content; blogs
    # made before this choice existed list them below it and keep doing so (migration 0016).
    home_post_list = models.BooleanField(
        "list your posts below the home content",
        default=False,
        help_text="When this is off, your home page lists your posts only while the home "
        "content is empty, as on Bear Blog. Write {{ posts }} in the home content to place "
        "the list where you want it.",
    )
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
    # Free-form, in Django's letters as on Bear Blog (blog.core.date_formats); readers get
    # display_date_format, so a value that breaks the rules never reaches a page.
    date_format = models.CharField(
        max_length=MAX_DATE_FORMAT_LENGTH,
        blank=True,
        default=DEFAULT_DATE_FORMAT,
        validators=[validate_date_format],
        help_text="How dates are written on your blog. Each letter stands for a part of the "
        "date, as on Bear Blog: “d M, Y” shows 26 Nov, 2026 and “Y-m-d” shows 2026-11-26. "
        "Leave it empty for “d M, Y”.",
    )
    discoverable = models.BooleanField(
        default=True, help_text="List your posts in the platform's discovery feed."
    )
    theme = models.CharField(max_length=20, choices=THEMES, default="default")
    custom_css = models.TextField(
        "custom CSS",
        blank=True,
        validators=[MaxLengthValidator(50_000)],
        help_text="Your own styles, added after the theme's (or in its place, below).",
    )
    # Bear Blog's "Overwrite default styles" (against "Extend default styles"): a stylesheet
    # copied whole from a Bear blog, or written from scratch, styles the blog alone.
    overwrite_theme = models.BooleanField(
        "use only your CSS (no theme)",
        default=False,
        help_text="Leave the theme out and style your blog with your CSS alone (Bear Blog's "
        "“Overwrite default styles”): for a whole stylesheet, copied from a Bear blog or "
        "your own.",
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
    # og:image of every reader page that has no image of its own (blog.templatetags.reader_head).
    social_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when a link to your blog is shared, unless a post has its own.",
    )
    # Unique when set (null when not, so that blogs without one never collide);
    # blog.tenants.custom_domains keeps the Site's hostname in step with it.
    custom_domain = models.CharField(
        max_length=253,
        unique=True,
        null=True,
        blank=True,
        error_messages={"unique": "This domain is already used by another blog."},
        help_text="Your own domain, like blog.example.com. Leave empty to use your subdomain.",
    )
    robots_txt = models.TextField(
        "robots.txt",
        blank=True,
        validators=[MaxLengthValidator(10_000)],
        help_text="Leave empty to let every crawler in and point them at your sitemap.",
    )
    email_notifications = models.BooleanField(
        "email subscribers",
        default=True,
        help_text="Email your confirmed subscribers when a new post is published.",
    )
    # Off: the blog is no ActivityPub actor, and its posts go to nobody (blog.federation).
    fediverse = models.BooleanField(
        "followable from the fediverse",
        default=True,
        help_text="Let people follow your blog from Mastodon and other fediverse apps; "
        "new posts reach them there.",
    )
    # Off: pages carry no read pixel and /hit/ counts nothing (blog.analytics.hits).
    analytics_enabled = models.BooleanField(
        "count reads",
        default=True,
        help_text="Count reads of your pages for Analytics, without cookies or JavaScript.",
    )
    # Set by staff only (blog.moderation.flags), never in the blogger's forms or revisions.
    reviewed = models.BooleanField(default=False, editable=False)
    hidden = models.BooleanField(
        default=False, editable=False, help_text="Hidden from discovery by staff."
    )
    blocked = models.BooleanField(default=False, editable=False)
    # Staff asked for a second look at this blog (blog.moderation.review_queue).
    flagged = models.BooleanField(default=False, editable=False)
    # Ignored in the review queue: it leaves the queue until it publishes again; the
    # second ignore is for good (``ignore_count`` 2).
    ignored_at = models.DateTimeField(null=True, editable=False)
    ignore_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # How spammy the blog looks (blog.moderation.dodginess); the review queue puts high ones first.
    dodginess = models.PositiveIntegerField(default=0, editable=False)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["blog.PostPage"]
    base_form_class = TenantPageForm
    max_count_per_parent = None
    template = "blog/blog_page.html"

    content_panels = [
        FieldPanel("title", heading="Blog title", help_text=BLOG_TITLE_HELP),
        FieldPanel("home_content", widget=MarkdownEditor),
        FieldPanel("home_post_list"),
    ]
    settings_panels_blog = [
        FieldPanel("nav", widget=MarkdownEditor),
        FieldPanel("meta_description"),
        MultiFieldPanel(
            [
                FieldPanel("lang"),
                FieldPanel("date_format", widget=DateFormatInput),
                FieldPanel("discoverable"),
                FieldPanel("email_notifications"),
            ],
            heading="Blog settings",
        ),
        MultiFieldPanel(
            [
                FieldPanel("theme"),
                FieldPanel("custom_css"),
                FieldPanel("overwrite_theme"),
                FieldPanel("favicon_emoji"),
                FieldPanel("favicon_image"),
                FieldPanel("social_image"),
            ],
            heading="Look",
        ),
        FieldPanel("custom_domain"),
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
        indexes = [
            # The review queue's order over the blogs it lists: partial, because SQLite
            # cannot use an index on a boolean for Django's "NOT reviewed"; with the
            # ignore fields, counting the queue reads the index alone.
            models.Index(
                F("dodginess").desc(),
                "page_ptr",
                "ignore_count",
                "ignored_at",
                condition=Q(reviewed=False, blocked=False),
                name="review_queue",
            ),
        ]

    markdown_fields = {"home_content": "home_html", "nav": "nav_html"}
    row_state_fields = (
        "reviewed",
        "hidden",
        "blocked",
        "flagged",
        "ignored_at",
        "ignore_count",
        "dodginess",
    )
    exclude_fields_in_copy = list(row_state_fields)
    # The address is the row's too (blog.tenants.lifecycle.rename_blog): publishing a
    # draft saved before a rename must not move the blog back to its old subdomain.
    # (The URL path too: Wagtail computes it from the revision's slug before this mixin
    # puts the row's back.)
    row_state_fields += ("subdomain", "slug", "url_path")

    def save(self, *args, update_fields=None, **kwargs):
        self.custom_domain = self.custom_domain or None
        if update_fields is None and self.custom_domain and self.custom_domain_taken():
            # A revision saved before another blog took the domain, published since (the
            # settings form refuses a taken domain up front): publish it with the domain
            # the blog has now rather than fail the whole publish.
            self.custom_domain = (
                BlogPage.objects.filter(pk=self.pk).values_list("custom_domain", flat=True).first()
            )
        result = super().save(*args, update_fields=update_fields, **kwargs)
        if update_fields is None:
            # "discoverable" may have changed: the posts' listing follows it. (So may the
            # custom domain: blog.tenants.signals points the Site at it.)
            self.refresh_post_listing()
        return result

    def refresh_post_listing(self):
        """Bring the discovery fields of every post in step with the blog's settings and
        moderation flags (``blog.core.discovery``)."""
        refresh_blog_posts(self, PostPage.objects.filter(blog=self))

    def custom_domain_taken(self):
        return (
            BlogPage.objects.filter(custom_domain=self.custom_domain).exclude(pk=self.pk).exists()
        )

    @staticmethod
    def unrestricted_flag():
        """An annotation for a query of blogs, as ``unrestricted``: true when neither the
        blog nor any page of it has a view restriction."""
        below = PageViewRestriction.objects.filter(page__path__startswith=OuterRef("path"))
        return ~Exists(below)

    def is_public(self):
        """Whether readers may see the blog at all: no view restriction on it."""
        return self.__dict__.get("unrestricted") or not self.get_view_restrictions().exists()

    @cached_property
    def root_url(self):
        """The blog's address without the final slash (``https://name.example.com``), from
        its own fields: no Site lookup."""
        return Site(hostname=blog_host(self), port=settings.SITE_PORT).root_url

    def link_root(self, request):
        """What links to the blog's posts start with in a response to ``request``: nothing
        on the blog's own host, the blog's address anywhere else (a preview in the
        dashboard, the discovery feed)."""
        on_blog_host = getattr(getattr(request, "blog", None), "id", None) == self.id
        return "" if on_blog_host else self.root_url

    def route(self, request, path_components):
        # Posts sit directly below the blog: fetch the specific PostPage in one query
        # instead of Wagtail's generic child lookup followed by `.specific`.
        if not path_components:
            return super().route(request, path_components)
        slug, remaining = path_components[0], path_components[1:]
        post = PostPage.child_by_slug(self, slug)
        if post is not None:
            post.blog = self  # the row's blog is this one: no query for it
            post.unrestricted = self.__dict__.get("unrestricted", False)
            return post.route(request, remaining)
        # Not a post's link: perhaps an old address a post keeps as its alias.
        alias = "/" + "/".join(path_components) + "/"
        # Any case, as Bear matches an alias.
        post = PostPage.objects.child_of(self).live().filter(alias__iexact=alias).first()
        if post is None:
            raise Http404
        return RouteResult(post, kwargs={"via_alias": True})

    def published_posts(self):
        """Live, listed posts whose published date has come, newest first.

        Posts with a view restriction are never listed (nobody can set one from the
        dashboard, see blog.models.permissions; this guards restrictions made any other way).
        """
        posts = PostPage.objects.child_of(self).live()
        posts = posts.filter(is_page=False, published_date__lte=timezone.now())
        if not self.__dict__.get("unrestricted"):
            posts = posts.exclude(view_restrictions__isnull=False)
        return posts.order_by("-published_date")

    @property
    def display_date_format(self):
        """The date format readers get: the blogger's, or the default in place of one that
        is empty or breaks the rules (``blog.core.date_formats``)."""
        return shown_date_format(self.date_format)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["blog"] = self
        # Rows, not pages: a list shows three fields of each post (post_list.html).
        context["posts"] = self.published_posts().values(*POST_LIST_FIELDS)
        context["link_root"] = self.link_root(request)
        return context


# Paths a blog's host answers itself (the post index, feeds, static files, scanners'
# probes): a post with one of these slugs could never be reached.
RESERVED_POST_SLUGS = PROBED_NAMES | frozenset(
    {"blog", "feed", "atom", "rss", "static", "media", "_util", "upvote", "hit", "subscribe"}
)


class PostTag(TaggedItemBase):
    content_object = ParentalKey(
        "blog.PostPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class PostPage(
    TenantPageMixin, RowStateMixin, AncestorPathRestrictionsMixin, RenderedMarkdownMixin, Page
):
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
                # A dot inside a part is fine (Bear's 2019/01/02/old-post.html); a
                # part that is all dots is not a path anyone can visit.
                r"^/?[\w-][\w.-]*(/[\w-][\w.-]*)*/?$",
                "A path like /2019/old-post/ or 2019/old-post.html: letters, digits, -, _ and .",
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
    # The names of the post's tags, in their order, kept on the row when it is saved
    # (``PostPage.save``): the post page, its JSON-LD, the feeds and /blog/ show them
    # without a query. Filtering by tag still reads the tag tables.
    tag_names = models.JSONField(default=list, blank=True, editable=False)
    # The blog this post belongs to, also its depth-2 ancestor: kept on the row so that
    # discovery, analytics and subscriber mail find a post's blog without a tree query.
    blog = models.ForeignKey(
        BlogPage, null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    # Discovery (blog.core.discovery): when the post first went public here and when it was
    # listed (the platform's clock, never the blogger's), the date it is ranked by, its
    # "hot" score and whether it may be listed.
    public_since = models.DateTimeField(null=True, editable=False)
    listed_since = models.DateTimeField(null=True, editable=False)
    discovery_date = models.DateTimeField(null=True, editable=False)
    score = models.FloatField(default=0, editable=False)
    in_discovery = models.BooleanField(default=False, editable=False)
    discovery_lang = models.CharField(max_length=8, blank=True, editable=False)
    # Staff took this one post out of discovery (blog.moderation.flags), not its blog.
    hidden_by_staff = models.BooleanField(default=False, editable=False)
    # The post's uid where it was imported from (blog.transfer.uploads), kept so that an export
    # gives it back; empty for posts written here, whose uid is their translation_key.
    uid = models.CharField(max_length=100, blank=True, editable=False)
    # When subscribers were emailed about this post (blog.subscribers.views); null = not yet.
    subscribers_notified_at = models.DateTimeField(null=True, editable=False)
    canonical_url = models.URLField(blank=True, max_length=500)
    meta_description = models.CharField(max_length=300, blank=True)
    meta_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bear's meta image is an address; an imported one is kept as it came, never fetched.
    meta_image_url = models.URLField(
        "social image address",
        max_length=500,
        blank=True,
        help_text="An image elsewhere on the web, used when no social image is chosen above.",
        validators=[URLValidator(schemes=["http", "https"])],  # what a browser shows
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
    base_form_class = PostPageForm

    content_panels = [
        # Fills in the link (slug) as the title is typed.
        TitleFieldPanel("title", heading="Title", help_text=POST_TITLE_HELP, placeholder="Title"),
        FieldPanel("body", widget=MarkdownEditor),
        FieldPanel("tags"),
    ]
    # Bear's post attributes, in a blogger's words (Wagtail calls this tab "Promote").
    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug", heading="Link", help_text=LINK_HELP),
                FieldPanel("published_date"),
                FieldPanel("is_page", heading="Page, not a post"),
                FieldPanel("make_discoverable", heading="Show in discovery"),
                FieldPanel("alias", heading="Old address"),
            ],
            heading="Publishing",
        ),
        MultiFieldPanel(
            [
                FieldPanel("meta_description", heading="Description"),
                FieldPanel("meta_image", heading="Social image"),
                FieldPanel("meta_image_url"),
                FieldPanel("canonical_url"),
                FieldPanel("lang"),
                FieldPanel("class_name", heading="CSS classes"),
            ],
            heading="For search engines and social media",
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Write"),
            ObjectList(promote_panels, heading="Post settings"),
        ]
    )
    search_fields = Page.search_fields + [
        index.SearchField("body"),
        # What discovery's search filters on (home.discover): read from the post's own
        # row at query time, so a moderation change needs no reindexing.
        index.FilterField("in_discovery"),
        index.FilterField("published_date"),
        index.FilterField("blog"),
        index.FilterField("discovery_lang"),
        # What the dashboard's Posts (blog.dashboard.posts) filter and sort on while
        # searching.
        index.FilterField("is_page"),
        index.FilterField("has_unpublished_changes"),
        index.FilterField("upvote_count"),
    ]

    class Meta:
        verbose_name = "post"
        indexes = [
            models.Index(fields=["is_page", "published_date"]),
            models.Index(fields=["in_discovery", "-score"], name="discovery_trending"),
            models.Index(fields=["in_discovery", "-discovery_date"], name="discovery_newest"),
            models.Index(
                fields=["in_discovery", "discovery_lang", "-score"], name="discovery_lang_trending"
            ),
            models.Index(
                fields=["in_discovery", "discovery_lang", "-discovery_date"],
                name="discovery_lang_newest",
            ),
            # The anti-flood count (home.discover.flooded_blog_ids): a range of the listed
            # posts' listed_since, with the blog, read from the index alone.
            models.Index(fields=["in_discovery", "listed_since", "blog"], name="discovery_flood"),
        ]
        constraints = [
            # Discovery's search (home.discovery_search): from a search index entry that
            # matched (its object_id is the post's id as text) to the post. Unique, so
            # that the planner knows each entry leads to one post.
            models.UniqueConstraint(
                Cast("page_ptr", output_field=models.CharField(max_length=50)),
                name="discovery_search_post",
            ),
        ]

    markdown_fields = {"body": "body_html"}

    def clean(self):
        super().clean()
        if self.alias:
            self.alias = "/" + self.alias.strip("/") + "/"
        if self.slug in RESERVED_POST_SLUGS:
            raise ValidationError(
                {"slug": f"“{self.slug}” is a path the blog uses itself. Choose another link."}
            )

    def save(self, *args, update_fields=None, **kwargs):
        if self.live and self.published_date is None:
            self.published_date = timezone.now()
        blog_path = blog_root_path(self.path)
        if self.blog_id is None or self.blog.path != blog_path:
            self.blog = BlogPage.objects.get(path=blog_path)
        if update_fields is None:
            # A full save is a publish, an unpublish or a new page: the listing and the
            # score follow the content (draft saves touch a few bookkeeping fields only).
            set_discovery_fields(self, self.blog, timezone.now())
            self.tag_names = self.tags_in_memory()
        return super().save(*args, update_fields=update_fields, **kwargs)

    def tags_in_memory(self):
        """The names of the tags this object holds: a revision's, an editor form's, an
        import's, or the row's when loaded from it; in the order they were added."""
        return [item.tag.name for item in self.tagged_items.select_related("tag")]

    def with_content_json(self, content):
        # A draft, shown by a secret link or in the history, shows its own tags.
        page = super().with_content_json(content)
        page.tag_names = page.tags_in_memory()
        return page

    def serve_preview(self, request, mode_name):
        self.tag_names = self.tags_in_memory()  # the editor's, unsaved
        return super().serve_preview(request, mode_name)

    @classmethod
    def child_by_slug(cls, blog, slug):
        """``blog``'s post (or page) at ``slug``, or None.

        Every post page a reader opens starts here, so the query and what turns its row
        into a post are prepared once per process (``_child_by_slug_query``), not per
        request: the ORM took 1.7 ms of CPU to build that SQL, and a raw queryset another
        0.2 ms to match its columns to fields and look up their converters, against 0.1 ms
        to run it (bench/results/throughput.md). The row becomes a post as a raw
        queryset makes one: Django's converters, then ``Model.from_db``.
        """
        sql, names, converters = cls._child_by_slug_query()
        first, last = blog.path + "0" * cls.steplen, blog.path + "Z" * cls.steplen
        with connection.cursor() as cursor:
            cursor.execute(sql, [slug, first, last, blog.depth + 1])
            row = cursor.fetchone()
        if row is None:
            return None
        compiler = connection.ops.compiler("SQLCompiler")(None, connection, connection.alias)
        (values,) = compiler.apply_converters([row], converters)
        return cls.from_db(connection.alias, names, values)

    @classmethod
    @functools.cache
    def _child_by_slug_query(cls):
        """The SQL of every column of a post, for the post with a slug among a blog's
        children (paths from the blog's path + 0000 to + ZZZZ: treebeard's alphabet, in
        the same order in every collation; the (slug, path) index answers it), the names
        of its columns, which are the model's fields in their order, and their converters."""
        quote = connection.ops.quote_name
        page, post = quote(Page._meta.db_table), quote(cls._meta.db_table)
        fields = cls._meta.concrete_fields
        columns = ", ".join(
            f"{quote(field.model._meta.db_table)}.{quote(field.column)}" for field in fields
        )
        join = f"{post}.{quote('page_ptr_id')} = {page}.{quote('id')}"
        where = (
            f"{page}.{quote('slug')} = %s AND {page}.{quote('path')} BETWEEN %s AND %s"
            f" AND {page}.{quote('depth')} = %s"
        )
        # Names from the models' own metadata, quoted; every value is a parameter.
        sql = f"SELECT {columns} FROM {post} INNER JOIN {page} ON {join} WHERE {where}"  # noqa: S608
        compiler = connection.ops.compiler("SQLCompiler")(None, connection, connection.alias)
        columns = [field.get_col(field.model._meta.db_table) for field in fields]
        return sql, [field.attname for field in fields], compiler.get_converters(columns)

    @property
    def reader_path(self):
        """The post's path on its blog's host: posts sit directly below the blog."""
        return f"/{self.slug}/"

    def is_visible_now(self):
        return self.published_date is not None and self.published_date <= timezone.now()

    def is_scheduled(self):
        """Published with a date still to come: readers see it from that date on."""
        return self.live and not self.is_visible_now()

    @property
    def status_string(self):
        # Wagtail's "scheduled" is for its own go-live time, which posts do not use: a
        # published post whose date is to come would otherwise read "live" in the
        # explorer and the recent edits.
        if self.is_scheduled():
            return "scheduled + draft" if self.has_unpublished_changes else "scheduled"
        return super().status_string

    # Upvotes (blog.reader.upvotes), the mail to subscribers, the moments the post went
    # public and was listed, and staff's hiding belong to the post, not to a revision
    # (publishing one saved before the post went public must not make it new again); a
    # copy is a new post with none.
    row_state_fields = (
        "upvote_count",
        "subscribers_notified_at",
        "public_since",
        "listed_since",
        "hidden_by_staff",
    )
    exclude_fields_in_copy = [
        *row_state_fields,
        "discovery_date",
        "score",
        "in_discovery",
        "discovery_lang",
        "uid",
    ]

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
