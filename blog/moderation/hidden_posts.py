"""Staff take one post out of discovery, leaving the rest of its blog listed.

A blog that is fine but wrote one post discovery should not carry (spam-like, off-topic,
a dispute) loses that post only: ``PostPage.hidden_by_staff`` is set, and discovery's rule
(``blog.core.discovery.post_is_discoverable``) leaves the post out until staff show it
again. The blog itself, its readers and its feed see no change. The flag is row state,
so no revision the blogger publishes brings the post back, and each change is in the
post's history (``bearcms.post_discovery``).

Staff reach it from a post's "More" menu in the page listing or the editor
(``discovery_button``); the URL is in a staff area (``blog.dashboard.staff``).
"""

from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.admin import messages
from wagtail.admin.widgets import Button
from wagtail.log_actions import log

from blog.caching.discovery_cache import forget_discovery
from blog.core.discovery import refresh_blog_posts
from blog.models import PostPage
from blog.models.permissions import is_staff

NAMESPACE = "bearcms_staff_tools"


@transaction.atomic
def set_hidden_by_staff(post, hidden, user):
    """Hide ``post`` from discovery (or show it again); log who did."""
    PostPage.objects.filter(pk=post.pk).update(hidden_by_staff=hidden)
    post.hidden_by_staff = hidden
    refresh_blog_posts(post.blog, PostPage.objects.filter(pk=post.pk))
    forget_discovery()
    log(instance=post, action="bearcms.post_discovery", user=user, data={"hidden": hidden})


def post_discovery(request, post_id):
    """GET: the post's place in discovery and the button that changes it. POST: change it."""
    post = get_object_or_404(PostPage.objects.select_related("blog"), id=post_id)
    if request.method == "POST":
        hidden = request.POST.get("hidden") == "true"
        set_hidden_by_staff(post, hidden, request.user)
        messages.success(
            request,
            f"“{post.title}” is hidden from discovery."
            if hidden
            else f"“{post.title}” may appear in discovery again.",
        )
        return redirect(reverse(f"{NAMESPACE}:post_discovery", args=[post.pk]))
    return TemplateResponse(request, "blog/admin/post_discovery.html", {"post": post})


def discovery_button(page, user):
    """The "Discovery" button of a post, for staff only."""
    if is_staff(user) and page.specific_class is PostPage:
        url = reverse(f"{NAMESPACE}:post_discovery", args=[page.pk])
        yield Button("Discovery", url, icon_name="view")
