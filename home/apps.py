from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The platform's own site: landing page, sign-up, health check."""

    name = "home"

    def ready(self):
        from home import signals  # noqa: F401  (connects its receivers)
