"""Bear-compatible directives (``{{ posts|tag:notes|limit:5 }}``, ``{{ blog_title }}``, ...).

Markdown is rendered once, on save, but what a directive shows changes without any save
(a new post, the next post, the last-posted date), so directives are expanded on the
*stored HTML* at request time: a regular-expression pass over sanitised markup, never a
Markdown render. Every value inserted is escaped (titles and descriptions are user text),
each directive costs at most one cheap query, and anything inside ``<pre>``/``<code>`` is
left alone so that bloggers can write about directives.

A directive that is unknown or has a bad filter never raises: it stays in the page as the
text the blogger wrote and, in the editor's preview, is marked up with the reason.
"""

import datetime
import html
import re

from django.db.models import Max
from django.utils import dateformat, timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from blog.models import POST_LIST_FIELDS, PostPage
from blog.reader.favicon import own_image
from blog.reader.tags import parse_tag_query, tag_list
from blog.subscribers.forms import signup_form

# The most posts one {{ posts }} lists: an explicit larger limit is lowered to this, and
# a list without a limit stops here too, so one directive can never list a whole archive.
MAX_POSTS = 500

# One pass over the HTML. Alternatives are tried in order at each position: code is
# skipped whole, a paragraph holding only a directive may be replaced by a block, a tag
# holding ``{{`` is copied (only link directives are expanded inside attributes), then a
# bare directive. nh3 escapes ``<`` and ``>`` inside attribute values, so ``<[^>]*>`` is a
# whole tag, and tags without ``{{`` are never matched (no callback for every tag).
TOKEN = re.compile(
    r"""
    (?P<code><pre\b.*?</pre\s*>|<code\b.*?</code\s*>)
    | (?P<para><p>\s*(?P<alone>\{\{[^{}<>]*\}\})\s*</p>)
    | (?P<tag><[^>]*?\{\{[^>]*>)
    | (?P<directive>\{\{[^{}<>]*\}\})
    """,
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)
LINK_IN_ATTRIBUTE = re.compile(r"\{\{\s*(blog_link|post_link)\s*\}\}")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
WHOLE_NUMBER = re.compile(r"^\d{1,9}$", re.ASCII)

# Every directive, by name, and where it may stand: a block directive replaces a paragraph
# it has to itself; a post directive needs a post or page to be shown on. Each is expanded
# by the _Expander method of its name.
BLOCK, BLOG, POST = "block", "blog", "post"
DIRECTIVES = {
    "posts": BLOCK,
    "tags": BLOCK,
    "email_signup": BLOCK,
    "blog_title": BLOG,
    "blog_description": BLOG,
    "blog_link": BLOG,
    "blog_created_date": BLOG,
    "blog_last_modified": BLOG,
    "blog_last_posted": BLOG,
    "post_title": POST,
    "post_description": POST,
    "post_link": POST,
    "post_published_date": POST,
    "post_last_modified": POST,
    "next_post": POST,
    "previous_post": POST,
}
# Other spellings Bear Blog accepts, and the directive each one is.
SPELLINGS = {"email-signup": "email_signup"}


class DirectiveError(ValueError):
    """A directive the blogger got wrong; the message is shown in the preview."""


def expand_directives(html_text, *, blog, page=None, request=None, preview=False):
    """Return the stored, sanitised ``html_text`` with its directives expanded.

    ``page`` is the page being shown (post-level directives need a PostPage); links to
    the blog's posts are relative on the blog's own host (``request``'s), absolute
    elsewhere; with ``preview`` a directive that cannot be expanded is wrapped in a
    visible marker.
    """
    if not html_text or "{{" not in html_text:
        return html_text or ""
    expander = _Expander(blog, page, blog.link_root(request), preview)
    with translation.override(_django_language(blog.lang)):
        return TOKEN.sub(expander.replace, html_text)


def _django_language(lang):
    """The blog's language if Django can translate month names into it, else None
    (English)."""
    lang = (lang or "").strip()
    return lang if lang and translation.check_for_language(lang) else None


def parse_directive(text):
    """Split ``{{ posts | tag:a | limit:5 }}`` into ``("posts", [("tag", "a"), ...])``;
    the name is the one ``DIRECTIVES`` knows it by, whichever spelling was written."""
    body = html.unescape(text[2:-2]).strip()
    name, *filters = (part.strip() for part in body.split("|"))
    parsed = []
    for item in filters:
        key, sep, value = item.partition(":")
        if not sep:
            raise DirectiveError(f"Filter “{item}” needs a value, like limit:5")
        parsed.append((key.strip().lower(), value.strip()))
    name = name.lower()
    return SPELLINGS.get(name, name), parsed


