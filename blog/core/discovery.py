"""Which posts reach the platform's discovery feed, and in what order.

The views live in ``home.discover``; this module holds the rules they rely on, kept on
the post row so that the feed is one indexed query at any size:

* ``hot_score``: the time-invariant "hot" ranking Reddit and Bear use. A post's score
  depends only on its upvotes and its ``discovery_date``, so it is computed when either
  changes and never needs a periodic recomputation.
* ``PostPage.public_since``: the moment the post first became public on this platform,
  by the platform's clock. Nothing a blogger supplies (the published date, an imported
  file's dates, a field in the editor) moves it.
* ``PostPage.listed_since``: the moment it entered discovery (never before
  ``public_since``), by which the anti-flood rule counts posts.
* ``PostPage.discovery_date``: the post's date as discovery ranks it (trending freshness
  and the newest order): its published date, never later than ``public_since``. An
  imported archive keeps its old dates; a date set ahead, or moved later after the post
  went public, lifts nothing.
* ``PostPage.in_discovery``: whether the post may be listed at all (the blog is
  discoverable, reviewed, neither hidden nor blocked; the post is live, a post not a
  page, no alias of another post, marked discoverable, not hidden by staff on its own,
  and long enough). It is written
  whenever the post is saved and, for all of a blog's posts at once, whenever the blog's
  settings or moderation flags change (``refresh_blog_posts``). Time-dependent rules
  (the published date has come, the anti-flood limit) are applied by the query itself.
* ``PostPage.discovery_lang``: the post's primary language (its own or its blog's), so
  that the language filter walks an index of its own instead of every listed post.
"""

import math
from datetime import UTC, datetime, timedelta

from django.db.models import Value
from django.db.models.functions import Coalesce, Greatest, Length
from django.utils import timezone

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
FRESHNESS_UNIT = timedelta(days=14).total_seconds()
MAX_COUNTED_UPVOTES = 30
MIN_DISCOVERY_LENGTH = 150  # characters of Markdown; shorter posts are left out
FLOOD_WINDOW = timedelta(hours=12)
FLOOD_LIMIT = 3  # a blog with more posts than this in the window shows none of them


def hot_score(upvotes, discovery_date):
    """log10(min(upvotes, 30)) + (discovery date - 2020-01-01) / 14 days.

    Ten upvotes are worth 14 days of freshness; upvotes beyond 30 stop counting. Fewer
    than one upvote counts as one (log10 of 0 is undefined), so a new post starts at its
    age alone. A post never public scores 0 and is not listed anyway. Every score is
    computed here, from the post's ``discovery_date``, whoever computes it.
    """
    if discovery_date is None:
        return 0.0
    votes = math.log10(max(1, min(upvotes, MAX_COUNTED_UPVOTES)))
    return votes + (discovery_date - EPOCH).total_seconds() / FRESHNESS_UNIT


def public_since(post, now):
    """When ``post`` first became public here, as of ``now``; None if it has not.

    The first full save of the post live sets it to ``now``, or to the published date if
    that is later (a scheduled post). Until that moment comes it follows the published
    date (the post is rescheduled), and a post unpublished before it forgets it (it never
    went public). Once the moment has passed it is kept for good, through unpublishing,
    republishing and edits: only the platform's clock sets it.
    """
    if post.public_since is not None and post.public_since <= now:
        return post.public_since
    if not post.live:
        return None
    return max(now, post.published_date)


def listed_since(post, listed, now):
    """When ``post`` entered discovery, as of ``now``; None while it is not ``listed``.

    The anti-flood rule counts posts by it. ``public_since`` alone would let a blogger
    publish posts unlisted (not discoverable, too short, the blog not yet approved) and,
    hours later, list them all at once: they count from the moment they are listed, never
    before they are public (a scheduled post), and a post taken out of discovery starts
    again when it comes back.
    """
    if not listed or post.public_since is None:
        return None
    return max(post.listed_since or now, post.public_since)


def discovery_date(post):
    """The date discovery ranks ``post`` by: its published date, but never later than the
    moment it became public here (None while it has not)."""
    if post.public_since is None:
        return None
    return min(filter(None, [post.published_date, post.public_since]))


def set_discovery_fields(post, blog, now):
    """Write the discovery fields of ``post``, a post of ``blog`` saved in full at ``now``
    (a publish, an unpublish, an edit, a new post, an import)."""
    post.public_since = public_since(post, now)
    post.discovery_date = discovery_date(post)
    post.score = hot_score(post.upvote_count, post.discovery_date)
    post.in_discovery = post_is_discoverable(post, blog)
    post.listed_since = listed_since(post, post.in_discovery, now)
    post.discovery_lang = post_language(post, blog)


def primary_language(code):
    """The language of a tag like ``de-CH``, lowercase: ``de``. Discovery filters on it,
    so regional variants are listed together and one indexed value serves the filter."""
    return (code or "").strip().lower().split("-", 1)[0][:8]


def post_language(post, blog):
    """The primary language a post is written in: its own, or else its blog's."""
    return primary_language(post.lang or blog.lang)


def blog_is_discoverable(blog):
    return blog.discoverable and blog.reviewed and not blog.hidden and not blog.blocked


def post_is_discoverable(post, blog):
    """The rules of ``in_discovery`` for one post (``refresh_blog_posts`` has them in SQL)."""
    return (
        blog_is_discoverable(blog)
        and post.live
        and post.alias_of_id is None
        and post.make_discoverable
        and not post.is_page
        and not post.hidden_by_staff
        and len(post.body) >= MIN_DISCOVERY_LENGTH
    )


def refresh_blog_posts(blog, posts):
    """Rewrite ``in_discovery``, ``listed_since`` and ``discovery_lang`` for ``posts``,
    every post of ``blog``, after its settings or flags changed."""
    now = timezone.now()
    # Posts without a language of their own speak the blog's, which may have changed.
    language = primary_language(blog.lang)
    posts.filter(lang="").exclude(discovery_lang=language).update(discovery_lang=language)
    unlisted = {"in_discovery": False, "listed_since": None}
    if not blog_is_discoverable(blog):
        posts.filter(in_discovery=True).update(**unlisted)
        return
    eligible = posts.alias(body_length=Length("body")).filter(
        live=True,
        alias_of__isnull=True,
        make_discoverable=True,
        is_page=False,
        hidden_by_staff=False,
        body_length__gte=MIN_DISCOVERY_LENGTH,
    )
    eligible.filter(in_discovery=False).update(
        in_discovery=True, listed_since=Greatest(Coalesce("public_since", Value(now)), Value(now))
    )
    posts.exclude(pk__in=eligible.values("pk")).filter(in_discovery=True).update(**unlisted)
