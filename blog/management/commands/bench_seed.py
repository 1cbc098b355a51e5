"""Seed N blogs x M posts quickly, for the benchmarks (bench/run.py, bench/discover.py).

``blog.tenants.lifecycle.create_blog`` makes one blog in about twenty queries, through treebeard,
which would take hours at 100,000 blogs. This command writes the same rows in bulk: it
computes the materialised paths itself (steplen 4, base 36, as treebeard does) and
inserts each table in batches with ``bulk_create``. Every blog gets what ``create_blog``
gives it (BlogPage, Site, Group with its page and admin permissions, Collection with its
image permissions, an owner in the group with a verified email address) plus ``--posts``
published posts, each with a live revision, its audit-log entries and a tag, so the
dashboard and the explorer see the data a real blogger would have.

The posts also look like a real platform's to the discovery feed (``blog.core.discovery``,
bench/discover.py): first published at random moments of the past year, with 0 to 50
upvotes and the ``score`` that follows from both (``public_since`` and ``discovery_date``
are the moment of publication), bodies of a few hundred characters
(about one in ten shorter than discovery's minimum), a few of them pages or not
discoverable. A share of the blogs is reviewed (``--reviewed-fraction``), a few are
hidden by staff or not discoverable, and they are written in a handful of languages.
``in_discovery`` is what ``post_is_discoverable`` says of each post. Every blog's
first post is a listed post, so each home page lists it. The choices are random but
the same on every run (each blog draws from a generator seeded with its name).

Revisions and audit-log entries are half the rows written and half the time.
``--no-history`` skips them for benchmarks that read neither (the discovery feed):
100,000 blogs x 10 posts then take about 14 minutes on PostgreSQL on 2 cores instead of
nearly half an hour. Pages seeded so have no revision, so the dashboard's history and
"recent edits" are empty for them.

Blogs are ``<prefix><n>.<BLOG_DOMAIN>`` owned by user ``<prefix><n>`` (email
``<prefix><n>@example.com``, password ``bench-password``). Seeded pages are not in the
search index (``manage.py update_index`` adds them). Run it on a database nobody else is
writing to: page and revision ids are assigned here, not by the database.
"""

import copy
import random
import time
import uuid
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    PageLogEntry,
    Revision,
    Site,
)

from blog.core.discovery import set_discovery_fields
from blog.core.markdown import render_markdown
from blog.core.names import blog_hostname
from blog.models import DEFAULT_NAV, BlogPage, PostPage, PostTag
from blog.tenants.lifecycle import PAGE_PERMISSIONS, collection_permissions
from blog.tenants.site_cache import PLATFORM, host_key, root_key
from blog.wagtail_overrides.bulk_rows import insert_pages

PASSWORD = "bench-password"  # noqa: S105 (seeded benchmark users only)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's MP_Node alphabet
STEPLEN = 4
TAG = "bench"
HOME = "Welcome to this benchmark blog. It has a few posts; they are below."
PARAGRAPHS = (
    "A benchmark post with a little of everything a post has. Some *emphasis*, a "
    "[link](https://example.com/) and a list:\n\n- one\n- two",
    "The sourdough starter needed three days this time: the kitchen is colder in "
    "November, and the jar sat by the window. Next week I will try the oven light.",
    '```python\nprint("hello")\n```',
    "Notes from the walk along the river: herons, two kingfishers, and a bicycle "
    "somebody had left in the reeds since the summer. The water was higher than usual.",
    "## What I am reading\n\nA long book about the history of maps, slowly, a chapter "
    "every evening. It turns out most borders were drawn by people who never saw them.",
    "Small update on the garden: the tomatoes are done, the kale keeps going, and the "
    "rosemary survived another year against every expectation.",
)
# Posts of 1 to 4 paragraphs, a few hundred characters; one in ten is a short note,
# shorter than discovery's minimum length.
BODIES = tuple(
    "\n\n".join(PARAGRAPHS[(first + i) % len(PARAGRAPHS)] for i in range(count))
    for first in range(len(PARAGRAPHS))
    for count in (2, 3, 4)
)
SHORT_BODIES = ("Back from holiday, more soon.", "A quick note: the newsletter moved.")
SHORT_BODY_SHARE = 0.1
LANGUAGES = {"en": 60, "de": 15, "fr": 10, "es": 8, "ja": 7}  # blog.lang: weight
HIDDEN_SHARE = 0.02  # blogs hidden from discovery by staff
UNDISCOVERABLE_SHARE = 0.05  # blogs whose blogger turned discovery off
PAGE_SHARE = 0.03  # posts that are standalone pages
UNLISTED_SHARE = 0.03  # posts not marked discoverable
MAX_UPVOTES = 50
SPREAD = timedelta(days=365)  # posts were first published within the past year


