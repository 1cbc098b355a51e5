"""How spammy a blog looks: its dodginess score, so that staff review the worst first.

The score is a sum of points (the constants below) over what readers of the blog and of
discovery meet: its title, home content and navigation, the ``SCORED_POSTS`` live posts
discovery ranks first (listed ones first, by their discovery score), and every post whose
save or import asked for the rescoring, whatever its date: a post dated years back, one
scheduled for later, one edited deep in the archive or one of a burst published before
the rescoring ran is read when it changes.

The cost is bounded by that: the blog's text, ``SCORED_POSTS`` posts, and the posts that
changed (one for a save, every imported post once for an import), read ``RESCORE_CHUNK``
at a time, however many posts the blog has. A post outside the top that has not changed
is not read again, not even when the term lists change: it was scored when it was
published, and a crossing of the threshold (below) happens then.

Staff keep two term lists in ``ModerationSettings`` (a Wagtail setting): every distinct
blacklisted term found counts a lot, every distinct highlight term a little. Many links
to other sites and a brand-new account that posts a lot count too.

The score is computed in the background (django-tasks): after a blog or one of its posts
is saved in full (a publish, an unpublish, a new page: not a draft's bookkeeping), and
for every blog after staff change the settings. It lives on the BlogPage row
(``dodginess``, outside revisions and the blogger's forms).

The threshold: a *reviewed* blog whose score rises from below the threshold to at or
above it (spam added after approval, or new terms on the lists) goes back to unreviewed,
and so out of discovery, with an audit log entry. Only that crossing un-approves: staff
approving the blog again keeps it approved while its score stays at or above the
threshold, and lowering the threshold alone un-approves nobody.
"""

import functools
import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from blog.core.names import blog_hostname
from blog.models import BlogPage, ModerationSettings, PostPage
from blog.moderation.flags import set_blog_flags

BLACKLISTED_TERM_POINTS = 10  # each distinct blacklisted term found
HIGHLIGHT_TERM_POINTS = 2  # each distinct highlight term found
FREE_EXTERNAL_LINKS = 10  # links to other sites that cost nothing
EXTERNAL_LINKS_PER_POINT = 5  # beyond those, one point per this many more
NEW_ACCOUNT_AGE = timedelta(days=7)  # an account younger than this...
NEW_ACCOUNT_POSTS = 10  # ...with more live posts than this...
NEW_ACCOUNT_POINTS = 5  # ...scores this
SCORED_POSTS = 20  # the live posts discovery ranks first, read on every rescoring
RESCORE_CHUNK = 200  # blogs, or posts, loaded at once

