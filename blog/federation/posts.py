"""What a post's life sends its blog's followers: ``Create`` when it first becomes
visible, ``Update`` when it is published again, ``Delete`` when it is unpublished or
deleted, and ``Create`` again if it comes back.

``announce_post`` looks at the post as it is now and sends what its followers have not
had, so it may run any number of times (after a publish, an unpublish, a delete, and from
the periodic ``send_activities``): each activity's key is unique. A post's "generation"
counts the Deletes sent for it, so a post that comes back is created anew.

Nothing is sent for pages, drafts, posts whose date is still to come (the periodic pass
sends them once it has come), posts staff hid, posts dated more than ``NEWS_WINDOW``
ago when first published (an import of old posts floods nobody), or blogs that are
blocked, hidden by staff, behind a password, or whose blogger turned federation off.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tasks import task

from blog.federation import documents
from blog.federation.tasks import record, send_deliveries
from blog.models import Activity, ActivityDelivery, BlogPage, PostPage

NEWS_WINDOW = timedelta(days=7)
CREATE, UPDATE, DELETE = "Create", "Update", "Delete"


def federates(blog):
    """Does the blog send anything to the fediverse at all?"""
    return (
        blog is not None
        and blog.live
        and blog.fediverse
        and not blog.blocked
        and not blog.hidden
        and blog.is_public()
    )


def follower_inboxes(blog):
    """One inbox per server: its shared inbox where it has one."""
    return {follower.actor.delivery_inbox for follower in blog.followers.select_related("actor")}


def is_shown(post, now):
    return (
        post is not None
        and post.live
        and not post.is_page
        and not post.hidden_by_staff
        and post.published_date is not None
        and post.published_date <= now
    )


def announce_post(post_id, blog_id):
    """Send what the post's followers have not had yet (see the module's docstring)."""
    blog = BlogPage.objects.filter(pk=blog_id).first()
    if not federates(blog):
        return None
    now = timezone.now()
    post = PostPage.objects.filter(pk=post_id, blog=blog).first()
    sent = Activity.objects.filter(blog=blog, post_id=post_id)
    generation = sent.filter(kind=DELETE).count()
    created = sent.filter(key=f"post:{post_id}:create:{generation}").exists()
    note_id = documents.note_url(blog, post_id)
    if is_shown(post, now):
        if not created and post.published_date < now - NEWS_WINDOW:
            return None
        note = documents.note(blog, post)
        if created:
            kind, suffix = UPDATE, f"update-{post.latest_revision_id}"
            note["updated"] = documents.iso(post.last_published_at or now)
        else:
            kind, suffix = CREATE, f"create-{generation}"
        subject = note
    elif created:
        kind, suffix = DELETE, f"delete-{generation}"
        subject = {"id": note_id, "type": "Tombstone"}
    else:
        return None
    document = documents.activity(blog, kind, suffix, subject)
    key = f"post:{post_id}:{suffix.replace('-', ':')}"
    return record(blog, kind, key, document, follower_inboxes(blog), post_id=post_id)


@task()
def announce(post_id, blog_id):
    announce_post(post_id, blog_id)


def announce_after_commit(post_id, blog_id):
    transaction.on_commit(lambda: announce.enqueue(post_id, blog_id), robust=True)


def post_changed(sender, instance, **kwargs):
    """``page_published``, ``page_unpublished`` and ``post_delete`` receiver."""
    if isinstance(instance, PostPage) and instance.blog_id is not None:
        announce_after_commit(instance.pk, instance.blog_id)


def send_activities():
    """The periodic pass: posts whose date has come since they were published, then every
    delivery due again. Returns how many deliveries failed."""
    now = timezone.now()
    created = Activity.objects.filter(post_id=OuterRef("pk"), kind=CREATE)
    due_posts = PostPage.objects.live().filter(
        is_page=False,
        published_date__lte=now,
        published_date__gte=now - NEWS_WINDOW,
        blog__fediverse=True,
        blog__followers__isnull=False,
    )
    for post_id, blog_id in (
        due_posts.filter(~Exists(created)).distinct().values_list("pk", "blog_id")
    ):
        announce_post(post_id, blog_id)
    return send_deliveries(ActivityDelivery.due())
