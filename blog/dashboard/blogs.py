"""Which blog a dashboard page is about: the one rule for "the user's blog".

A user's blog is the blog they own (``BlogPage.owner``): the one sign-up made for them.
Its analytics, subscribers, import, export, blocked notice and deletion are the owner's.
Staff may add another writer to a blog's group so that they can write in it (Wagtail's
page permissions), but that does not make the blog theirs. Staff look at any blog by
naming it (``?blog=<id>``).
"""

import re

from django.http import Http404

from blog.models import BlogPage


def own_blogs(user):
    """The blogs ``user`` owns (sign-up makes one per account)."""
    return BlogPage.objects.filter(owner=user)


def owns_a_blog(user):
    """Does the user own a blog? Memoised on the user: menus and listing rows ask."""
    # getattr, not the instance's __dict__: request.user is a lazy wrapper whose
    # attributes live on the user it wraps.
    owns = getattr(user, "_bearcms_owns_blog", None)
    if owns is None:
        owns = user._bearcms_owns_blog = own_blogs(user).exists()
    return owns


def own_blog(user):
    """The blog ``user`` owns, or None."""
    return own_blogs(user).order_by("id").first()


def chosen_blog(request):
    """The blog staff asked for with ``?blog=<id>``, or None for the whole platform."""
    blog_id = request.GET.get("blog", "")
    if not blog_id:
        return None
    if not re.fullmatch(r"[0-9]{1,10}", blog_id):  # str.isdigit() would accept "²"
        raise Http404
    blog = BlogPage.objects.filter(id=blog_id).only("id", "title", "subdomain").first()
    if blog is None:
        raise Http404
    return blog
