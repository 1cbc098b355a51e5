"""A blog's settings published (its title, description, icon): its followers' servers get
an ``Update`` of its actor, so that Mastodon shows the new name without waiting for its
next fetch. Keyed by the blog's revision: a task run twice sends it once."""

from django.db import transaction
from django_tasks import task

from blog.federation import documents
from blog.federation.posts import federates, follower_inboxes
from blog.federation.remote import blog_key
from blog.federation.tasks import record
from blog.models import BlogPage


def announce_profile(blog_id):
    blog = BlogPage.objects.filter(pk=blog_id).first()
    if not federates(blog) or not blog.followers.exists():
        return None
    revision = blog.latest_revision_id
    person = documents.actor(blog, blog_key(blog).public_pem)
    person.pop("@context")
    document = documents.activity(blog, "Update", f"update-{revision}", person)
    inboxes = follower_inboxes(blog)
    return record(blog, "Update", f"actor:{blog_id}:update:{revision}", document, inboxes)


@task()
def announce_profile_task(blog_id):
    announce_profile(blog_id)


def blog_published(sender, instance, **kwargs):
    """``page_published`` receiver: a blog's settings were published."""
    if isinstance(instance, BlogPage):
        blog_id = instance.pk
        transaction.on_commit(lambda: announce_profile_task.enqueue(blog_id), robust=True)
