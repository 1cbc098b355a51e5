"""The platform's discovery feed: ``/discover/``, its search, its Atom and RSS feeds, and
a random post or blog.

Which posts may be listed, and their "hot" score, are decided when posts and blogs are
saved (``blog.core.discovery``) and stored on the post's row. A request therefore runs one
indexed query for the page of posts (``discovery_trending`` or ``discovery_newest``),
one for its count (capped, see ``MAX_PAGES``) and one small aggregate for the anti-flood
rule (``discovery_flood``), whatever the number of blogs. The blog comes with each post
in the same query, and links are built from the blog's host (its custom domain or
subdomain), so no query runs per listed post.

What anonymous readers get is kept in the app's cache (``blog.caching.discovery_cache``)
until anything it lists changes: a blog staff hide is gone from the next response, and
so is a new post, while an upvote reorders it at once. Anonymous responses may also be
kept by browsers and the CDN for a minute; a signed-in reader's page has their own hidden
blogs left out, so it is never shared.
"""

import random
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from blog.caching.discovery_cache import cached_for_anonymous_readers
from blog.core.discovery import FLOOD_LIMIT, FLOOD_WINDOW, primary_language
from blog.core.ids import MAX_ID
from blog.core.names import blog_host
from blog.models import BlogPage, PostPage
from blog.reader.directives import expand_directives
from blog.reader.feeds import ENTRY_FIELDS as FEED_ENTRY_FIELDS
from blog.reader.feeds import AtomFeed as BlogAtomFeed
from blog.reader.feeds import PagedAtomFeed, PagedRssFeed, absolute_links, wants_rss
from blog.reader.feeds import RssFeed as BlogRssFeed
from home.discovery_search import matching_posts
from home.models import HiddenBlog

PAGE_SIZE = 20
# Pages beyond this are a 404: counting every listed post would cost more as the platform
# grows, while nobody pages through more than a thousand posts (a search with rarer words,
# or a language, finds older ones).
MAX_PAGES = 50
PUBLIC_MAX_AGE = 60  # seconds browsers and the CDN may keep an anonymous reader's page
MAX_QUERY_LENGTH = 200  # longer search queries are cut: they only cost the database
# Searches are for words: punctuation means nothing to either full-text index, and a
# stray double quote is a syntax error in SQLite's MATCH (modelsearch passes it through).
WORD = re.compile(r"\w+")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
# What an entry shows and links to; everything else stays in the database.
ENTRY_FIELDS = (
    "title",
    "slug",
    "published_date",
    "last_published_at",
    "translation_key",
    "upvote_count",
    "meta_description",
    "blog",
    "blog__title",
    "blog__subdomain",
    "blog__custom_domain",
)


def flooded_blog_ids(now):
    """Blogs that listed more than ``FLOOD_LIMIT`` posts within ``FLOOD_WINDOW``.

    Posts count from the moment they entered discovery (``listed_since``: public here and
    listed), whatever date the blogger gave them or their import carried: six posts
    published in a minute count six, even dated yesterday, and so do six posts published
    unlisted and made discoverable together hours later. One aggregate over the posts of
    the last hours, read from the ``discovery_flood`` index alone: only posts discovery
    would list count (a flood of short posts or pages shows nowhere anyway), which spares
    a look at every post's row.
    """
    return [
        row["blog_id"]
        for row in PostPage.objects.filter(
            in_discovery=True,
            listed_since__gt=now - FLOOD_WINDOW,
            listed_since__lte=now,
        )
        .order_by()  # pages are ordered by tree path, which would split the groups
        .values("blog_id")
        .annotate(posts=Count("id"))
        .filter(posts__gt=FLOOD_LIMIT)
    ]


def discoverable_posts(reader=None, lang=""):
    """The posts discovery may show right now, less those the signed-in ``reader`` hid."""
    now = timezone.now()
    posts = PostPage.objects.filter(in_discovery=True, published_date__lte=now)
    flooded = flooded_blog_ids(now)
    if flooded:
        posts = posts.exclude(blog_id__in=flooded)
    if reader is not None and reader.is_authenticated:
        hidden = HiddenBlog.objects.filter(user=reader).values("blog_id")
        posts = posts.exclude(blog_id__in=hidden)
    if lang:
        posts = posts.filter(discovery_lang=primary_language(lang))
    return posts.select_related("blog").only(*ENTRY_FIELDS)


