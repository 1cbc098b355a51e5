"""Publishing a post its subscribers have not had yet mails it to them
(``blog.subscribers.tasks``)."""

from wagtail.signals import page_published

from blog.subscribers.tasks import notify_after_publishing

page_published.connect(notify_after_publishing, dispatch_uid="bearcms-subscriber-mail")
