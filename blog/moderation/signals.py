"""A blog is rescored whenever it or one of its posts is saved, and every blog when staff
change the moderation terms (``blog.moderation.dodginess``)."""

from django.db.models.signals import post_save

from blog.models import BlogPage, ModerationSettings, PostPage
from blog.moderation.dodginess import rescore_after_save, rescore_all_after_settings_change

for model in (BlogPage, PostPage):
    post_save.connect(
        rescore_after_save, sender=model, dispatch_uid=f"bearcms-rescore-{model.__name__}"
    )
post_save.connect(
    rescore_all_after_settings_change, sender=ModerationSettings, dispatch_uid="bearcms-rescore-all"
)
