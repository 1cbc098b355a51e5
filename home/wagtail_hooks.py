"""Dashboard additions of the platform app (Wagtail loads this module for its hooks)."""

from home import account_deletion  # noqa: F401  (its hooks)
