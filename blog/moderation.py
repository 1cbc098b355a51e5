"""Staff moderation of whole blogs: reviewed, hidden from discovery, blocked.

The flags live on the BlogPage row but outside the blogger's forms and revisions
(``RowStateMixin``), so they change only here. Every change rewrites which of the
blog's posts discovery may list, at once, and is written to Wagtail's audit log so that
the blog's history shows who did what and when. A blocked blog's hosts answer every
path with a neutral 410 page (``blog.hosts``), its custom domain gets no certificate
(``blog.custom_domains``), and nothing of it is mailed; blocking or unblocking drops its
cached pages, in the app and at the CDN.
"""

from django.db import transaction
from wagtail.log_actions import log

from blog.cdn import purge_blog
from blog.discovery import refresh_blog_posts
from blog.models import BlogPage
from blog.page_cache import forget_blog_pages

FLAGS = ("reviewed", "hidden", "blocked")


@transaction.atomic
def set_blog_flags(blog, user=None, **flags):
    """Set some of ``reviewed``, ``hidden`` and ``blocked`` on ``blog``; log the change."""
    unknown = set(flags) - set(FLAGS)
    if unknown:
        raise ValueError(f"Unknown moderation flags: {', '.join(sorted(unknown))}")
    changed = {name: value for name, value in flags.items() if getattr(blog, name) != value}
    if not changed:
        return blog
    BlogPage.objects.filter(pk=blog.pk).update(**changed)
    for name, value in changed.items():
        setattr(blog, name, value)
    refresh_blog_posts(blog)
    if "blocked" in changed:
        # Every page of the blog changes (to the 410 page, or back): cached copies go.
        forget_blog_pages(blog.pk)
        transaction.on_commit(lambda: purge_blog(blog))
    log(
        instance=blog,
        action="bearcms.moderate",
        user=user,
        data={"flags": changed},
        title=blog.title,
    )
    return blog
