"""Staff delete, in one go, the blogs nobody ever wrote in.

Sign-ups that never wrote a word keep their subdomain from everyone else. A blog is
*empty* when it has no post or page (drafts included), no home content, no image or
file, no subscriber, and nobody has changed it for ``days`` days: its latest revision is
older (a new blog's is its creation), and so is every entry of its history and any
rename. Staff's own blogs are never listed.

``/dashboard/staff-tools/`` lists the empty blogs for the number of days asked: that
listing is the dry run, and shows what a delete would take. Delete acts on the blogs
listed in that form, each checked again to be empty, at most ``MAX_PER_DELETE`` at a time;
each goes through Wagtail's ``DeletePageAction``, which writes ``wagtail.delete`` to the
audit log (who, which blog, when) before deleting. Their subdomains then rest in
quarantine like any deleted blog's.
"""

import datetime

from django import forms
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from wagtail.actions.delete_page import DeletePageAction
from wagtail.admin import messages
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry

from blog.core.ids import is_id
from blog.models import BlogPage, FormerSubdomain, Subscriber

MAX_PER_DELETE = 200
DEFAULT_DAYS = 90


class EmptyBlogsForm(forms.Form):
    days = forms.IntegerField(
        label="Unchanged for at least this many days",
        min_value=1,
        max_value=36_500,
        initial=DEFAULT_DAYS,
    )


def empty_blogs(days, now=None):
    """The blogs that are empty (see the module docstring) and unchanged for ``days``."""
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    media = [
        model.objects.filter(collection_id=OuterRef("collection_id"))
        for model in (get_image_model(), get_document_model())
    ]
    # A page of the blog, found by its place in the tree (a draft's blog field may be unset).
    pages = Page.objects.filter(path__startswith=OuterRef("path"), depth__gt=OuterRef("depth"))
    # Changes that make no revision: a rename, a move to another account, moderation.
    changed = PageLogEntry.objects.filter(page_id=OuterRef("pk"), timestamp__gte=since)
    renamed = FormerSubdomain.objects.filter(blog_id=OuterRef("pk"), left_at__gte=since)
    return (
        BlogPage.objects.filter(home_content="", latest_revision_created_at__lt=since)
        .exclude(Exists(pages))
        .exclude(Exists(media[0]))
        .exclude(Exists(media[1]))
        .exclude(Exists(Subscriber.objects.filter(blog_id=OuterRef("pk"))))
        .exclude(Exists(changed))
        .exclude(Exists(renamed))
        .exclude(Q(owner__is_staff=True) | Q(owner__is_superuser=True))
        .select_related("owner")
        .order_by("latest_revision_created_at", "id")
    )


@transaction.atomic
def delete_if_empty(blog_id, days, user):
    """Delete the blog if it is still empty, its row locked meanwhile: a post saved while
    the staff member looked at the list keeps the blog. Whether it was deleted."""
    blog = BlogPage.objects.select_for_update().filter(id=blog_id).first()
    if blog is None or not empty_blogs(days).filter(id=blog_id).exists():
        return False
    DeletePageAction(blog, user=user).execute(skip_permission_checks=True)
    return True


def empty_blogs_view(request):
    form = EmptyBlogsForm(request.GET or {"days": DEFAULT_DAYS})
    days = form.cleaned_data["days"] if form.is_valid() else DEFAULT_DAYS
    if request.method == "POST":
        ids = [value for value in request.POST.getlist("blog") if is_id(value)]
        deleted = sum(
            delete_if_empty(blog_id, days, request.user) for blog_id in ids[:MAX_PER_DELETE]
        )
        messages.success(request, f"Deleted {deleted} empty blog{'s' if deleted != 1 else ''}.")
        return redirect(f"{reverse('bearcms_staff_tools:index')}?days={days}")
    blogs = empty_blogs(days)
    return TemplateResponse(
        request,
        "blog/admin/empty_blogs.html",
        {
            "form": form,
            "days": days,
            "count": blogs.count(),
            "blogs": blogs[:MAX_PER_DELETE],
            "max_per_delete": MAX_PER_DELETE,
        },
    )
