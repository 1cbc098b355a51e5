"""Error pages of blog hosts.

A reader who mistypes an address stays on the blog: the 404 page wears the blog's theme,
title and navigation. The platform host keeps Django's plain ``404.html``; 500s everywhere
use the static ``500.html``, which never shows what went wrong.
"""

from django.template.response import TemplateResponse
from django.views.defaults import page_not_found


def not_found(request, exception=None):
    """``handler404`` of blog hosts (``bearcms.urls_blog``)."""
    blog = getattr(request, "blog", None)
    if blog is None:  # BlogHostMiddleware always sets it on blog hosts; be safe anyway
        return page_not_found(request, exception)
    context = {"blog": blog, "page": None, "not_found": True}
    return TemplateResponse(request, "blog/404.html", context, status=404).render()
