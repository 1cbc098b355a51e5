"""The platform-wide moderation setting staff edit."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="warning")
class ModerationSettings(BaseGenericSetting):
    """The term lists and threshold of the dodginess score (``blog.moderation.dodginess``).

    A Wagtail setting: only users with its change permission (staff) can open it.
    Saving it rescores every blog in the background.
    """

    highlight_terms = models.TextField(
        blank=True,
        help_text="One word or phrase per line. Each one found in a blog adds a little "
        "to its score (casinos, crypto, loans...).",
    )
    blacklisted_terms = models.TextField(
        blank=True,
        help_text="One word or phrase per line. Each one found in a blog adds a lot to its score.",
    )
    threshold = models.PositiveIntegerField(
        default=10,
        help_text="A reviewed blog whose score rises to this goes back to the review "
        "queue and out of discovery until staff approve it again.",
    )

    panels = [
        FieldPanel("highlight_terms"),
        FieldPanel("blacklisted_terms"),
        FieldPanel("threshold"),
    ]

    class Meta:
        verbose_name = "moderation terms"
