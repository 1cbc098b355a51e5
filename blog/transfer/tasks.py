"""Import, last step: create an import's checked rows as posts of the blog.

It runs as a background task (``run_import``) so that ten thousand posts never time out a
request: the dashboard shows its progress, read from the cache, which every process
shares.

All or nothing, without holding the database for the whole import. The task first
claims the job and reserves the blog's next tree positions behind a holding page, a
child of the blog that readers never see (``claim``). It then writes the posts
``STAGE_CHUNK`` at a time, each chunk a short transaction (``stage``): on SQLite, the
one writer's lock is held a fraction of a second at a time, and the rest of the
platform writes in between. The posts wait below the holding page, unpublished and
without a blog, so no listing, feed, sitemap, search or discovery shows them. The last
transaction (``reveal``) moves them up into their places in the blog, publishes those
that should be, and removes the holding page: the blog gains every post at once. A
failure anywhere leaves the job failed and removes what was staged, so the blog is as
it was, ready for the import to be tried again; a run that died is cleaned up by the
next.

A link taken by a post of the blog (or by an earlier row, or by a post written while the
import ran) gets a number added or the row is skipped, as the blogger chose; it never
replaces a post. The claim and the reveal lock the blog's row: a second import into the
blog reserves its positions after the first's.

Imported posts are made live (or left drafts) directly, without a revision each: the
editor starts their history at the first edit, and the import itself is one entry in the
blog's history. They enter the search index a chunk at a time, and Wagtail's reference
index by one task after the import. A file's dates are kept as they came (the published
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
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django_tasks import task
from wagtail.log_actions import log
from wagtail.models import Page, ReferenceIndex
from wagtail.search.backends import get_search_backend

from blog.caching.cdn import purge_blog
from blog.caching.discovery_cache import forget_discovery
from blog.caching.page_cache import forget_blog_pages
from blog.core.discovery import refresh_blog_posts, set_discovery_fields
from blog.models import RESERVED_POST_SLUGS, BlogPage, ImportJob, PostPage, PostTag
from blog.moderation.dodginess import rescore_blog
from blog.moderation.flags import IGNORED_FOR_GOOD
from blog.wagtail_overrides.bulk_rows import insert_pages
from blog.wagtail_overrides.tree_paths import last_child_step, place_child

logger = logging.getLogger(__name__)

STAGE_CHUNK = 500  # posts written per transaction
REMOVE_CHUNK = 50  # staged posts deleted per transaction (each deletion has signals)
REFERENCE_CHUNK = 500  # posts read at a time for the reference index
RESTART_AFTER = datetime.timedelta(minutes=10)  # queued or running this long unheard: stuck
HOLDING_SLUG = "bearcms-import-{}"


def progress_key(job_id):
    return f"bearcms:import-progress:{job_id}"


def progress(job):
    """How many rows of the job are done. A run keeps its figure in the cache, which
    expires ``RESTART_AFTER`` after the last update: the run's sign of life."""
    if job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        return cache.get(progress_key(job.pk), job.done)
    return job.done


def report_progress(job, rows):
    cache.set(progress_key(job.pk), rows, timeout=RESTART_AFTER.total_seconds())


def may_restart(job):
    """A job queued or running since long ago with no sign of life: its worker died or
    never came. Starting it again is safe: the new run removes what the lost one staged,
    and a lost run still alive stops at its next chunk."""
    return (
        job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
        and job.queued_at is not None
        and job.queued_at < timezone.now() - RESTART_AFTER
        and cache.get(progress_key(job.pk)) is None
    )


def start_import(job, on_clash):
    """Queue a previewed or failed job (or one that may restart), once; the task starts
    when this transaction commits."""
    startable = Q(status__in=[ImportJob.Status.PREVIEW, ImportJob.Status.FAILED])
    if may_restart(job):
        startable |= Q(status=job.status, queued_at=job.queued_at)
    started = ImportJob.objects.filter(startable, pk=job.pk).update(
        status=ImportJob.Status.QUEUED, on_clash=on_clash, queued_at=timezone.now(), error=""
    )
    if started:
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return bool(started)


@task()
def run_import(job_id):
    """Import a queued job: claim it, stage its posts chunk by chunk, reveal them."""
    job = ImportJob.objects.select_related("user", "blog").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.QUEUED:
        return  # run already, or deleted with its blog
    claimed = None
    try:
        remove_staged(job)  # what a lost run left
        claimed = claim(job, made_posts(job))
        if claimed is None:
            return  # another run claimed it
        posts, report = claimed
        for start in range(0, len(posts), STAGE_CHUNK):
            chunk = posts[start : start + STAGE_CHUNK]
            for post in chunk:  # the slow part, before the chunk's transaction
                post.render_markdown_fields()
            if not stage(job, chunk):
                return  # the job was started again: the new run has it
            report_progress(job, chunk[-1].row_number)
        reveal(job, posts, report)
    except Exception:
        logger.exception("Import %s failed", job_id)
        fail(job, claimed)