def parse_posts_filters(filters):
    """Validate the filters of ``{{ posts }}`` into a dict of options."""
    options = {
        "include": [],
        "exclude": [],
        "limit": MAX_POSTS,
        "order": "desc",
        "from": None,
        "to": None,
        "description": False,
        "content": False,
        "image": False,
    }
    for key, value in filters:
        if key == "tag":
            options["include"], options["exclude"] = parse_tag_query(value)
        elif key == "limit":
            if not WHOLE_NUMBER.match(value) or int(value) < 1:
                raise DirectiveError(f"limit needs a whole number from 1, not “{value}”")
            options["limit"] = min(int(value), MAX_POSTS)
        elif key == "order":
            if value.lower() not in ("asc", "desc"):
                raise DirectiveError(f"order is asc or desc, not “{value}”")
            options["order"] = value.lower()
        elif key in ("from", "to"):
            options[key] = _parse_date(key, value)
        elif key in ("description", "content", "image"):
            if value.lower() not in ("true", "false"):
                raise DirectiveError(f"{key} is true or false, not “{value}”")
            options[key] = value.lower() == "true"
        else:
            raise DirectiveError(f"Unknown filter “{key}” for posts")
    return options


def _parse_date(key, value):
    try:
        if not ISO_DATE.match(value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise DirectiveError(f"{key} needs a date like 2024-01-31, not “{value}”") from None


class _Expander:
    """Expands the directives of one piece of HTML shown on ``page``; links to posts start
    with ``link_root``."""

    def __init__(self, blog, page, link_root, preview):
        self.blog, self.page, self.link_root, self.preview = blog, page, link_root, preview

    def replace(self, match):
        """The replacement for one TOKEN match."""
        if match["code"]:
            return match["code"]
        if match["tag"]:
            return self.expand_links_in_tag(match["tag"])
        if match["para"]:
            return self.expand_paragraph(match)
        return self.expand_or_mark(match["directive"])

    def expand_paragraph(self, match):
        """``<p>{{ posts }}</p>`` becomes the list itself: a list may not sit in a <p>."""
        text, paragraph = match["alone"], match["para"]
        try:
            name, filters = parse_directive(text)
            expanded = self.expand(name, filters)
        except DirectiveError as error:
            return paragraph.replace(text, self.mark(text, error), 1)
        return expanded if DIRECTIVES[name] == BLOCK else paragraph.replace(text, expanded, 1)

    def expand_links_in_tag(self, tag):
        """Expand ``href="{{ post_link }}"`` (Markdown's ``[x]({{ post_link }})``)."""
        if "{{" not in tag:
            return tag
        return LINK_IN_ATTRIBUTE.sub(lambda m: self.safe_url(m[1]) or m[0], tag)

    def safe_url(self, name):
        try:
            return escape(self.blog_url() if name == "blog_link" else self.post_url())
        except DirectiveError:
            return None

    def expand_or_mark(self, text):
        try:
            return self.expand(*parse_directive(text))
        except DirectiveError as error:
            return self.mark(text, error)

    def mark(self, text, error):
        """The directive as written; in a preview, highlighted with what is wrong."""
        if not self.preview:
            return text
        return format_html(
            '<mark class="directive-error" title="{}">{}</mark>', str(error), mark_safe(text)
        )

    def expand(self, name, filters):
        if name not in DIRECTIVES:
            raise DirectiveError(f"Unknown directive “{name}”")
        if name == "posts":
            return self.posts(parse_posts_filters(filters))
        if filters:
            raise DirectiveError(f"{name} takes no filters")
        if DIRECTIVES[name] == POST and not isinstance(self.page, PostPage):
            raise DirectiveError(f"{name} works only in posts and pages")
        return getattr(self, name)()

    def email_signup(self):
        return signup_form()

    # Blog-level directives.

    def blog_title(self):
        return escape(self.blog.title)

    def blog_description(self):
        return escape(self.blog.meta_description)

    def blog_url(self):
        return self.blog.root_url + "/"

    def blog_link(self):
        url = self.blog_url()
        return format_html('<a href="{}">{}</a>', url, url)

    def blog_created_date(self):
        created = self.blog.first_published_at
        if created is None:
            revisions = self.blog.revisions.order_by("created_at")
            created = revisions.values_list("created_at", flat=True).first()
        return format_date(created, self.blog)

    def blog_last_modified(self):
        posts = PostPage.objects.child_of(self.blog).live()
        posts = posts.filter(published_date__lte=timezone.now())
        latest = posts.aggregate(latest=Max("last_published_at"))["latest"]
        dates = [d for d in (latest, self.blog.last_published_at) if d is not None]
        return format_date(max(dates, default=None), self.blog)

    def blog_last_posted(self):
        posts = self.blog.published_posts().values_list("published_date", flat=True)
        return format_date(posts.first(), self.blog)

    def tags(self):
        """Every tag of the blog's published posts, as ``/blog/`` lists them."""
        return tag_list(self.blog)

    def posts(self, options):
        """The post list of templates/blog/post_list.html, filtered, in one query; marked
        ``embedded``, as Bear Blog marks a directive's list (``ul.embedded.blog-posts``)."""
        posts = self.blog.published_posts()
        for tag in options["include"]:
            posts = posts.filter(tags__name__iexact=tag)
        for tag in options["exclude"]:
            posts = posts.exclude(tags__name__iexact=tag)
        if options["include"]:
            posts = posts.distinct()  # a post tagged both "Python" and "python" matches twice
        if options["from"]:
            posts = posts.filter(published_date__date__gte=options["from"])
        if options["to"]:
            posts = posts.filter(published_date__date__lte=options["to"])
        fields = list(POST_LIST_FIELDS)
        if options["description"]:
            fields.append("meta_description")
        if options["content"]:
            fields.append("body_html")
        if options["image"]:
            posts = posts.select_related("meta_image")
            fields += ["meta_image", "meta_image__file", "meta_image_url"]
        order = "published_date" if options["order"] == "asc" else "-published_date"
        posts = posts.order_by(order).only(*fields)[: options["limit"]]
        items = [self.post_item(post, options) for post in posts]
        return format_html(
            '<ul class="embedded blog-posts">\n{}</ul>',
            mark_safe("".join(items) or "<li>No posts yet.</li>\n"),  # items are escaped
        )

    def image_url(self, post):
        """The post's chosen image of the blog's own, else its image address (Bear's meta
        image is an address: an imported post's is its image here too)."""
        image = own_image(self.blog, post.meta_image)
        return image.file.url if image is not None else post.meta_image_url

    def post_item(self, post, options):
        extras = []
        if options["description"] and post.meta_description:
            extras.append(format_html('<p class="description">{}</p>', post.meta_description))
        image_url = self.image_url(post) if options["image"] else ""
        if image_url:
            extras.append(
                format_html('<img src="{}" alt="{}" loading="lazy">', image_url, post.title)
            )
        if options["content"]:
            # body_html was sanitised when the post was saved.
            body = mark_safe(post.body_html)
            extras.append(format_html('<div class="post-content">{}</div>', body))
        return format_html(
            '<li><span><i>{}</i></span> <a href="{}">{}</a>{}</li>\n',
            format_date(post.published_date, self.blog),
            self.link_root + post.reader_path,
            post.title,
            mark_safe("".join(extras)),
        )

    # Post-level directives (the page is a PostPage).

    def post_title(self):
        return escape(self.page.title)

    def post_description(self):
        return escape(self.page.meta_description)

    def post_url(self):
        if not isinstance(self.page, PostPage):
            raise DirectiveError("post_link works only in posts and pages")
        return self.blog.root_url + self.page.reader_path

    def post_link(self):
        url = self.post_url()
        return format_html('<a href="{}">{}</a>', url, url)

    def post_published_date(self):
        return format_date(self.page.published_date, self.blog)

    def post_last_modified(self):
        return format_date(self.page.last_published_at, self.blog)

    def next_post(self):
        return self.adjacent_post(newer=True)

    def previous_post(self):
        return self.adjacent_post(newer=False)

    def adjacent_post(self, *, newer):
        """The published post just after (or before) this one by published date, as a
        link; ties on the date are broken by id so that every post has one neighbour."""
        date, posts = self.page.published_date, self.blog.published_posts().exclude(id=self.page.id)
        if date is None:
            return ""
        if newer:
            posts = posts.filter(published_date__gte=date).order_by("published_date", "id")
            posts = posts.exclude(published_date=date, id__lt=self.page.id)
        else:
            posts = posts.filter(published_date__lte=date).order_by("-published_date", "-id")
            posts = posts.exclude(published_date=date, id__gt=self.page.id)
        post = posts.only(*POST_LIST_FIELDS).first()
        if post is None:
            return ""
        return format_html('<a href="{}">{}</a>', self.link_root + post.reader_path, post.title)


def format_date(value, blog):
    """``value`` in the blog's date format and (active) language, as a <time> element."""
    if value is None:
        return ""
    value = timezone.localtime(value)
    return format_html(
        '<time datetime="{}">{}</time>',
        dateformat.format(value, "c"),
        dateformat.format(value, blog.display_date_format),
    )
