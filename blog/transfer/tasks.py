"""Import, last step: create an import's checked rows as posts of the blog.

It runs as a background task (``run_import``) so that ten thousand posts never time out a
request: the dashboard shows its progress, read from the cache, which every process
shares (the database row is written only at the end: the import is one transaction).

All or nothing: the rows are created in one transaction, so a failure half way leaves the
blog as it was and the job marked failed, ready to be tried again. A link taken by a
post of the blog (or by an earlier row) gets a number added or the row is skipped, as the
blogger chose; it never replaces a post. The import locks the blog's row: a second import
into the blog, and anything else that writes the blog's row or adds a post to it, waits
for it (on SQLite every write waits: SQLite has one writer at a time).

Imported posts are made live (or left drafts) directly, without a revision each: the
editor starts their history at the first edit, and the import itself is one entry in the
blog's history. They enter the search index together at the end, a few hundred posts to a
statement, still within the transaction (``blog.models.search_index``), and Wagtail's
reference index by one task after it. A file's dates are kept as they came (the published
date readers see, ``first_published_at`` for Bear's export), but they never rank a post
ahead of when it reached this platform: discovery ranks it by its published date capped
at the moment of the import (``blog.core.discovery``), counts it against the anti-flood
limit from then, and the dodginess score reads every imported post, whatever its date.
Subscribers are not mailed about posts that were published before they came here; an
imported post scheduled for later is mailed when its date comes, as any.
"""

import datetime
import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task
from wagtail.log_actions import log
from wagtail.models import Page, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from blog.caching.cdn import purge_blog
from blog.caching.discovery_cache import forget_discovery
from blog.caching.page_cache import forget_blog_pages
from blog.models import RESERVED_POST_SLUGS, BlogPage, ImportJob, PostPage
from blog.models.search_index import index_posts, indexing_deferred
from blog.moderation.dodginess import rescore_blog
from blog.moderation.flags import IGNORED_FOR_GOOD
from blog.wagtail_overrides.tree_paths import last_child_step, place_child

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 50  # rows between progress updates
REFERENCE_CHUNK = 500  # posts read at a time for the reference index
RESTART_AFTER = datetime.timedelta(minutes=10)  # queued this long with no progress: stuck


def progress_key(job_id):
    return f"bearcms:import-progress:{job_id}"


def progress(job):
    """How many rows of the job are done (an import under way keeps its figure in the
    cache: its own transaction holds every other change until the end)."""
    if job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        return cache.get(progress_key(job.pk), job.done)
    return job.done


def may_restart(job):
    """A job queued long ago with no progress: its worker died or never came. Starting
    it again is safe: a run still under way keeps it from running twice."""
    return (
        job.status == ImportJob.Status.QUEUED
        and job.queued_at is not None
        and job.queued_at < timezone.now() - RESTART_AFTER
        and progress(job) == 0
    )


def start_import(job, on_clash):
    """Queue a previewed or failed job (or one that may restart), once; the task starts
    when this transaction commits."""
    startable = Q(status__in=[ImportJob.Status.PREVIEW, ImportJob.Status.FAILED])
    if may_restart(job):
        startable |= Q(status=ImportJob.Status.QUEUED, queued_at=job.queued_at)
    started = ImportJob.objects.filter(startable, pk=job.pk).update(
        status=ImportJob.Status.QUEUED, on_clash=on_clash, queued_at=timezone.now(), error=""
    )
    if started:
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return bool(started)


@task()
def run_import(job_id):
    """Import a queued job. The claim (queued → running) is part of the import's
    transaction: of two runs of one job the second waits for the first and then finds
    nothing to do, and a run that dies half way leaves the job queued, as it was."""
    try:
        with transaction.atomic():
            queued = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED)
            if not queued.update(status=ImportJob.Status.RUNNING):
                return  # run already, or deleted with its blog
            job = ImportJob.objects.select_related("user").get(pk=job_id)
            report = import_rows(job)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE,
                finished_at=timezone.now(),
                done=report["imported"],
                report={**job.report, **report},
                rows=[],
            )
    except Exception:
        logger.exception("Import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            finished_at=timezone.now(),
            error="Something went wrong on our side, and nothing was imported. "
            "Try again; if it fails again, write to us.",
        )
    finally:
        cache.delete(progress_key(job_id))


