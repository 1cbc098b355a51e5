"""What a post's life sends its blog's followers: ``Create`` when it first becomes
visible, ``Update`` when it is published again, ``Delete`` when it is unpublished or
deleted, and ``Create`` again if it comes back.

``announce_post`` looks at the post as it is now and sends what its followers have not
had, so it may run any number of times (after a publish, an unpublish, a delete, and from
the periodic ``send_activities``): each activity's key is unique. A post's "generation"
counts the Deletes sent for it, so a post that comes back is created anew.

Nothing is sent for pages, drafts, posts whose date is still to come (the periodic pass
sends them once it has come), posts staff hid or put behind a password, posts dated more
than ``NEWS_WINDOW`` ago when first published (an import of old posts floods nobody), or
blogs that are blocked, hidden by staff, behind a password, or whose blogger turned
federation off.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django_tasks import task
from wagtail.models import PageViewRestriction

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
    """Do readers see the post as a post, now?"""
    return (
        post is not None
        and post.live
        and not post.is_page
        and not post.hidden_by_staff
        and post.published_date is not None
        and post.published_date <= now
        and not post.get_view_restrictions().exists()
    )


def shown_posts(blog, now):
    """The blog's posts ``is_shown`` would pass, as a query (the blog itself federates)."""
    restricted = PageViewRestriction.objects.filter(page_id=OuterRef("pk"))
    return (
        PostPage.objects.live()
        .filter(blog=blog, is_page=False, hidden_by_staff=False, published_date__lte=now)
        .exclude(Exists(restricted))
    )


def generations(blog, post_ids):
    """How many times each post was deleted for its followers, by post id (absent: never):
    each time it comes back it is a new note with a new id (Mastodon keeps a deleted id's
    tombstone for good). One query for any number of posts."""
    deletes = Activity.objects.filter(blog=blog, post_id__in=post_ids, kind=DELETE)
    return dict(deletes.values("post_id").annotate(n=Count("pk")).values_list("post_id", "n"))


def generation(blog, post_id):
    return generations(blog, [post_id]).get(post_id, 0)


def announce_post(post_id, blog_id):
    """Send what the post's followers have not had yet (see the module's docstring). A
    post withdrawn is withdrawn from its followers too, even while the blog cannot be
    followed (a blogger who turned following off, or whose blog staff hid, still takes a
    post back); a blocked blog sends nothing.

    One announcement of a blog at a time (its row locked on PostgreSQL): one that saw the
    post unpublished must not send its Delete after another sent the republished post."""
    with transaction.atomic():
        blog = BlogPage.objects.select_for_update().filter(pk=blog_id).first()
        if blog is None or blog.blocked:
            return None
        return announce_locked(blog, post_id)


def announce_locked(blog, post_id):
    now = timezone.now()
    post = PostPage.objects.filter(pk=post_id, blog=blog).first()
    gen = generation(blog, post_id)
    created = Activity.objects.filter(key=f"post:{post_id}:create:{gen}").exists()
    shown = is_shown(post, now)
    if shown and not federates(blog):
        return None  # nothing new goes out; what went out stays until it is taken back
    if shown:
        if not created and post.published_date < now - NEWS_WINDOW:
            return None
        note = documents.note(blog, post, gen)
        if created:
            # The revision readers see: a draft saved since is not what was published.
            kind, suffix = UPDATE, f"update-{post.live_revision_id}"
            note["updated"] = documents.iso(post.last_published_at or now)
        else:
            kind, suffix = CREATE, f"create-{gen}"
        subject = note
    elif created:
        kind, suffix = DELETE, f"delete-{gen}"
        subject = {"id": documents.note_url(blog, post_id, gen), "type": "Tombstone"}
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
    """The periodic pass: scheduled posts (published before their date) whose date has
    come and whose followers have not had them, then every delivery due again. Returns
    how many deliveries failed.

    Only scheduled posts: a blog that turns following back on (or is unhidden) sends
    nothing of what it published meanwhile."""
    now = timezone.now()
    latest = Activity.objects.filter(post_id=OuterRef("pk")).order_by("-pk").values("kind")[:1]
    due_posts = (
        PostPage.objects.live()
        .filter(
            is_page=False,
            published_date__lte=now,
            published_date__gte=now - NEWS_WINDOW,
            published_date__gt=F("last_published_at"),
            blog__fediverse=True,
            blog__followers__isnull=False,
        )
        .annotate(latest_kind=Subquery(latest))
        .filter(Q(latest_kind__isnull=True) | Q(latest_kind=DELETE))
    )
    for post_id, blog_id in due_posts.distinct().values_list("pk", "blog_id"):
        announce_post(post_id, blog_id)
    return send_deliveries(ActivityDelivery.due())
