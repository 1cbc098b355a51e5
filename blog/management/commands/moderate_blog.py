"""``manage.py moderate_blog <subdomain> --approve|--hide|--block|...``: staff moderation
from the shell, through the same ``blog.moderation.flags`` the dashboard will use."""

from django.core.management.base import BaseCommand, CommandError

from blog.models import BlogPage
from blog.moderation.flags import set_blog_flags

ACTIONS = {
    "approve": {"reviewed": True},
    "unreview": {"reviewed": False},
    "hide": {"hidden": True},
    "unhide": {"hidden": False},
    "block": {"blocked": True},
    "unblock": {"blocked": False},
    "flag": {"flagged": True},
    "unflag": {"flagged": False},
}


class Command(BaseCommand):
    help = "Approve, hide, block or flag a blog (and undo each); logged in the blog's history."

    def add_arguments(self, parser):
        parser.add_argument("subdomain")
        for action in ACTIONS:
            parser.add_argument(f"--{action}", action="store_true")

    def handle(self, subdomain, **options):
        flags = {}
        for action, change in ACTIONS.items():
            if options[action]:
                flags.update(change)
        if not flags:
            raise CommandError(f"Say what to do: one of --{', --'.join(ACTIONS)}.")
        blog = BlogPage.objects.filter(subdomain=subdomain.lower()).first()
        if blog is None:
            raise CommandError(f"No blog has the subdomain “{subdomain}”.")
        set_blog_flags(blog, **flags)
        state = ", ".join(
            f"{name}={getattr(blog, name)}" for name in ("reviewed", "hidden", "blocked", "flagged")
        )
        self.stdout.write(f"{blog.subdomain}: {state}")
