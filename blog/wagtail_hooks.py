"""The blog app's hook registry: Wagtail imports this module, and it imports each
package's own ``wagtail_hooks``, where that package registers its hooks."""

from blog.analytics import wagtail_hooks as analytics_hooks  # noqa: F401
from blog.api import wagtail_hooks as api_hooks  # noqa: F401
from blog.dashboard import wagtail_hooks as dashboard_hooks  # noqa: F401
from blog.federation import wagtail_hooks as federation_hooks  # noqa: F401
from blog.moderation import wagtail_hooks as moderation_hooks  # noqa: F401
from blog.subscribers import wagtail_hooks as subscriber_hooks  # noqa: F401
from blog.transfer import wagtail_hooks as transfer_hooks  # noqa: F401
