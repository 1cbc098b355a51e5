"""The staff review queue at ``/dashboard/review/``: unreviewed blogs, dodgiest first
(``BlogPage.dodginess``, then oldest first), each with its score, title, home content and
latest posts inline, and one-click moderation actions. More tabs list the blogs flagged
for a second look (reviewed or not), the reviewed blogs (an approved blog that turns bad
is hidden or blocked from there) and the blocked blogs.

Ignoring a blog takes it out of the queue until it publishes a post; ignoring it a second
time is for good. Approving or hiding it is a review: that ends a second look and forgets
the ignores, so a blog un-approved later (``blog.moderation.dodginess``) comes back. Blocking also
ends a second look.

Approve, hide, ignore, flag, unflag, block and unblock go through
``blog.moderation.flags.set_blog_flags``, which refreshes discovery, handles blocking and writes
the audit log entry (who, what, when) that the blog's history shows. Delete goes through
Wagtail's own ``DeletePageAction``, which logs ``wagtail.delete`` for the blog and each of
its pages before deleting them; the tenant's group and collection follow through
``blog.tenants.lifecycle``'s signal. Every action is a POST (with Django's CSRF check), so following
a link or a crawler's GET changes nothing.

The namespace is a staff area (``blog.dashboard.staff``): a blogger gets 403 at every URL
here and never sees the menu item.

A page of the queue costs the same few queries at any page size: the blogs with their
owners (whether an ignored blog published since is a subquery of that one query), then the
latest posts of all of them in one windowed query. The unreviewed queue walks the
``review_queue`` index on (reviewed, blocked, -dodginess).
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.actions.delete_page import DeletePageAction
from wagtail.admin import messages

from blog.core.platform_mail import MAIL_ERRORS, blogger_text, masked
from blog.models import BlogPage, PostPage
from blog.moderation.flags import IGNORED_FOR_GOOD, set_blog_flags

logger = logging.getLogger(__name__)

NAMESPACE = "bearcms_review"
PER_PAGE = 20
LATEST_POSTS = 3
TABS = ("index", "flagged", "reviewed", "blocked")

# A review ends a second look and forgets the ignores (see the module docstring).
REVIEWED = {"reviewed": True, "flagged": False, "ignored_at": None, "ignore_count": 0}
# action: (flags it sets, message shown to staff); "ignore" is ``ignoring()``.
FLAG_ACTIONS = {
    "approve": ({**REVIEWED, "hidden": False}, "approved: it may appear in discovery"),
    "hide": ({**REVIEWED, "hidden": True}, "hidden from discovery"),
    "flag": ({"flagged": True}, "flagged for a second look"),
    "unflag": ({"flagged": False}, "unflagged"),
    "block": ({"blocked": True, "flagged": False}, "blocked"),
    "unblock": ({"blocked": False}, "unblocked"),
}


def with_latest_posts(blogs):
    """Set ``latest_posts`` on each of ``blogs`` (a list): the live posts it published
    last, last first, for all the blogs in one query. By when they went public here, not
    by their dates: a post dated years back must not hide from staff behind newer ones."""
    latest = (
        PostPage.objects.filter(blog_id__in=[blog.pk for blog in blogs], live=True)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("blog_id")],
                order_by=[F("public_since").desc(nulls_last=True), F("pk").desc()],
            )
        )
        .filter(rank__lte=LATEST_POSTS)
        .only("blog_id", "title", "body", "published_date", "is_page")
        .order_by("blog_id", "rank")
    )
    by_blog = {}
    for post in latest:
        by_blog.setdefault(post.blog_id, []).append(post)
    for blog in blogs:
        blog.latest_posts = by_blog.get(blog.pk, [])
    return blogs


def awaiting_review():
    """Unreviewed, unblocked blogs, less the ignored ones: those that have published no
    post since, and those ignored for good."""
    published_since_ignored = Exists(
        PostPage.objects.filter(
            blog=OuterRef("pk"), live=True, last_published_at__gt=OuterRef("ignored_at")
        )
    )
    return BlogPage.objects.filter(reviewed=False, blocked=False).filter(
        Q(ignored_at__isnull=True) | Q(published_since_ignored, ignore_count__lt=IGNORED_FOR_GOOD)
    )


def blogs_in(tab):
    """The blogs a tab of the queue lists, in its order."""
    if tab == "blocked":
        return BlogPage.objects.filter(blocked=True).order_by("pk")
    if tab == "flagged":
        return BlogPage.objects.filter(flagged=True, blocked=False).order_by("-dodginess", "pk")
    if tab == "reviewed":
        return BlogPage.objects.filter(reviewed=True, blocked=False).order_by("-pk")
    return awaiting_review().order_by("-dodginess", "pk")


def queue(request, tab="index"):
    """A page of one tab of the queue: unreviewed, flagged, reviewed or blocked blogs."""
    blogs = (
        blogs_in(tab)
        .select_related("owner")
        .only(
            "title",
            "subdomain",
            "home_content",
            "hidden",
            "blocked",
            "reviewed",
            "flagged",
            "ignore_count",
            "dodginess",
            "owner__email",
        )
    )
    page = Paginator(blogs, PER_PAGE).get_page(request.GET.get("p"))
    page.object_list = with_latest_posts(list(page.object_list))
    return TemplateResponse(
        request,
        "blog/admin/review_queue.html",
        {
            "page": page,
            "tab": tab,
            "elided_page_range": page.paginator.get_elided_page_range(page.number),
        },
    )


def ignoring(blog):
    """The flags and message of ignoring ``blog`` once more."""
    count = blog.ignore_count + 1
    done = "ignored for good" if count >= IGNORED_FOR_GOOD else "ignored until its next post"
    return {"ignored_at": timezone.now(), "ignore_count": count}, done


@require_POST
def moderate(request, pk, action):
    """Apply one of ``FLAG_ACTIONS`` (or ignore) to the blog, mailing the owner an
    approval message if staff wrote one."""
    if action not in FLAG_ACTIONS and action != "ignore":
        raise Http404
    # id, not pk: an id past the database's integers finds no row, a pk (the Page link) raises.
    blog = get_object_or_404(BlogPage.objects.select_related("owner"), id=pk)
    flags, done = ignoring(blog) if action == "ignore" else FLAG_ACTIONS[action]
    set_blog_flags(blog, user=request.user, **flags)
    messages.success(request, f"“{blog.title}” {done}.")
    note = request.POST.get("message", "").strip()
    if action == "approve" and note:
        mail_owner(request, blog, note)
    return back_to_queue(request)


def back_to_queue(request):
    """The queue page the action was taken from (its tab and page number)."""
    name = request.POST.get("from")
    name = name if name in TABS else "index"
    page = request.POST.get("p", "")
    url = reverse(f"{NAMESPACE}:{name}")
    return redirect(f"{url}?p={page}" if page.isdigit() else url)


def mail_owner(request, blog, note):
    """Mail staff's note to the blog's owner; a mail failure is logged and shown, never
    a 500, since the approval itself already happened. The blog's title is
    ``blogger_text``, as in all platform mail (a newline in it was a 500)."""
    name, platform = blogger_text(blog.title), settings.WAGTAIL_SITE_NAME
    try:
        send_mail(f"Your blog “{name}” on {platform} was approved", note, None, [blog.owner.email])
    except MAIL_ERRORS as error:
        logger.error(
            "Could not mail the approval of %s to %s: %s",
            blog.subdomain,
            masked(blog.owner.email),
            error,
        )
        messages.error(request, "The message to the blogger could not be sent.")
    else:
        messages.success(request, "The message was mailed to the blogger.")


def delete(request, pk):
    """GET: the confirmation page. POST: delete the blog and everything of it."""
    # id, not pk: an id past the database's integers finds no row, a pk (the Page link) raises.
    blog = get_object_or_404(BlogPage, id=pk)
    if request.method != "POST":
        return TemplateResponse(request, "blog/admin/review_delete.html", {"blog": blog})
    title = blog.title
    # The namespace already admits staff only; the page permissions Wagtail would check
    # are the bloggers' rules (blog.models.permissions), which keep a blog root undeletable.
    DeletePageAction(blog, user=request.user).execute(skip_permission_checks=True)
    messages.success(request, f"“{title}” deleted.")
    return back_to_queue(request)
