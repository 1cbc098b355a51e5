"""Which blog a dashboard page is about: the one rule for "the user's blog".

A user's blogs are the blogs they own (``BlogPage.owner``): the one sign-up made for
them, and up to ``MAX_BLOGS_PER_ACCOUNT`` in all that they started later
(``home.blogs``). The dashboard works on one of them at a time, the *current blog*:
the one they last chose on the Blogs page (kept in their session), or else their first.
Its posts, settings, analytics, subscribers, import, export and deletion are the pages
they see; another blog of theirs is one click away. (Images and Documents list the
files of all their blogs, each blog's in its own collection.) A form says which blog it
was shown for (``for_blog``), so that one sent from a tab left open on another blog
saves nothing (``posted_for_another_blog``).

Staff may add another writer to a blog's group so that they can write in it (Wagtail's
page permissions), but that does not make the blog theirs. Staff look at any blog by
naming it (``?blog=<id>``).
"""

from django.http import Http404
from django.shortcuts import redirect
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem

from blog.core.ids import is_id
from blog.models import BlogPage

SESSION_KEY = "bearcms_blog"
FORM_BLOG = "for_blog"


def own_blogs(user):
    """The blogs ``user`` owns, the first made first."""
    return BlogPage.objects.filter(owner=user).order_by("id")


def owns_a_blog(user):
    """Does the user own a blog? Memoised on the user: menus and listing rows ask."""
    # getattr, not the instance's __dict__: request.user is a lazy wrapper whose
    # attributes live on the user it wraps.
    owns = getattr(user, "_bearcms_owns_blog", None)
    if owns is None:
        owns = user._bearcms_owns_blog = own_blogs(user).exists()
    return owns


def own_blog(user):
    """The first blog ``user`` owns (the one sign-up made), or None."""
    return own_blogs(user).first()


def current_blog(request):
    """The blog the user is working on in the dashboard, or None when they own none.

    Memoised on the request: the menu, the page and its buttons all ask. A blog id left
    in the session that is no longer theirs (deleted, or moved to another account) is
    not believed: the first blog they own stands in.
    """
    if not hasattr(request, "_bearcms_current_blog"):
        blogs = own_blogs(request.user)
        chosen = getattr(request, "session", {}).get(SESSION_KEY)
        blog = blogs.filter(pk=chosen).first() if isinstance(chosen, int) else None
        request._bearcms_current_blog = blog or blogs.first()
    return request._bearcms_current_blog


def for_blog(url, blog):
    """``url`` as the action of a form shown for ``blog``: the POST says which blog."""
    return f"{url}?{FORM_BLOG}={blog.pk}"


def posted_for_another_blog(request, blog):
    """Whether this POST comes from a form shown for another of the user's blogs: a tab
    left open on one blog and sent after switching to another in a second tab. Saved,
    it would have changed the blog now current with the other one's values."""
    shown_for = request.GET.get(FORM_BLOG)
    return request.method == "POST" and shown_for is not None and shown_for != str(blog.pk)


def refuse_stale_form(request, blog):
    """Say why nothing was saved (``posted_for_another_blog``); redirect to the form."""
    messages.error(
        request,
        "Nothing was saved: this page was open on another of your blogs, and you have "
        f"switched to {blog.title} since. Here is the page for {blog.title}.",
    )
    return redirect(request.path)


def switch_to(request, blog):
    """Make ``blog`` (one the user owns) the current blog for the rest of the session."""
    request.session[SESSION_KEY] = blog.pk
    request._bearcms_current_blog = blog


def chosen_blog(request):
    """The blog staff asked for with ``?blog=<id>``, or None for the whole platform."""
    blog_id = request.GET.get("blog", "")
    if not blog_id:
        return None
    if not is_id(blog_id):
        raise Http404
    blog = BlogPage.objects.filter(id=blog_id).only("id", "title", "subdomain").first()
    if blog is None:
        raise Http404
    return blog


class DeskMenuItem(MenuItem):
    """A main-menu item of the blog's own pages, shown to users who own a blog."""

    def is_shown(self, request):
        return owns_a_blog(request.user)