def blog_url(blog):
    """The blog's home address on its host (its custom domain or subdomain)."""
    port = "" if settings.SITE_PORT in (80, 443) else f":{settings.SITE_PORT}"
    return f"{settings.SITE_SCHEME}://{blog_host(blog)}{port}/"


def post_url(post):
    """The post's address on its blog's host, built from the blog loaded with it.

    ``post.get_url()`` would give the same address but looks up each blog's Site (one
    query per blog on a cold cache); a post sits directly below its blog, so its path is
    its slug. ``tests/home/test_discover.py`` checks that both agree.
    """
    return f"{blog_url(post.blog)}{post.slug}/"


def requested_language(request):
    code = request.GET.get("lang", "").strip().lower()[:35]
    return code if LANGUAGE_CODE.match(code) else ""


def paginate(request, posts, **params):
    """The requested page of ``posts`` (a 404 for a page that is not there) and links to
    its neighbours, which keep the non-empty ``params`` of this one."""
    params = {name: value for name, value in params.items() if value}
    paginator = Paginator(posts[: PAGE_SIZE * MAX_PAGES], PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404("There is no such page of posts.") from error
    for post in page:
        post.discovery_url = post_url(post)

    def page_link(number):
        query = {**params, "page": number} if number > 1 else params
        return f"{request.path}?{urlencode(query)}" if query else request.path

    return {
        "page": page,
        "previous_url": page_link(page.previous_page_number()) if page.has_previous() else None,
        "next_url": page_link(page.next_page_number()) if page.has_next() else None,
    }


def reader_response(request, template, context):
    """Render for this reader: shared caching when anonymous, none when signed in."""
    if request.user.is_authenticated:
        context["hidden_blogs"] = (
            HiddenBlog.objects.filter(user=request.user)
            .select_related("blog")
            .only("blog__title", "blog__subdomain")
            .order_by("blog__title")
        )
    response = render(request, template, context)
    if request.user.is_authenticated:
        add_never_cache_headers(response)  # so that hiding a blog shows at once
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def ordering(newest):
    """By ``discovery_date``, never the published date alone: a post dated later once it
    is public must not climb. Trending ties (same upvotes, same second) go to the newer."""
    return ["-discovery_date"] if newest else ["-score", "-discovery_date"]


def feed_query(newest, lang):
    """The query string of the feed that follows a listing: ``newest=1`` and ``lang``."""
    params = {"newest": "1" if newest else "", "lang": lang}
    return urlencode({name: value for name, value in params.items() if value})


@cached_for_anonymous_readers
def discover(request):
    """``/discover/``: trending posts, or the newest with ``?newest=1``; ``?lang=de``."""
    newest = request.GET.get("newest") == "1"
    lang = requested_language(request)
    posts = discoverable_posts(request.user, lang).order_by(*ordering(newest))
    pages = paginate(request, posts, newest="1" if newest else "", lang=lang)
    context = {"newest": newest, "lang": lang, "feed_query": feed_query(newest, lang), **pages}
    return reader_response(request, "home/discover.html", context)


@cached_for_anonymous_readers
def search(request):
    """``/discover/search/?q=``: discoverable posts matching words, best match first.

    Words are matched in Wagtail's search index, on either database; which posts may
    be listed is read from their own rows (``home.discovery_search``).
    """
    query = " ".join(WORD.findall(request.GET.get("q", "")[:MAX_QUERY_LENGTH]))
    lang = requested_language(request)
    context = {
        "query": query,
        "lang": lang,
        "feed_query": feed_query(False, lang),
        "page": None,
    }
    if query:
        results = matching_posts(discoverable_posts(request.user, lang), query)
        context.update(paginate(request, results, q=query, lang=lang))
    return reader_response(request, "home/discover_search.html", context)


@require_POST
@login_required
def set_blog_hidden(request, blog_id, hidden):
    """Hide a blog from (or show it again in) the signed-in reader's own discovery feed."""
    if blog_id > MAX_ID:  # SQLite cannot even compare a bigger integer
        raise Http404("No such blog.")
    blog = get_object_or_404(BlogPage, pk=blog_id)
    if hidden:
        HiddenBlog.objects.get_or_create(user=request.user, blog=blog)
    else:
        HiddenBlog.objects.filter(user=request.user, blog=blog).delete()
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=False):
        back = reverse("discover")
    response = HttpResponseRedirect(back)
    response.status_code = 303  # "see the feed again": a GET
    return response


