"""Publishing a post: the editor's main button, and what the blogger is told after.

Bear's editor has one button, Publish; Wagtail's main button is "Save draft", with
Publish in a menu. ``publish_first`` makes Publish the main button of the post editor
(Save draft is one click away, and autosave keeps drafts anyway); Enter in a one-line
field submits nothing there (static/bearcms/post-editor.js), so a stray Enter in the
title cannot publish a half-written post.

Posts are scheduled by their published date, not by Wagtail's go-live time, so Wagtail
answers every publish with "Page '…' created and published. View live", also for a post
whose date is still to come, whose "View live" then leads to a 404. Wagtail lets an
``after_publish_page`` hook answer the request instead: this one says what happened in a
blogger's words, offers the post or its preview, and goes back to Posts rather than to
the page tree. (Answering skips Wagtail's ``after_create_page`` and ``after_edit_page``
hooks for that request; nothing here registers one.)
"""

from django.shortcuts import redirect
from django.urls import reverse
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request

from blog.dashboard.writing import when
from blog.models import BlogPage, PostPage


def publish_first(menu_items, request, context):
    """Make Publish the main button of a post's editor (Wagtail's first menu item is it)."""
    page, parent = context.get("page"), context.get("parent_page")
    # A new post's menu knows only its parent: under a blog, only posts are made.
    if not (isinstance(page, PostPage) or (page is None and isinstance(parent, BlogPage))):
        return
    publish = [item for item in menu_items if item.name == "action-publish"]
    menu_items[:] = publish + [item for item in menu_items if item not in publish]


def after_publish(request, page):
    """Tell the blogger what publishing ``page`` did; None lets Wagtail answer (pages
    other than posts, and requests made by the editor's scripts)."""
    if not isinstance(page, PostPage) or not request.accepts("text/html"):
        return None
    kind = "page" if page.is_page else "post"
    edit = messages.button(reverse("wagtailadmin_pages:edit", args=[page.pk]), "Edit")
    if page.is_scheduled():
        preview = reverse("wagtailadmin_pages:view_draft", args=[page.pk])
        messages.success(
            request,
            f"Scheduled “{page.title}” for {when(page.published_date)}. "
            f"Readers see the {kind} from then on.",
            buttons=[messages.button(preview, "Preview", new_window=True), edit],
        )
    else:
        view = messages.button(page.get_url(request), f"View {kind}", new_window=True)
        messages.success(request, f"Published “{page.title}”.", buttons=[view, edit])
    return redirect(get_valid_next_url_from_request(request) or reverse("posts:index"))