def path_step(number):
    """The ``number``-th (1-based) child step of a materialised path: ``0001``, ``0002``..."""
    if not 0 < number < len(ALPHABET) ** STEPLEN:
        raise CommandError(f"A tree level holds at most {len(ALPHABET) ** STEPLEN - 1} nodes.")
    digits = []
    for _ in range(STEPLEN):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def last_child_step(model, parent_path):
    """The number of the last child step below ``parent_path`` (0 when it has none)."""
    last = (
        model.objects.filter(path__startswith=parent_path, depth=len(parent_path) // STEPLEN + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return int(last[-STEPLEN:], len(ALPHABET)) if last else 0


def next_id(model):
    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


class Seeder:
    """Writes the rows of ``blogs`` blogs with ``posts`` posts each, one batch at a time."""

    def __init__(self, posts, prefix, batch_size, reviewed_fraction, history, body_repeat=1):
        self.posts = posts
        self.prefix = prefix
        self.batch_size = batch_size
        self.reviewed_fraction = reviewed_fraction
        self.history = history
        self.now = timezone.now()
        self.password = make_password(PASSWORD)
        self.locale_id = Locale.get_default().id
        content_types = ContentType.objects.get_for_models(Page, BlogPage, PostPage)
        self.page_ct = content_types[Page].id
        self.blog_ct = content_types[BlogPage].id
        self.post_ct = content_types[PostPage].id
        self.access_admin = Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
        self.page_permissions = list(
            Permission.objects.filter(
                content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS
            )
        )
        self.collection_permissions = list(collection_permissions())
        self.tag, _ = Tag.objects.get_or_create(name=TAG, defaults={"slug": TAG})
        self.page_root = Page.get_first_root_node()
        self.collection_root = Collection.get_first_root_node()
        self.nav_html = render_markdown(DEFAULT_NAV)
        self.home_html = render_markdown(HOME)
        long_bodies = ("\n\n".join([body] * body_repeat) for body in BODIES)
        self.bodies = [(body, render_markdown(body)) for body in long_bodies]
        self.short_bodies = [(body, render_markdown(body)) for body in SHORT_BODIES]
        # What a revision stores is the page's serialised form: make it once per page type
        # from an unsaved page, then change only what differs from page to page.
        self.blog_revision = BlogPage(
            id=1, content_type_id=self.blog_ct, locale_id=self.locale_id, **self.blog_fields()
        ).serializable_data()
        self.post_revision = PostPage(
            id=1, content_type_id=self.post_ct, locale_id=self.locale_id
        ).serializable_data()

    def blog_fields(self):
        return {
            "home_content": HOME,
            "home_html": self.home_html,
            "home_post_list": True,  # HOME says the posts are below it
            "nav": DEFAULT_NAV,
            "nav_html": self.nav_html,
        }

    def blog_flags(self, rng):
        """What the blogger chose and staff decided, as a real platform's mix of blogs."""
        return {
            "lang": rng.choices(list(LANGUAGES), weights=list(LANGUAGES.values()))[0],
            "discoverable": rng.random() >= UNDISCOVERABLE_SHARE,
            "reviewed": rng.random() < self.reviewed_fraction,
            "hidden": rng.random() < HIDDEN_SHARE,
        }

    def post_fields(self, rng, number, blog):
        """A post's content and discovery fields; the first post of a blog is always listed."""
        short = rng.random() < SHORT_BODY_SHARE
        body, body_html = rng.choice(self.short_bodies if short else self.bodies)
        return {
            "body": body,
            "body_html": body_html,
            "is_page": number > 1 and rng.random() < PAGE_SHARE,
            "make_discoverable": rng.random() >= UNLISTED_SHARE,
            "upvote_count": rng.randint(0, MAX_UPVOTES),
            "blog_id": blog.id,
        }

    def publication_dates(self, rng):
        """When each post was first published, oldest first (post-1 is the oldest)."""
        return sorted(self.now - rng.random() * SPREAD for _ in range(self.posts))

    def names(self, numbers):
        subdomains = [f"{self.prefix}{number}" for number in numbers]
        taken = set(
            BlogPage.objects.filter(subdomain__in=subdomains).values_list("subdomain", flat=True)
        ) | set(
            get_user_model()
            .objects.filter(username__in=subdomains)
            .values_list("username", flat=True)
        )
        if taken:
            raise CommandError(f"{min(taken)!r} exists already: choose another --prefix.")
        return subdomains

    @transaction.atomic
    def seed_batch(self, numbers):
        subdomains = self.names(numbers)
        count = len(subdomains)
        users = get_user_model().objects.bulk_create(
            get_user_model()(
                username=subdomain,
                email=f"{subdomain}@example.com",
                password=self.password,
                date_joined=self.now,
            )
            for subdomain in subdomains
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
        )
        groups = Group.objects.bulk_create(
            Group(name=f"Blog: {subdomain}") for subdomain in subdomains
        )
        Group.permissions.through.objects.bulk_create(
            Group.permissions.through(group_id=group.id, permission_id=self.access_admin.id)
            for group in groups
        )
        get_user_model().groups.through.objects.bulk_create(
            get_user_model().groups.through(user_id=user.id, group_id=group.id)
            for user, group in zip(users, groups, strict=True)
        )

        first_collection = last_child_step(Collection, self.collection_root.path) + 1
        collections = Collection.objects.bulk_create(
            Collection(
                path=self.collection_root.path + path_step(first_collection + i),
                depth=self.collection_root.depth + 1,
                numchild=0,
                name=f"Blog: {subdomain}",
            )
            for i, subdomain in enumerate(subdomains)
        )
        Collection.objects.filter(id=self.collection_root.id).update(numchild=F("numchild") + count)
        GroupCollectionPermission.objects.bulk_create(
            GroupCollectionPermission(group=group, collection=collection, permission=permission)
            for group, collection in zip(groups, collections, strict=True)
            for permission in self.collection_permissions
        )

        # Pages and revisions refer to each other, so their ids are assigned here.
        page_id, revision_id = next_id(Page), next_id(Revision)
        first_blog = last_child_step(Page, self.page_root.path) + 1
        blogs, posts, revisions, log_entries, tagged = [], [], [], [], []
        for i, subdomain in enumerate(subdomains):
            user, group, collection = users[i], groups[i], collections[i]
            rng = random.Random(subdomain)
            dates = self.publication_dates(rng)
            created = (dates[0] if dates else self.now) - timedelta(days=1, seconds=i)
            blog = BlogPage(
                id=page_id,
                page_ptr_id=page_id,
                path=self.page_root.path + path_step(first_blog + i),
                depth=self.page_root.depth + 1,
                numchild=self.posts,
                title=f"Bench blog {subdomain}",
                draft_title=f"Bench blog {subdomain}",
                slug=subdomain,
                url_path=f"/{subdomain}/",
                subdomain=subdomain,
                group_id=group.id,
                collection_id=collection.id,
                **self.blog_fields(),
                **self.blog_flags(rng),
            )
            page_id += 1
            pages = [(blog, self.blog_ct, self.blog_revision, created)]
            for number, published in enumerate(dates, start=1):
                title = f"Post {number} of {subdomain}"
                post = PostPage(
                    id=page_id,
                    page_ptr_id=page_id,
                    path=blog.path + path_step(number),
                    depth=blog.depth + 1,
                    numchild=0,
                    title=title,
                    draft_title=title,
                    slug=f"post-{number}",
                    url_path=f"{blog.url_path}post-{number}/",
                    published_date=published,
                    tag_names=[TAG],
                    **self.post_fields(rng, number, blog),
                )
                page_id += 1
                pages.append((post, self.post_ct, self.post_revision, published))
                posts.append(post)
                tagged.append(PostTag(content_object_id=post.id, tag_id=self.tag.id))
            blogs.append(blog)
            for page, content_type, template, when in pages:
                page.content_type_id = content_type
                page.owner_id = user.id
                page.locale_id = self.locale_id
                page.translation_key = uuid.uuid4()
                page.live = True
                page.has_unpublished_changes = False
                page.first_published_at = page.last_published_at = when
                page.latest_revision_created_at = when
                if page is not blog:  # as if saved when published
                    set_discovery_fields(page, blog, when)
                if self.history:
                    page.latest_revision_id = page.live_revision_id = revision_id
                    revisions.append(self.revision(page, revision_id, template, content_type))
                    log_entries.extend(self.log_entries(page, revision_id, content_type))
                    revision_id += 1

        size = self.batch_size
        insert_pages(BlogPage, blogs, size)
        insert_pages(PostPage, posts, size)
        Page.objects.filter(id=self.page_root.id).update(numchild=F("numchild") + count)
        Revision.objects.bulk_create(revisions, batch_size=size)
        PageLogEntry.objects.bulk_create(log_entries, batch_size=size)
        PostTag.objects.bulk_create(tagged, batch_size=size)
        Site.objects.bulk_create(
            (
                Site(
                    hostname=blog_hostname(blog.subdomain),
                    port=settings.SITE_PORT,
                    root_page_id=blog.id,
                    site_name=blog.title,
                )
                for blog in blogs
            ),
            batch_size=size,
        )
        GroupPagePermission.objects.bulk_create(
            (
                GroupPagePermission(group_id=blog.group_id, page_id=blog.id, permission=permission)
                for blog in blogs
                for permission in self.page_permissions
            ),
            batch_size=size,
        )
        self.forget(blogs)
        return len(blogs), len(posts)

    # What differs from page to page in a revision's content: (key, attribute of the page).
    REVISION_FIELDS = (
        ("pk", "id"),
        ("path", "path"),
        ("depth", "depth"),
        ("title", "title"),
        ("draft_title", "draft_title"),
        ("slug", "slug"),
        ("url_path", "url_path"),
        ("owner", "owner_id"),
        ("translation_key", "translation_key"),
    )
    BLOG_REVISION_FIELDS = (
        ("subdomain", "subdomain"),
        ("group", "group_id"),
        ("collection", "collection_id"),
        ("lang", "lang"),
        ("discoverable", "discoverable"),
        ("reviewed", "reviewed"),
        ("hidden", "hidden"),
    )
    POST_REVISION_FIELDS = (
        ("body", "body"),
        ("body_html", "body_html"),
        ("published_date", "published_date"),
        ("is_page", "is_page"),
        ("make_discoverable", "make_discoverable"),
        ("upvote_count", "upvote_count"),
        ("blog", "blog_id"),
        ("public_since", "public_since"),
        ("discovery_date", "discovery_date"),
        ("score", "score"),
        ("in_discovery", "in_discovery"),
        ("discovery_lang", "discovery_lang"),
    )

    def revision(self, page, revision_id, template, content_type):
        """The page's live revision: its serialised form, as publishing would store it."""
        is_blog = isinstance(page, BlogPage)
        fields = self.REVISION_FIELDS + (
            self.BLOG_REVISION_FIELDS if is_blog else self.POST_REVISION_FIELDS
        )
        content = copy.copy(template)
        content.update({key: getattr(page, attname) for key, attname in fields})
        if not is_blog:
            content["tagged_items"] = [{"pk": None, "tag": self.tag.id, "content_object": page.id}]
        return Revision(
            id=revision_id,
            content_type_id=content_type,
            base_content_type_id=self.page_ct,
            object_id=str(page.id),
            created_at=page.first_published_at,
            user_id=page.owner_id,
            object_str=page.title,
            content=content,
        )

    def log_entries(self, page, revision_id, content_type):
        actions = ["wagtail.create", "wagtail.publish"]
        if isinstance(page, PostPage):
            actions.insert(1, "wagtail.edit")  # what the dashboard's recent edits read
        return [
            PageLogEntry(
                content_type_id=content_type,
                label=page.title,
                action=action,
                timestamp=page.first_published_at,
                content_changed=True,
                page_id=page.id,
                revision_id=None if action == "wagtail.create" else revision_id,
                user_id=page.owner_id,
                data={},
            )
            for action in actions
        ]

    def forget(self, blogs):
        """What signals would have invalidated: hosts cached as missing, Wagtail's Site list."""
        keys = [host_key(blog_hostname(blog.subdomain)) for blog in blogs]
        keys += [root_key(blog.path) for blog in blogs]
        cache.delete_many(keys)

    def finish(self):
        cache.delete_many([host_key(settings.BLOG_DOMAIN), root_key(PLATFORM)])
        Site.clear_site_root_paths_cache()
        # Ids given explicitly leave PostgreSQL's sequences behind (SQLite needs nothing).
        statements = connection.ops.sequence_reset_sql(no_style(), [Page, Revision])
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


class Command(BaseCommand):
    help = "Create N blogs with M posts each, in bulk, for the scale benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--blogs", type=int, default=10, help="How many blogs (N).")
        parser.add_argument("--posts", type=int, default=2, help="Posts per blog (M).")
        parser.add_argument(
            "--prefix", default="bench", help="Subdomains and usernames are <prefix><n>."
        )
        parser.add_argument("--start", type=int, default=1, help="The first n.")
        parser.add_argument("--batch-size", type=int, default=5000, help="Blogs per batch.")
        parser.add_argument(
            "--reviewed-fraction",
            type=float,
            default=0.5,
            help="Share of the blogs staff have reviewed (only those reach discovery).",
        )
        parser.add_argument(
            "--body-repeat",
            type=int,
            default=1,
            help="Write each post body this many times over: 5 makes posts of about 3 KB, "
            "the size of a typical Bear Blog post (bench/throughput.py).",
        )
        parser.add_argument(
            "--no-history",
            action="store_false",
            dest="history",
            help="Write no revisions and audit-log entries (faster; see the module's docstring).",
        )

    def handle(self, *args, blogs, posts, prefix, start, batch_size, **options):
        if blogs < 0 or posts < 0 or batch_size < 1:
            raise CommandError("--blogs and --posts must be >= 0, --batch-size >= 1.")
        if not 0 <= options["reviewed_fraction"] <= 1:
            raise CommandError("--reviewed-fraction is a share between 0 and 1.")
        started = time.perf_counter()
        seeder = Seeder(
            posts=posts,
            prefix=prefix,
            batch_size=batch_size,
            reviewed_fraction=options["reviewed_fraction"],
            history=options["history"],
            body_repeat=options["body_repeat"],
        )
        made_blogs = made_posts = 0
        for first in range(start, start + blogs, batch_size):
            numbers = range(first, min(first + batch_size, start + blogs))
            done_blogs, done_posts = seeder.seed_batch(numbers)
            made_blogs += done_blogs
            made_posts += done_posts
            if options["verbosity"] > 1:
                self.stdout.write(
                    f"  {made_blogs} blogs, {made_posts} posts "
                    f"({time.perf_counter() - started:.1f} s)"
                )
        seeder.finish()
        self.stdout.write(
            f"Seeded {made_blogs} blogs and {made_posts} posts "
            f"in {time.perf_counter() - started:.1f} s."
        )
