"""Posts in Wagtail's search index, written as Wagtail writes them, or many at a time.

Wagtail indexes a page by a task per save (``search_auto_update``). The task reads the
page back, and on PostgreSQL recomputes a norm over the whole index table after each
entry: 12 ms a post, a third of an import's time, and more as the index grows. So
``PostPage`` turns Wagtail's receivers off and is indexed here instead: by the same task
after any save, except while ``indexing_deferred()`` says the code saving the posts
indexes them itself, a few hundred at a time (``index_posts``), as the import does.
"""

import threading
from contextlib import contextmanager

from django.db.models.signals import post_delete, post_save
from wagtail.search import index
from wagtail.search.backends import get_search_backend
from wagtail.search.tasks import insert_or_update_object_task

from blog.models.pages import PostPage

INDEX_CHUNK = 500  # posts per INSERT into the index
_deferred = threading.local()


@contextmanager
def indexing_deferred():
    """Posts saved in this block (in this thread) are left for ``index_posts``."""
    outer, _deferred.on = getattr(_deferred, "on", False), True
    try:
        yield
    finally:
        _deferred.on = outer


def index_posts(posts):
    """Put saved ``posts`` in the search index, ``INDEX_CHUNK`` to a statement."""
    backend = get_search_backend()
    for start in range(0, len(posts), INDEX_CHUNK):
        backend.add_bulk(PostPage, posts[start : start + INDEX_CHUNK])


def index_saved_post(sender, instance, raw=False, **kwargs):
    if raw or getattr(_deferred, "on", False):
        return
    insert_or_update_object_task.enqueue(
        instance._meta.app_label, instance._meta.model_name, str(instance.pk)
    )


def unindex_deleted_post(sender, instance, **kwargs):
    index.remove_object(instance)


post_save.connect(index_saved_post, sender=PostPage, dispatch_uid="bearcms-index-post")
post_delete.connect(unindex_deleted_post, sender=PostPage, dispatch_uid="bearcms-unindex-post")