def fail(job, claimed):
    """Mark the job failed and remove what this run staged, unless another run has the
    job by now (this one lost it to a restart)."""
    if claimed is not None:  # running, below this run's holding page, or that was deleted
        mine = Q(status=ImportJob.Status.RUNNING) & (
            Q(holding=job.holding_id) | Q(holding__isnull=True)
        )
    else:
        mine = Q(status=ImportJob.Status.QUEUED)
    failed = ImportJob.objects.filter(mine, pk=job.pk).update(
        status=ImportJob.Status.FAILED,
        finished_at=timezone.now(),
        error="Something went wrong on our side, and nothing was imported. "
        "Try again; if it fails again, write to us.",
    )
    if failed:
        cache.delete(progress_key(job.pk))
        remove_staged(job)


def made_posts(job):
    """An unsaved post for each row, before anything is written or locked."""
    now = timezone.now()
    posts = []
    for number, row in enumerate(job.rows, start=1):
        post = new_post(row, row["slug"], row["uid"], job.user)
        post.row_number, post.label = number, row["label"]
        post.locale_id = job.blog.locale_id
        set_discovery_fields(post, job.blog, now)  # listing itself is the reveal's
        post.in_discovery, post.listed_since = False, None
        # Unpublished and blog-less until the reveal.
        post.blog, post.live = None, False
        posts.append(post)
    return posts


def claim(job, posts):
    """Claim the queued job, give each post its link and its place in the blog, and put
    the holding page after those places. Returns the posts to import and the report so
    far, or None if another run claimed the job first."""
    with transaction.atomic():
        queued = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED)
        if not queued.update(status=ImportJob.Status.RUNNING):
            return None
        blog = BlogPage.objects.select_for_update().get(pk=job.blog_id)
        taken = set(PostPage.objects.child_of(blog).values_list("slug", flat=True))
        taken |= RESERVED_POST_SLUGS
        # Another import's posts, still staged, have their uids too.
        existing = PostPage.objects.descendant_of(blog)
        uids = {str(key) for key in existing.values_list("translation_key", flat=True)}
        uids |= set(existing.exclude(uid="").values_list("uid", flat=True))
        skipped, renamed, kept = [], [], []
        step = last_child_step(blog)
        for post in posts:
            if post.slug in taken:
                if job.on_clash == ImportJob.OnClash.SKIP:
                    skipped.append(post.label)
                    continue
                slug = free_slug(post.slug, taken)
                renamed.append([post.label, post.slug, slug])
                post.slug = slug
            taken.add(post.slug)
            if post.uid in uids:
                post.uid = ""
            uids.add(post.uid)
            step += 1
            post.step = step  # its place in the blog, kept below the holding page
            kept.append(post)
        holding = Page(
            title=f"Import of {job.source_name}, under way",
            draft_title=f"Import of {job.source_name}, under way",
            slug=HOLDING_SLUG.format(job.pk),
            live=False,
            owner=job.user,
            locale_id=blog.locale_id,
        )
        place_child(blog, holding, step + 1)
        holding.set_url_path(blog)
        # Without a save's signals: nothing indexes or caches a page that lives seconds.
        Page.objects.bulk_create([holding])
        Page.objects.filter(pk=blog.pk).update(numchild=F("numchild") + 1)
        ImportJob.objects.filter(pk=job.pk).update(holding=holding)
        job.holding = holding
    return kept, {"skipped": skipped, "renamed": renamed}


def stage(job, posts):
    """Write a chunk of the job's posts below its holding page, each at the step of its
    place in the blog, in a transaction of its own; False if the job is no longer this
    run's."""
    with transaction.atomic():
        holding = current_holding(job)
        if holding is None:
            return False
        for post in posts:
            place_child(holding, post, post.step)
            post.set_url_path(holding)
        insert_pages(PostPage, posts, batch_size=STAGE_CHUNK)
        tag_posts(posts)
        get_search_backend().add_bulk(PostPage, posts)  # Wagtail's save would, one by one
        Page.objects.filter(pk=holding.pk).update(numchild=F("numchild") + len(posts))
    return True


