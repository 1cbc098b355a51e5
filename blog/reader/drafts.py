"""``/draft/<token>/``: a post's latest draft, for whoever has the secret link.

The blogger makes the link in the dashboard (``blog.dashboard.draft_links``) to show a
draft to a friend or an editor before publishing. The page is the post as readers will
get it: its template, theme and Markdown, dated now if it has no date yet. Unlike a
reader page it is never kept: ``private, no-store`` keeps it out of the page cache
(``blog.caching.page_cache`` keeps public pages only) and the CDN, and search engines
are told ``noindex`` in the page and in the header. It counts no read and sends no
Referer, so the token does not leave the page by its links.

A link of another blog, an unknown or expired one, or one made before the post was last
published (``DraftLink.is_spent``) shows nothing of the draft: 404, or, once the post is
live, the post itself.
"""

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from blog.models import DraftLink


def private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def draft(request, token):
    now = timezone.now()
    link = (
        DraftLink.objects.select_related("post")
        .filter(token=token, expires_at__gt=now, post__blog=request.blog)
        .first()
    )
    if link is None:
        raise Http404("No such draft.")
    post = link.post
    if link.is_spent(post):
        if post.live and post.is_visible_now():
            return private(redirect(post.get_url(request)))
        raise Http404("No such draft.")
    page = post.get_latest_revision_as_object()
    page.render_markdown_fields()
    page.published_date = page.published_date or now  # as if published now
    request.is_preview = True  # no read counted (templates/blog/post_page.html)
    context = {**page.get_context(request), "noindex": True}
    return private(TemplateResponse(request, page.get_template(request), context))