HREF = re.compile(r"""href\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


# --- The score, from text --------------------------------------------------------------


def normalised(term):
    """A term or matched text compared as staff mean it: any case, any run of spaces."""
    return " ".join(term.split()).lower()


@functools.lru_cache(maxsize=8)
def term_pattern(terms):
    """One regex for a whole term list (one term or phrase per line), or None if empty.

    Cached on the list's text, so an edited list compiles afresh in every process with no
    invalidation to send. Terms match whole words only (``(?<!\\w)``/``(?!\\w)`` rather than
    ``\\b``, which fails next to a term's own punctuation, as in ``c++``), in any case, and
    a phrase's words across any whitespace. The lookahead finds a match at every position,
    so a phrase does not hide a shorter term inside it; at one position the longest wins.
    """
    words = sorted({normalised(line) for line in terms.splitlines()} - {""}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, word.split())) for word in words)
    return re.compile(rf"(?=(?<!\w)({alternatives})(?!\w))", re.IGNORECASE)


def found_terms(terms, text):
    """The distinct terms of the list ``terms`` that occur in ``text``, normalised."""
    pattern = term_pattern(terms)
    if pattern is None:
        return set()
    return {normalised(match) for match in pattern.findall(text)}


def is_own_host(host, own_hosts):
    return any(host == own or host.endswith("." + own) for own in own_hosts)


def external_link_count(html, own_hosts):
    """How many links in rendered ``html`` lead to hosts other than ``own_hosts`` (or
    their subdomains). Relative links and non-web schemes (mailto:) are not counted.

    Rendered HTML holds every form of Markdown link (inline, reference, autolink) and the
    raw HTML ones alike, as ``href`` attributes.
    """
    count = 0
    for url in HREF.findall(html):
        try:
            parts = urlsplit(url.strip())
            host = parts.hostname
        except ValueError:  # e.g. an invalid IPv6 literal: no host a reader can reach
            continue
        if host and parts.scheme in ("http", "https", "") and not is_own_host(host, own_hosts):
            count += 1
    return count


class Findings:
    """What the score counts in a blog's texts, gathered one text at a time, so that any
    number of posts can be read a chunk at a time: distinct terms, and external links."""

    def __init__(self, own_hosts, moderation):
        self.own_hosts, self.moderation = own_hosts, moderation
        self.blacklisted, self.highlighted, self.external_links = set(), set(), 0

    def read(self, text, html):
        """Add ``text`` (Markdown and titles) and ``html`` (its rendering)."""
        self.blacklisted |= found_terms(self.moderation.blacklisted_terms, text)
        self.highlighted |= found_terms(self.moderation.highlight_terms, text)
        self.external_links += external_link_count(html, self.own_hosts)

    def points(self, new_account_posts=0):
        """The score of what was read, given, for a brand-new account, its live posts."""
        total = BLACKLISTED_TERM_POINTS * len(self.blacklisted)
        total += HIGHLIGHT_TERM_POINTS * len(self.highlighted)
        extra_links = self.external_links - FREE_EXTERNAL_LINKS
        total += max(0, extra_links) // EXTERNAL_LINKS_PER_POINT
        if new_account_posts > NEW_ACCOUNT_POSTS:
            total += NEW_ACCOUNT_POINTS
        return total


# --- The score of a blog ---------------------------------------------------------------


def own_hosts(blog):
    return {blog_hostname(blog.subdomain).lower(), *filter(None, [blog.custom_domain])}


def new_account_posts(blog, now):
    """The blog's number of live posts if its owner signed up less than
    ``NEW_ACCOUNT_AGE`` ago, else 0 (older accounts are not counted, nor queried)."""
    if blog.owner is None or blog.owner.date_joined < now - NEW_ACCOUNT_AGE:
        return 0
    return PostPage.objects.live().filter(blog=blog).count()


def top_post_ids(blog, now):
    """The ``SCORED_POSTS`` live posts of ``blog`` that discovery ranks first among those
    readers can see (scheduled posts, whose score is from their date ahead, are read when
    they are saved)."""
    visible = PostPage.objects.live().filter(blog=blog, published_date__lte=now)
    top = visible.order_by("-in_discovery", "-score", "-pk").values_list("pk", flat=True)
    return list(top[:SCORED_POSTS])


def score(blog, moderation, changed_ids=()):
    """The dodginess of ``blog`` under the ``moderation`` settings, from the database,
    reading the posts ``changed_ids`` (if live and the blog's) besides its top ones.

    Links to other sites count in the top posts only; terms count in every post read. An
    honest archive imported at once holds many links in all (one per post is plenty),
    and a reviewed blog must not leave discovery for moving house.
    """
    now = timezone.now()
    findings = Findings(own_hosts(blog), moderation)
    findings.read(
        "\n".join([blog.title, blog.home_content, blog.nav]),
        "\n".join([blog.home_html, blog.nav_html]),
    )
    top = top_post_ids(blog, now)
    live = PostPage.objects.live().filter(blog=blog)
    for ids, count_links in ((top, True), (sorted(set(changed_ids) - set(top)), False)):
        for start in range(0, len(ids), RESCORE_CHUNK):
            chunk = live.filter(pk__in=ids[start : start + RESCORE_CHUNK])
            for title, body, body_html in chunk.values_list("title", "body", "body_html"):
                findings.read(f"{title}\n{body}", body_html if count_links else "")
    return findings.points(new_account_posts(blog, now))


def store_score(blog, moderation, changed_ids=()):
    """Compute and store the blog's score; un-approve it if it crosses the threshold.

    The write is conditional on the score read, so of two concurrent rescorings only the
    one that moved the score applies the crossing rule.
    """
    old, new = blog.dodginess, score(blog, moderation, changed_ids)
    if new == old or not BlogPage.objects.filter(pk=blog.pk, dodginess=old).update(dodginess=new):
        return
    blog.dodginess = new
    if blog.reviewed and old < moderation.threshold <= new:
        set_blog_flags(blog, user=None, reviewed=False)


@task()
def rescore_blog(blog_id, post_ids=()):
    """Rescore a blog after a save; ``post_ids`` are the posts saved or imported, which
    the score reads whatever their place in the blog."""
    blog = BlogPage.objects.select_related("owner").filter(pk=blog_id).first()
    if blog is not None:  # deleted in the meantime
        store_score(blog, ModerationSettings.load(), post_ids)


@task()
def rescore_all_blogs():
    """Rescore every blog, ``RESCORE_CHUNK`` at a time.

    Chunks by primary key rather than ``.iterator()``: no cursor stays open while the
    rows it reads are written (SQLite's cursors would see those writes).
    """
    moderation = ModerationSettings.load()
    last_pk = 0
    while True:
        blogs = list(
            BlogPage.objects.select_related("owner")
            .filter(pk__gt=last_pk)
            .order_by("pk")[:RESCORE_CHUNK]
        )
        for blog in blogs:
            store_score(blog, moderation)
        if len(blogs) < RESCORE_CHUNK:
            return
        last_pk = blogs[-1].pk


# --- When to rescore -------------------------------------------------------------------


def rescore_after_save(sender, instance, update_fields=None, raw=False, **kwargs):
    """``post_save`` of blogs and posts: a full save changes what the score reads."""
    if raw or update_fields is not None:
        return  # a fixture or a bookkeeping save
    if isinstance(instance, BlogPage):
        blog_id, post_ids = instance.pk, []
    else:  # the post is read by this rescoring, whatever its date
        blog_id, post_ids = instance.blog_id, [instance.pk]
    if blog_id is not None:
        transaction.on_commit(lambda: rescore_blog.enqueue(blog_id, post_ids), robust=True)


def rescore_all_after_settings_change(sender, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(rescore_all_blogs.enqueue, robust=True)