@dataclass
class FeedContent:
    posts: list
    newest: bool
    url: str


class DiscoveryFeed(Feed):
    """``/discover/feed/``: the first page of trending posts, or ``?newest=1`` the newest;
    ``?lang=de`` in one language. Each entry holds the whole post, as in its blog's feed.

    The same for every reader (feed readers have no session), so the hidden blogs of
    whoever is signed in are not left out here.
    """

    feed_type = PagedAtomFeed

    def get_object(self, request):
        newest = request.GET.get("newest") == "1"
        posts = discoverable_posts(lang=requested_language(request)).order_by(*ordering(newest))
        posts = list(posts.only(*ENTRY_FIELDS, *FEED_ENTRY_FIELDS)[:PAGE_SIZE])
        # Entries as the blog's own feed has them (blog.reader.feeds), and who wrote them.
        entries = []
        for post in posts:
            link = post_url(post)
            html = expand_directives(post.body_html, blog=post.blog, page=post)
            entry = {field: getattr(post, field) for field in FEED_ENTRY_FIELDS}
            entry.update(link=link, html=absolute_links(html, link), author=post.blog.title)
            entries.append(entry)
        # Absolute URLs from the platform's configured address, not the Host header: the
        # platform answers to any port or case of its name, and this feed is cached
        # publicly, so a request's spelling must not become every reader's feed id.
        url = settings.WAGTAILADMIN_BASE_URL + request.get_full_path()
        return FeedContent(entries, newest, url)

    def title(self, obj):
        return "Newest posts on bearcms" if obj.newest else "Trending posts on bearcms"

    def link(self, obj):
        path = reverse("discover") + ("?newest=1" if obj.newest else "")
        return settings.WAGTAILADMIN_BASE_URL + path

    def feed_url(self, obj):
        return obj.url

    def items(self, obj):
        return obj.posts

    # An entry has the title, id and dates it has in its blog's own feed.
    item_title = BlogAtomFeed.item_title
    item_guid = BlogAtomFeed.item_guid
    item_guid_is_permalink = False
    item_pubdate = BlogAtomFeed.item_pubdate
    item_updateddate = BlogAtomFeed.item_updateddate
    item_description = BlogAtomFeed.item_description  # the summary: its meta description

    item_extra_kwargs = BlogAtomFeed.item_extra_kwargs  # the whole post, as <content>
    item_link = BlogAtomFeed.item_link  # the post on its blog

    def item_author_name(self, post):
        return post["author"]

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response


class DiscoveryRssFeed(DiscoveryFeed):
    """The same feed as RSS 2.0, whose description carries the whole post."""

    feed_type = PagedRssFeed
    item_description = BlogRssFeed.item_description


atom_feed, rss_feed = DiscoveryFeed(), DiscoveryRssFeed()


@cached_for_anonymous_readers
def feed(request):
    """Atom, or RSS with ``?type=rss``, as a blog's own feed chooses."""
    return (rss_feed if wants_rss(request) else atom_feed)(request)


def random_discoverable_post(request):
    """A post picked at random among the newest ``MAX_PAGES`` pages of discovery (in
    ``?lang=`` when given), or None: a capped count and one row at an offset of the
    newest-first index, whatever the number of posts."""
    posts = discoverable_posts(request.user, requested_language(request))
    posts = posts.order_by(*ordering(newest=True))
    count = posts[: PAGE_SIZE * MAX_PAGES].count()
    if not count:
        return None
    offset = random.randrange(count)
    picked = list(posts[offset : offset + 1])
    return picked[0] if picked else None  # None: it left discovery since the count


@never_cache
def random_post(request):
    """``/discover/random/``: off to a post picked at random (a new one each time)."""
    post = random_discoverable_post(request)
    return HttpResponseRedirect(post_url(post) if post else reverse("discover"))


@never_cache
def random_blog(request):
    """``/discover/random/blog/``: off to the home page of a blog with a discoverable post."""
    post = random_discoverable_post(request)
    return HttpResponseRedirect(blog_url(post.blog) if post else reverse("discover"))