def reveal(job, posts, report):
    """Move the staged posts into their places in the blog, publish those that should
    be, and finish the job: one transaction, a few statements whatever the count."""
    with transaction.atomic():
        holding = current_holding(job)
        if holding is None:
            return
        blog = BlogPage.objects.select_for_update().get(pk=job.blog_id)
        settle_late_clashes(job, blog, holding, posts, report)
        staged = Page.objects.child_of(holding)
        post_ids = list(staged.values_list("pk", flat=True))
        staged.update(
            path=Concat(Value(blog.path), Substr("path", len(holding.path) + 1)),
            depth=holding.depth,
            url_path=Concat(Value(blog.url_path), "slug", Value("/")),
            # Imported posts are published or drafts, never both (``new_post``).
            live=Case(When(has_unpublished_changes=False, then=True), default=False),
        )
        Page.objects.filter(pk=holding.pk).delete()  # childless now; the blog counts it off
        imported = len(post_ids)
        Page.objects.filter(pk=blog.pk).update(numchild=F("numchild") + imported)
        revealed = PostPage.objects.filter(pk__in=post_ids)
        revealed.update(blog=blog)
        refresh_blog_posts(blog, revealed)
        log(
            instance=blog,
            action="bearcms.import",
            user=job.user,
            data={
                "imported": imported,
                "skipped": len(report["skipped"]),
                "source": job.source_name,
            },
            title=blog.title,
        )
        # Imported posts are news to the review queue: an ignored blog comes back to it.
        BlogPage.objects.filter(pk=blog.pk, ignore_count__lt=IGNORED_FOR_GOOD).update(
            ignored_at=None
        )
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE,
            finished_at=timezone.now(),
            done=imported,
            report={**job.report, "imported": imported, **report},
            rows=[],
            holding=None,
        )
        transaction.on_commit(lambda: cache.delete(progress_key(job.pk)))
        transaction.on_commit(lambda: index_references.enqueue(post_ids))
        # Every imported post is read by the score, whatever its dates.
        transaction.on_commit(lambda: rescore_blog.enqueue(blog.pk, post_ids))
        transaction.on_commit(lambda: forget_blog_pages(blog.pk))
        transaction.on_commit(forget_discovery)
        transaction.on_commit(lambda: purge_blog(blog))


def current_holding(job):
    """Lock the job's row, and return the holding page of this run as it is now (pages
    may have moved around it), or None when the run no longer has the job: a restart
    gives it to a new run (which removes this one's page), and deleting the blog deletes
    it. The holding page deleted by hand fails the import."""
    current = ImportJob.objects.select_for_update().filter(pk=job.pk).values("status", "holding")
    current = current.first()
    if current is None or current["status"] != ImportJob.Status.RUNNING:
        return None
    if current["holding"] is None:
        raise RuntimeError(f"The holding page of import {job.pk} was deleted")
    if current["holding"] != job.holding_id:
        return None
    return Page.objects.get(pk=job.holding_id)


def settle_late_clashes(job, blog, holding, posts, report):
    """Staged posts whose link a post written in the blog during the import took: a
    number is added or the post is dropped, as the blogger chose for the file's own."""
    children = PostPage.objects.child_of(blog)
    late = PostPage.objects.child_of(holding).filter(slug__in=children.values("slug"))
    if not late.exists():
        return
    taken = set(children.values_list("slug", flat=True))
    taken |= set(PostPage.objects.child_of(holding).values_list("slug", flat=True))
    labels = {post.slug: post.label for post in posts}
    for post in late:
        label = labels[post.slug]
        if job.on_clash == ImportJob.OnClash.SKIP:
            report["skipped"].append(label)
            post.delete()
            continue
        slug = free_slug(post.slug, taken)
        taken.add(slug)
        report["renamed"].append([label, post.slug, slug])
        Page.objects.filter(pk=post.pk).update(slug=slug)  # the reveal sets its url_path


def remove_staged(job):
    """Delete what a run staged below the job's holding page, ``REMOVE_CHUNK`` posts a
    transaction, then the page; only while the job still names that page (a newer run
    may have replaced it)."""
    holding_id = job.holding_id
    while holding_id is not None:
        with transaction.atomic():
            if not ImportJob.objects.select_for_update().filter(pk=job.pk, holding=holding_id):
                return
            holding = Page.objects.get(pk=holding_id)
            staged = PostPage.objects.child_of(holding).values_list("pk", flat=True)
            chunk = list(staged[:REMOVE_CHUNK])
            # Each deleted post has Wagtail's signals (search index, references) run.
            PostPage.objects.filter(pk__in=chunk).delete()
            if len(chunk) < REMOVE_CHUNK:
                Page.objects.filter(pk=holding_id).delete()  # the job's link to it too
                holding_id = None


def tag_posts(posts):
    """Tag the saved ``posts`` with their ``tag_names``: each tag looked up (or made)
    once, every post's tags in one statement, in the order the file gave them."""
    tag_model = PostTag.tag_model()
    names = {name for post in posts for name in post.tag_names}
    tags = tag_model.objects.in_bulk(names, field_name="name")
    for name in names - tags.keys():
        tags[name] = tag_model.objects.create(name=name)
    PostTag.objects.bulk_create(
        PostTag(content_object_id=post.pk, tag=tags[name])
        for post in posts
        for name in post.tag_names
    )


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
        tag_names=row["tags"],
    )
    return post
