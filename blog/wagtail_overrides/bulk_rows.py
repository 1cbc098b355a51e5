"""Bulk inserts of pages, a multi-table-inherited model, for imports
(``blog.transfer.tasks``) and the benchmark seeder (``manage.py bench_seed``), through
Django's private ``QuerySet._insert``: the only way to write many child-table rows (a
``PostPage``'s own columns) in one statement."""

from django.db import connection
from wagtail.models import Page


def insert_pages(model, pages, batch_size):
    """Insert new ``pages`` of ``model``, placed in the tree and filled in as
    ``Page.save`` would: Page's rows, then the model's own. They get their ids (set
    them beforehand to choose them); no signal is sent."""
    Page.objects.bulk_create(pages, batch_size=batch_size)
    for page in pages:
        page.page_ptr_id = page.id
    insert_child_rows(model, pages, batch_size)


def insert_child_rows(model, objs, batch_size):
    """``bulk_create`` for the child table of a multi-table-inherited model.

    Django refuses to bulk-create those; the parent (``Page``) rows go in through
    ``Page.objects.bulk_create`` and this writes the child table's own columns, the way
    ``Model.save()`` does for one object.
    """
    fields = model._meta.local_concrete_fields
    size = min(batch_size, connection.ops.bulk_batch_size(fields, objs) or batch_size)
    for start in range(0, len(objs), size):
        model._base_manager._insert(objs[start : start + size], fields=fields)
