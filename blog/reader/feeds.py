"""A blog's Atom and RSS feeds: ``/feed/``, the paths feed readers guess and Bear Blog's
aliases (``blog.core.names.GUESSED_FEED_PATHS``).

``/feed/`` is Atom, ``/feed/?type=rss`` RSS 2.0, and so is any of the other paths with
"rss" in it or in its ``?type=``, as on Bear. ``?q=a,-b`` filters by tags like ``/blog/``
does; ``?page=N`` pages back through older posts (a page past the end is a 404). Entries
carry the full stored post HTML with every link and image made absolute, since feed
readers show it away from the blog. Only public ``blog.published_posts()`` appear: never
pages, drafts, scheduled or password-protected posts.
"""

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from blog.models import PostPage
from blog.reader.directives import expand_directives
from blog.reader.tags import filter_by_tags, tag_query_labels

PAGE_SIZE = 20
# What an entry shows of a post: its row, not a page object (building twenty of those
# was a third of a feed's time).
ENTRY_FIELDS = (
    "id",
    "slug",
    "title",
    "translation_key",
    "published_date",
    "last_published_at",
    "tag_names",
    "meta_description",
    "body_html",
)
MAX_PAGE = 100_000  # past any blog's last page, and short of an OFFSET the database refuses
# nh3 writes every attribute double-quoted, so the stored HTML needs no parser here.
URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)"')
# Characters XML 1.0 forbids. Markdown passes them through, and Django refuses to write
# them: one stray \x0b in a post would otherwise turn the whole feed into a 500.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def wants_rss(request):
    """Whether a feed request asks for RSS rather than Atom, as Bear Blog decides: "rss" in
    the path (``/feed/rss/``, ``/rss.xml``) or in ``?type=`` (``?type=rss``)."""
    return "rss" in request.path or "rss" in request.GET.get("type", "")


def absolute_links(html, base_url):
    """Resolve relative ``href``/``src`` values against ``base_url`` (absolute ones stay)."""
    return URL_ATTRIBUTE.sub(lambda match: f'{match[1]}{urljoin(base_url, match[2])}"', html)


def page_number(value):
    """``?page=`` as a page number from 1 (1 when absent); a 404 for anything else."""
    if value in (None, ""):
        return 1
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_PAGE:
        raise Http404("No such feed page.")
    return int(value)


@dataclass
class FeedPage:
    """One page of one feed: what the Feed methods below are asked about."""

    blog: object
    tags: str
    posts: list
    url: str
    id: str
    next_url: str | None
    previous_url: str | None


def xml_safe(values):
    def clean(value):
        if isinstance(value, str):
            return NOT_XML.sub("", value)
        if isinstance(value, (list, tuple)):  # an entry's categories: its tags
            return [clean(item) for item in value]
        return value

    return {key: clean(value) for key, value in values.items()}


class PagedFeedMixin:
    """RFC 5005 rel=next/previous links (as ``link_element``), and only XML-safe text."""

    link_element = "link"

    def __init__(self, **kwargs):
        super().__init__(**xml_safe(kwargs))

    def add_item(self, **kwargs):
        super().add_item(**xml_safe(kwargs))

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        for rel in ("next", "previous"):
            if self.feed.get(rel):
                handler.addQuickElement(self.link_element, "", {"rel": rel, "href": self.feed[rel]})


class PagedAtomFeed(PagedFeedMixin, Atom1Feed):
    """Atom with the full post as ``<content>``."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class PagedRssFeed(PagedFeedMixin, Rss201rev2Feed):
    """RSS 2.0, with paging links in the Atom namespace Django's RSS already declares."""

    link_element = "atom:link"


class AtomFeed(Feed):
    """The blog's posts, newest first, a page at a time."""

    feed_type = PagedAtomFeed

    def get_object(self, request):
        blog = request.blog
        if not blog.is_public():  # behind a password or a login (posts': published_posts)
            raise Http404("This blog is not public.")
        number = page_number(request.GET.get("page"))
        posts = filter_by_tags(blog.published_posts(), request.GET.get("q"))
        # One more than a page: whether there is a next one, without counting them all.
        start = (number - 1) * PAGE_SIZE
        posts = list(posts.values(*ENTRY_FIELDS)[start : start + PAGE_SIZE + 1])
        has_next = len(posts) > PAGE_SIZE
        posts = posts[:PAGE_SIZE]
        if not posts and number > 1:
            raise Http404("No such feed page.")
        for post in posts:
            html = post["body_html"]
            if "{{" in html:  # directives about the post read it as a page
                page = PostPage(**post)
                html = expand_directives(html, blog=blog, page=page, request=request)
            post["link"] = f"{blog.root_url}/{post['slug']}/"  # PostPage.reader_path
            post["html"] = absolute_links(html, post["link"])
        here = blog.root_url + request.path

        def page_url(number):
            query = request.GET.copy()
            if number is None:
                query.pop("page", None)
            else:
                query["page"] = number
            return f"{here}?{query.urlencode()}" if query else here

        return FeedPage(
            blog=blog,
            tags=", ".join(tag_query_labels(request.GET.get("q"))),
            posts=posts,
            url=f"{here}?{request.GET.urlencode()}" if request.GET else here,
            id=page_url(None),  # every page of a feed is that one feed
            next_url=page_url(number + 1) if has_next else None,
            previous_url=page_url(number - 1) if number > 1 else None,
        )

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Django reads ``language`` as a fixed attribute, never per object.
        feed.feed["language"] = obj.blog.lang
        return feed

    def title(self, obj):
        return f"{obj.blog.title} · {obj.tags}" if obj.tags else obj.blog.title

    def link(self, obj):
        return obj.blog.root_url + "/"

    def feed_url(self, obj):
        return obj.url

    def feed_guid(self, obj):
        return obj.id

    def description(self, obj):
        return obj.blog.meta_description

    def subtitle(self, obj):
        return obj.blog.meta_description or None

    def author_name(self, obj):
        return obj.blog.title

    def feed_extra_kwargs(self, obj):
        return {"next": obj.next_url, "previous": obj.previous_url}

    def items(self, obj):
        return obj.posts

    def item_title(self, post):
        return post["title"]

    def item_link(self, post):
        return post["link"]

    def item_guid(self, post):
        # Stable across slug and domain changes, so a renamed post is not "new" again.
        return f"urn:uuid:{post['translation_key']}"

    item_guid_is_permalink = False

    def item_pubdate(self, post):
        return post["published_date"]

    def item_updateddate(self, post):
        return max(filter(None, [post["published_date"], post["last_published_at"]]))

    def item_categories(self, post):
        return post["tag_names"]

    def item_description(self, post):
        # Atom's summary; the post is the content. Django marks the summary type="html",
        # so the plain-text description is escaped: feed readers must show it as text.
        return escape(post["meta_description"]) if post["meta_description"] else None

    def item_extra_kwargs(self, post):
        return {"content": post["html"]}


class RssFeed(AtomFeed):
    """The same feed as RSS 2.0, whose description carries the full post."""

    feed_type = PagedRssFeed

    def item_description(self, post):
        return post["html"]


atom_feed = AtomFeed()
rss_feed = RssFeed()
