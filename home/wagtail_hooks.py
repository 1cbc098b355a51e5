"""Dashboard additions of the platform app (Wagtail loads this module for its hooks)."""

from home import account_deletion, account_email  # noqa: F401  (their hooks)
