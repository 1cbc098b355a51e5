"""Seed a demo blog (and a staff login) so a fresh checkout shows something real."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from blog.models import BlogPage, PostPage
from blog.moderation.flags import set_blog_flags
from blog.tenants.lifecycle import create_blog

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-blogger-pass"
STAFF_EMAIL = "staff@example.com"
STAFF_PASSWORD = "staff-admin-pass"

# As on Bear Blog, a home page with content lists no posts by itself: the directive does.
HOME = """Hello! This is a demo blog on **bearcms**: Markdown posts, tiny pages, no
JavaScript and no tracking.

{{ posts }}
"""

POSTS = [
    (
        "Hello, world",
        "hello-world",
        ["meta"],
        10,
        "My first post, written in *Markdown*.\n\nIt has a list:\n\n- one\n- two\n\n"
        "Staff have reviewed this blog, so its posts of 150 characters or more are listed "
        "in the platform's discovery feed too.\n",
    ),
    (
        "Code, tables and footnotes",
        "code-tables-footnotes",
        ["markdown", "python"],
        5,
        'Highlighted code:\n\n```python\ndef greet(name):\n    return f"Hello, {name}!"\n```\n\n'
        "| Feature | Works |\n|---|---|\n| Tables | yes |\n| Footnotes | yes[^1] |\n\n"
        "[^1]: Like this one.\n",
    ),
    (
        "Notes on writing",
        "notes-on-writing",
        ["writing"],
        1,
        "Short posts are fine. ~~Long ones too.~~\n\n> Write what you would like to read.\n",
    ),
]


class Command(BaseCommand):
    help = "Create the demo blog at demo.<BLOG_DOMAIN> and a staff user (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts whose passwords are in the README: it runs only "
                "with DEBUG=true (a development machine)."
            )
        User = get_user_model()
        if not User.objects.filter(email=STAFF_EMAIL).exists():
            staff = User.objects.create_superuser("staff", STAFF_EMAIL, STAFF_PASSWORD)
            EmailAddress.objects.create(user=staff, email=STAFF_EMAIL, verified=True, primary=True)
        existing = BlogPage.objects.filter(subdomain="demo").first()
        if existing is not None:
            # Seeded before discovery needed a review: list it now.
            set_blog_flags(existing, reviewed=True)
            self.stdout.write("The demo blog exists already.")
            return
        user = User.objects.create_user("demo", DEMO_EMAIL, DEMO_PASSWORD)
        EmailAddress.objects.create(user=user, email=DEMO_EMAIL, verified=True, primary=True)
        blog = create_blog(user, "demo", title="Demo blog")
        blog.home_content = HOME
        blog.save_revision(user=user).publish()
        # Reviewed, as staff would, so that /discover/ lists the demo posts.
        set_blog_flags(blog, reviewed=True)
        now = timezone.now()
        for title, slug, tags, days_ago, body in POSTS:
            post = PostPage(
                title=title,
                slug=slug,
                body=body,
                owner=user,
                published_date=now - timedelta(days=days_ago),
            )
            blog.add_child(instance=post)
            post.tags.set(tags)
            post.save_revision(user=user).publish()
        about = PostPage(
            title="About", slug="about", body="About this blog.", is_page=True, owner=user
        )
        blog.add_child(instance=about)
        about.save_revision(user=user).publish()
        self.stdout.write(self.style.SUCCESS("Seeded the demo blog."))
