"""``{% directives page.body_html %}``: stored page HTML with its directives expanded.

The tag takes the blog, the page and the request from the template context, so the
templates need no more than the HTML to show (see ``blog.reader.directives``).
``{% post_date value blog %}`` is a post's date as the directives write it.
"""

from django import template
from django.utils.safestring import mark_safe

from blog.reader.directives import expand_directives, format_date

register = template.Library()


@register.simple_tag(takes_context=True)
def directives(context, html):
    """Expand ``html`` (sanitised when saved) for this request; previews mark mistakes."""
    request = context.get("request")
    page = context.get("page")
    blog = context.get("blog") or getattr(request, "blog", None) or getattr(page, "blog", None)
    if blog is None:
        return mark_safe(html or "")  # stored HTML was sanitised on save
    preview = bool(getattr(request, "is_preview", False))
    expanded = expand_directives(html, blog=blog, page=page, request=request, preview=preview)
    return mark_safe(expanded)  # sanitised on save; inserted values escaped


@register.simple_tag
def post_date(value, blog):
    """``value`` as a ``<time>`` in the blog's date format. Not Django's ``date`` filter:
    it reads a format that names one of its settings (or any attribute of the settings
    module, such as ``__hash__``) as that setting, which a blogger's free-form format
    must never reach."""
    return format_date(value, blog)
