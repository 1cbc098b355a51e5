"""Queued background tasks, run as the worker would."""

from django_tasks_db.models import DBTaskResult


def run_ready_tasks():
    """What ``manage.py db_worker`` does (its SQLite transactions cannot nest inside a
    test's): run each queued task whose time has come, once. Returns their names."""
    names = []
    for row in DBTaskResult.objects.ready():
        DBTaskResult.objects.filter(pk=row.pk).update(status="SUCCESSFUL")
        row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        names.append(row.task.name)
    return names
