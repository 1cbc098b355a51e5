"""Share a draft: secret links to a post's latest draft, made and revoked by its writers.

``/dashboard/pages/<page_id>/share/`` lists the post's links that still work, makes a new
one lasting a day, a week or a month, and revokes one (the row goes, and with it the
link). A link shows whoever has it the post as it will look (``blog.reader.drafts``)
until it expires or the post is published. Only a user who may edit the post reaches the
page (404 otherwise, like every other blog's page id under ``blog.dashboard.isolation``'s
guard), and a link is looked up through the post, so no form names another post's link.
"""

import datetime

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from wagtail.admin import messages
from wagtail.admin.ui.menus.pages import PageMenuItem

from blog.core.ids import is_id
from blog.models import DraftLink, PostPage

DURATIONS = [(1, "A day"), (7, "A week"), (30, "A month")]
# Enough for each person shown a draft to have their own, which can be revoked alone.
MAX_LINKS_PER_POST = 10


class NewLinkForm(forms.Form):
    days = forms.TypedChoiceField(
        label="The link works for", choices=DURATIONS, coerce=int, initial=7
    )


def link_url(request, post, link):
    return f"{post.blog.get_full_url(request)}draft/{link.token}/"


def working_links(post):
    """The post's links that still show its draft: unexpired, made since its last publish."""
    links = DraftLink.objects.filter(post=post, expires_at__gt=timezone.now())
    if post.last_published_at is not None:
        links = links.filter(created_at__gt=post.last_published_at)
    return links


def share_draft(request, page_id):
    post = get_object_or_404(PostPage.objects.select_related("blog"), pk=page_id)
    if not post.permissions_for_user(request.user).can_edit():
        raise Http404
    here = reverse("bearcms_share_draft", args=[post.pk])
    form = NewLinkForm(request.POST if "days" in request.POST else None)
    if request.method == "POST" and "revoke" in request.POST:
        link_id = request.POST["revoke"]
        links = DraftLink.objects.filter(post=post, pk=link_id) if is_id(link_id) else []
        if links and links.delete()[0]:
            messages.success(request, "That link no longer works.")
        return redirect(here)
    if form.is_bound and not form.is_valid():
        messages.error(request, "Choose how long the link works for.")
        return redirect(here)
    if form.is_bound:
        if working_links(post).count() >= MAX_LINKS_PER_POST:
            messages.error(
                request, f"This post has {MAX_LINKS_PER_POST} links already: revoke one first."
            )
        else:
            days = form.cleaned_data["days"]
            DraftLink.objects.create(
                post=post,
                created_by=request.user,
                expires_at=timezone.now() + datetime.timedelta(days=days),
            )
            messages.success(request, "Here is the new link: copy it and send it.")
        return redirect(here)
    links = [(link, link_url(request, post, link)) for link in working_links(post)]
    return render(
        request,
        "blog/admin/share_draft.html",
        {
            "post": post,
            "links": links,
            "form": NewLinkForm(),
            "edit_url": reverse("wagtailadmin_pages:edit", args=[post.pk]),
        },
    )


class ShareDraftButton(PageMenuItem):
    """ "Share draft" in a post's menus: in the editor's header and in Posts."""

    label = "Share draft"
    icon_name = "link"
    url_name = "bearcms_share_draft"

    def is_shown(self, user):
        return self.page.specific_class is PostPage and (
            self.page.permissions_for_user(user).can_edit()
        )
