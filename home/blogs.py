"""The dashboard's Blogs page: a blogger's blogs, which one they are working on, and
starting another.

One account may own up to ``MAX_BLOGS_PER_ACCOUNT`` blogs, as on Bear Blog. The page
lists them; "Work on this blog" makes one the current blog
(``blog.dashboard.blogs.switch_to``), which every other dashboard page then shows. It is a
POST, so that no link on another site can change the blog a person is about to publish
in. A new blog takes its address as at sign-up (``home.signup.check_new_subdomain``:
the same rules, reserved names and quarantine) and becomes the current blog at once.

Nothing here takes a blog id the user does not own: a switch to another account's blog
answers 404, and a new blog is always the signed-in user's.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import escape
from wagtail.admin import messages

from blog.core.daily_counts import add_today, count_today
from blog.core.ids import is_id
from blog.dashboard.blogs import current_blog, own_blogs, switch_to
from blog.models import PostPage
from blog.tenants.lifecycle import create_blog
from home.signup import blog_address, check_new_subdomain

SWITCH = "switch"
NEW_BLOGS_SCOPE = "new-blogs"
NEW_BLOGS_PER_DAY = 3


class NewBlogForm(forms.Form):
    subdomain = forms.CharField(
        max_length=63,
        label="Blog address",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    title = forms.CharField(
        max_length=255,
        required=False,
        label="Blog title",
        help_text="You can change it later in Settings. Leave it empty to use the address.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdomain"].help_text = escape(
            f"Your new blog will live at {blog_address('<name>')}. Letters, digits and hyphens."
        )

    def clean_subdomain(self):
        return check_new_subdomain(self.cleaned_data["subdomain"])


def blogs_view(request):
    if request.method == "POST" and SWITCH in request.POST:
        return switch(request)
    form = NewBlogForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        blog = start_blog(request, form) if form.is_valid() else None
        if blog is not None:
            switch_to(request, blog)
            messages.success(
                request,
                f"{blog.title} is ready at {blog.full_url}. You are working on it now.",
                buttons=[messages.button(blog.full_url, "View your new blog", new_window=True)],
            )
            return redirect("wagtailadmin_home")
        messages.error(request, "No blog was started: please correct the errors below.")
    blogs = list(own_blogs(request.user))
    current = current_blog(request)
    live_posts = dict(
        PostPage.objects.filter(blog__in=blogs, live=True, is_page=False)
        .values_list("blog")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return render(
        request,
        "home/admin/blogs.html",
        {
            "blogs": [(blog, blog == current, live_posts.get(blog.pk, 0)) for blog in blogs],
            "form": form,
            "room": settings.MAX_BLOGS_PER_ACCOUNT - len(blogs),
            "limit": settings.MAX_BLOGS_PER_ACCOUNT,
        },
    )


def switch(request):
    blog_id = request.POST[SWITCH]
    blogs = own_blogs(request.user)
    blog = blogs.filter(pk=blog_id).first() if is_id(blog_id) else None
    if blog is None:
        raise Http404("That is not one of your blogs.")
    switch_to(request, blog)
    messages.success(request, f"You are working on {blog.title} now.")
    return redirect("wagtailadmin_home")


def start_blog(request, form):
    """Create the blog the form asks for, or add to the form why not and return None.

    The user's row is locked while the blogs are counted, so that two forms sent at once
    cannot take the account past the limit.
    """
    user = request.user
    try:
        with transaction.atomic():
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
            if refusal := why_not_another(user):
                form.add_error(None, refusal)
                return None
            blog = create_blog(user, form.cleaned_data["subdomain"], form.cleaned_data["title"])
            add_today(NEW_BLOGS_SCOPE, user.pk)
            return blog
    except (IntegrityError, ValidationError):  # taken by someone else a moment ago
        form.add_error(
            "subdomain",
            f"“{form.cleaned_data['subdomain']}” was taken a moment ago. Choose another.",
        )
        return None


def why_not_another(user):
    """Why ``user`` may not start another blog now, or None.

    Besides the limit of blogs an account may own: an account staff blocked a blog of
    starts no other, and an account starts at most ``NEW_BLOGS_PER_DAY`` a day, so that
    starting and deleting blogs cannot hold names back from everyone else (a deleted
    blog's name rests in quarantine) or multiply what each blog may do in a day.
    """
    blogs = own_blogs(user)
    if blogs.count() >= settings.MAX_BLOGS_PER_ACCOUNT:
        return (
            f"You have {settings.MAX_BLOGS_PER_ACCOUNT} blogs, the most one account may "
            "have. Delete one you no longer need to start another."
        )
    if blogs.filter(blocked=True).exists():
        return "Staff have blocked one of your blogs, so you cannot start another."
    if count_today(NEW_BLOGS_SCOPE, user.pk) >= NEW_BLOGS_PER_DAY:
        return f"You have started {NEW_BLOGS_PER_DAY} blogs today: start another tomorrow."
    return None
