"""Tasks queued under a module's old import path still run after the module moved."""

import pytest
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from blog.apps import MOVED_TASK_MODULES
from blog.models import Subscriber
from blog.subscribers.tasks import send_confirmation
from tests.support.tasks import run_ready_tasks


@pytest.mark.parametrize(
    "old_path",
    [
        "blog.dodginess.rescore_blog",
        "blog.dodginess.rescore_all_blogs",
        "blog.import_posts.run_import",
        "blog.subscriber_mail.send_confirmation",
        "blog.subscriber_mail.notify_subscribers",
        "blog.subscriber_mail.send_post_deliveries",
    ],
)
def test_every_task_path_of_the_last_release_names_the_same_task(old_path):
    module, _, name = old_path.rpartition(".")
    task = import_string(old_path)
    assert task is getattr(import_string(MOVED_TASK_MODULES[module]), name)
    assert task.module_path == f"{MOVED_TASK_MODULES[module]}.{name}"


def test_a_confirmation_queued_before_the_move_is_sent_after_it(make_blogger, settings, mailoutbox):
    blog = make_blogger("letters")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    subscriber = Subscriber.objects.create(blog=blog, email="early@example.com")
    DBTaskResult.objects.all().delete()  # only the task below waits
    queued = send_confirmation.enqueue(subscriber.pk)
    # As the database holds a task the previous release queued.
    old_path = "blog.subscriber_mail.send_confirmation"
    assert DBTaskResult.objects.filter(pk=queued.id).update(task_path=old_path) == 1
    assert run_ready_tasks() == ["send_confirmation"]
    assert [message.to for message in mailoutbox] == [["early@example.com"]]