def import_rows(job):
    """Create the job's rows as posts; returns what was done, for the report."""
    # Locking the blog's row queues concurrent imports into it (tree paths are per parent).
    blog = BlogPage.objects.select_for_update().get(pk=job.blog_id)
    existing = PostPage.objects.child_of(blog)
    taken = set(existing.values_list("slug", flat=True)) | RESERVED_POST_SLUGS
    uids = {str(key) for key in existing.values_list("translation_key", flat=True)}
    uids |= set(existing.exclude(uid="").values_list("uid", flat=True))
    skipped, renamed, posts = [], [], []
    step = last_child_step(blog)
    # Indexed below, many posts a statement, and for references after the import.
    with indexing_deferred(), disable_reference_index_auto_update():
        for number, row in enumerate(job.rows, start=1):
            slug = row["slug"]
            if slug in taken:
                if job.on_clash == ImportJob.OnClash.SKIP:
                    skipped.append(row["label"])
                    continue
                slug = free_slug(slug, taken)
                renamed.append([row["label"], row["slug"], slug])
            taken.add(slug)
            uid = row["uid"] if row["uid"] not in uids else ""
            uids.add(uid)
            step += 1
            posts.append(append_child(blog, new_post(row, slug, uid, job.user), step))
            if number % PROGRESS_EVERY == 0:
                cache.set(progress_key(job.pk), number, timeout=24 * 3600)
    index_posts(posts)
    post_ids = [post.pk for post in posts]
    transaction.on_commit(lambda: index_references.enqueue(post_ids))
    imported = len(posts)
    Page.objects.filter(pk=blog.pk).update(numchild=F("numchild") + imported)
    # Every imported post is read by the score, whatever its dates (blog.moderation.dodginess).
    transaction.on_commit(lambda: rescore_blog.enqueue(blog.pk, post_ids))
    log(
        instance=blog,
        action="bearcms.import",
        user=job.user,
        data={"imported": imported, "skipped": len(skipped), "source": job.source_name},
        title=blog.title,
    )
    # Imported posts are news to the review queue: an ignored blog comes back to it.
    BlogPage.objects.filter(pk=blog.pk, ignore_count__lt=IGNORED_FOR_GOOD).update(ignored_at=None)
    transaction.on_commit(lambda: forget_blog_pages(blog.pk))
    transaction.on_commit(forget_discovery)
    transaction.on_commit(lambda: purge_blog(blog))
    return {"imported": imported, "skipped": skipped, "renamed": renamed}


def append_child(blog, post, step):
    """Save ``post`` as the blog's child number ``step``, and return it: what
    treebeard's ``add_child`` does, less what it repeats for every child (locking and
    reading the parent, finding its last child, counting it) and the checks the row has
    passed already; the caller holds the lock and counts the children once."""
    place_child(blog, post, step)
    post.blog = blog
    post.locale_id = blog.locale_id  # what Page.save would look up: the parent's locale
    post.rescore_later = True  # one rescore for the whole import (blog.moderation.dodginess)
    post.save(clean=False, log_action=None)  # the import is logged once, not per post
    return post


@task()
def index_references(post_ids):
    """Wagtail's reference index (what uses what: a post, its blog) for imported posts,
    in one task after the import rather than one per post within it."""
    for start in range(0, len(post_ids), REFERENCE_CHUNK):
        for post in PostPage.objects.filter(pk__in=post_ids[start : start + REFERENCE_CHUNK]):
            ReferenceIndex.create_or_update_for_object(post)


def free_slug(slug, taken):
    """``slug-2``, ``slug-3``, ...: the first not taken."""
    number = 2
    while (candidate := f"{slug[:240]}-{number}") in taken:
        number += 1
    return candidate


def moment(value):
    return datetime.datetime.fromisoformat(value) if value else None


def new_post(row, slug, uid, user):
    """An unsaved PostPage of a row (``blog.transfer.uploads.check_record``)."""
    now = timezone.now()
    published, first = moment(row["published_date"]), moment(row["first_published_at"])
    live = row["publish"]
    if live:
        # A post still to come (scheduled) was published here now, as the editor would.
        first = first or (published if published and published <= now else now)
        published = published or first
    alias = row["alias"]
    post = PostPage(
        title=row["title"],
        draft_title=row["title"],
        slug=slug,
        body=row["content"],
        alias="/" + alias.strip("/") + "/" if alias else "",
        published_date=published,
        is_page=row["is_page"],
        make_discoverable=row["make_discoverable"],
        canonical_url=row["canonical_url"],
        meta_description=row["meta_description"],
        meta_image_url=row.get("meta_image_url", ""),  # a job previewed before it existed
        lang=row["lang"],
        class_name=row["class_name"],
        uid=uid,
        live=live,
        has_unpublished_changes=not live,
        first_published_at=first,
        # The file's dates are the post's history elsewhere, kept for Bear's export; this
        # platform's own moments (public_since, set on save) come from its clock, and a
        # file cannot say the post was last published here after now.
        last_published_at=min(first, now) if live else None,
        # When it last changed here, as the editor's listings show it (and the date a
        # draft without one is exported with, blog.transfer.export.undated).
        latest_revision_created_at=now,
        owner=user,
        # Old news is no news: only a post still scheduled is mailed, when its date comes.
        subscribers_notified_at=now if live and published <= now else None,
    )
    post.tags.add(*row["tags"])
    return post
