"""Staff moderation of whole blogs: reviewed, hidden from discovery, blocked, and the review
queue's own state: flagged for a second look, ignored (when, how many times).

The flags live on the BlogPage row but outside the blogger's forms and revisions
(``RowStateMixin``), so they change only here. A change of the first three rewrites
which of the blog's posts discovery may list, at once; every change is written to
Wagtail's audit log so that the blog's history shows who did what and when. A blocked
blog's hosts answer every path with a neutral 410 page (``blog.tenants.hosts``), its custom domain
gets no certificate (``blog.tenants.custom_domains``), and nothing of it is mailed; blocking or
unblocking drops its cached pages, in the app and at the CDN.
"""

from django.db import transaction
from wagtail.log_actions import log

from blog.caching.cdn import purge_blog
from blog.caching.discovery_cache import forget_discovery
from blog.caching.page_cache import forget_blog_pages
from blog.models import BlogPage
from blog.tenants.site_cache import blog_key, blog_subdomain_keys, forget

# The flags discovery reads; the others only decide where the review queue shows a blog.
DISCOVERY_FLAGS = ("reviewed", "hidden", "blocked")
FLAGS = (*DISCOVERY_FLAGS, "flagged", "ignored_at", "ignore_count")
# A blog ignored this many times in the review queue never comes back to it.
IGNORED_FOR_GOOD = 2


@transaction.atomic
def set_blog_flags(blog, user=None, **flags):
    """Set some of ``FLAGS`` on ``blog``; log the change."""
    unknown = set(flags) - set(FLAGS)
    if unknown:
        raise ValueError(f"Unknown moderation flags: {', '.join(sorted(unknown))}")
    changed = {name: value for name, value in flags.items() if getattr(blog, name) != value}
    if not changed:
        return blog
    BlogPage.objects.filter(pk=blog.pk).update(**changed)
    forget([blog_key(blog.pk)])  # the row its host serves (a reviewed blog is indexed)
    for name, value in changed.items():
        setattr(blog, name, value)
    if changed.keys() & DISCOVERY_FLAGS:
        blog.refresh_post_listing()
        forget_discovery()
    if "blocked" in changed:
        # Every page of the blog changes (to the 410 page, or back): cached copies go,
        # and so does what its subdomains answer when they redirect to it.
        forget_blog_pages(blog.pk)
        forget(blog_subdomain_keys(blog))
        transaction.on_commit(lambda: purge_blog(blog))
    log(
        instance=blog,
        action="bearcms.moderate",
        user=user,
        data={"flags": changed},
        title=blog.title,
    )
    return blog


def describe_changes(flags):
    """The ``flags`` a ``bearcms.moderate`` log entry records, in words for the blog's
    history: "flagged set, ignored for good", in the order of ``FLAGS`` (PostgreSQL's
    jsonb keeps no key order)."""
    words = []
    for name in FLAGS:
        if name not in flags:
            continue
        value = flags[name]
        if name == "ignore_count":
            words.append(
                "ignored for good"
                if value >= IGNORED_FOR_GOOD
                else "ignored until its next post"
                if value
                else "ignores forgotten"
            )
        elif name == "ignored_at":
            if "ignore_count" not in flags:  # that one says it better
                words.append("ignored" if value else "ignore lifted")
        else:
            words.append(f"{name} {'set' if value else 'cleared'}")
    return ", ".join(words)
