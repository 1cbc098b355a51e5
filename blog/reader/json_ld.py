"""schema.org ``BlogPosting`` for a post, as JSON-LD in the head of its page.

Search engines read a post's headline, dates, author and image from it. Posts only:
pages (``is_page``: an About, a Now page) are not articles, and a ``WebPage`` would say
nothing the head's canonical and OpenGraph tags do not; Bear Blog writes none at all.
And only on blogs staff have reviewed: the others tell search engines ``noindex``, and
data for them would be weight for nothing. Nor does it repeat what the head says
already: the address (``rel=canonical``) and the language (``<html lang>``), so that a
1,000-word post still weighs under 10 KB.

The author is the blog, as an ``Organization`` named after it: the blog's title is all
the platform publishes about who writes it (an account's name or address never is), and
that title names a publication ("Musings"), which ``Person`` would claim is a human.

The block is data, never run: ``type="application/ld+json"`` is not a script type, so
browsers do not execute it and the reader pages' Content-Security-Policy (no script at
all) has nothing to block. It is escaped as ``django.utils.html.json_script`` escapes
(whose element says ``application/json``): ``<``, ``>`` and ``&`` become ``\\u003C``...,
so no title can end the element or open another.
"""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe

JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def blog_posting(post, blog, *, blog_url, image=None):
    """The post as a ``BlogPosting``: ``image`` is the absolute URL of its own social
    image (the blog's is not the post's picture)."""
    published = post.published_date
    modified = max(filter(None, [published, post.last_published_at]), default=None)
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "datePublished": published and published.isoformat(timespec="seconds"),
        "dateModified": modified and modified.isoformat(timespec="seconds"),
        "author": {"@type": "Organization", "name": blog.title, "url": blog_url},
        "description": post.meta_description,
        "image": image,
        "keywords": post.tag_names,
    }
    return {name: value for name, value in data.items() if value}


def json_ld_script(data):
    """``data`` as a ``<script type="application/ld+json">`` element that cannot be broken
    out of (see the module docstring)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
