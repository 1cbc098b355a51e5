"""The blog app's models, one module per capability, all importable from ``blog.models``
(where Django and the migrations look for them).

This package is the model layer: it imports only ``blog.core``. The page form, the
Markdown editor widget and the page permission tester live here too, because Wagtail asks
the page models for them (``base_form_class``, panels, ``permissions_for_user``).
"""

from blog.models.drafts import DraftLink
from blog.models.federation import Activity, ActivityDelivery, ActorKey, Follower, RemoteActor
from blog.models.moderation import ModerationSettings
from blog.models.pages import (
    DEFAULT_NAV,
    POST_LIST_FIELDS,
    RESERVED_POST_SLUGS,
    THEMES,
    AncestorPathRestrictionsMixin,
    BlogPage,
    PostPage,
    PostTag,
    RenderedMarkdownMixin,
    RowStateMixin,
    TenantPageMixin,
    markdown_length,
)
from blog.models.reader import AnalyticsSalt, DailyReads, Hit, RolledUpDay, Upvote
from blog.models.renames import FormerSubdomain
from blog.models.subscribers import Delivery, Subscriber
from blog.models.tokens import AccessToken
from blog.models.transfer import ImportJob

__all__ = [
    "DEFAULT_NAV",
    "AccessToken",
    "Activity",
    "ActivityDelivery",
    "ActorKey",
    "POST_LIST_FIELDS",
    "RESERVED_POST_SLUGS",
    "THEMES",
    "AncestorPathRestrictionsMixin",
    "AnalyticsSalt",
    "BlogPage",
    "DailyReads",
    "Delivery",
    "DraftLink",
    "Follower",
    "FormerSubdomain",
    "Hit",
    "ImportJob",
    "ModerationSettings",
    "PostPage",
    "PostTag",
    "RemoteActor",
    "RenderedMarkdownMixin",
    "RolledUpDay",
    "RowStateMixin",
    "Subscriber",
    "TenantPageMixin",
    "Upvote",
    "markdown_length",
]
