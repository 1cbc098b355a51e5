"""Staff move a blog to another account: when a blogger lost access to the address they
signed up with and made a new account, or a blog changes hands.

The new owner is named by the email address of an existing account (a verified one:
the blog's mail, and its control, go to it). Moving makes them the blog's owner and
a member of its group (the page and collection permissions that are the blog), takes
the old owner out of the group, gives the new owner the blog's pages in Wagtail's
sense (``Page.owner``), and revokes every link to the blog's drafts (the old owner's
would show what the new one writes). The account may own at most ``MAX_BLOGS_PER_ACCOUNT`` blogs,
this one included. The old owner's dashboard forgets the blog at their next request
(``blog.dashboard.blogs.current_blog`` believes only blogs they own). The blog's history
records the move, with both addresses (``bearcms.move_blog``).
"""

from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from wagtail.admin import messages
from wagtail.log_actions import log
from wagtail.models import Page

from blog.dashboard.blogs import own_blogs
from blog.models import BlogPage, DraftLink
from blog.models.permissions import is_staff
from blog.tenants.site_cache import blog_key, forget


class MoveForm(forms.Form):
    email = forms.EmailField(label="Email address of the new owner's account")

    def __init__(self, *args, blog, **kwargs):
        super().__init__(*args, **kwargs)
        self.blog = blog

    def clean_email(self):
        address = (
            EmailAddress.objects.filter(email__iexact=self.cleaned_data["email"], verified=True)
            .select_related("user")
            .first()
        )
        if address is None or not address.user.is_active:
            raise forms.ValidationError("No active account has this address, confirmed.")
        user = address.user
        if user.pk == self.blog.owner_id:
            raise forms.ValidationError("This account owns the blog already.")
        if is_staff(user):
            raise forms.ValidationError("Staff accounts do not take bloggers' blogs.")
        if own_blogs(user).count() >= settings.MAX_BLOGS_PER_ACCOUNT:
            raise forms.ValidationError(
                f"That account has {settings.MAX_BLOGS_PER_ACCOUNT} blogs, the most it may have."
            )
        return user


@transaction.atomic
def move_blog(blog, new_owner, user):
    """Make ``new_owner`` the owner of ``blog`` in every sense; log it."""
    old_owner = blog.owner
    # The old owner's links to drafts would show what the new owner writes.
    DraftLink.objects.filter(post__blog=blog).delete()
    pages = Page.objects.descendant_of(blog, inclusive=True)
    pages.filter(Q(owner=old_owner) | Q(pk=blog.pk)).update(owner=new_owner)
    forget([blog_key(blog.pk)])  # the row its host keeps
    blog.owner = new_owner
    if blog.group is not None:
        if old_owner is not None:
            old_owner.groups.remove(blog.group)
        new_owner.groups.add(blog.group)
    log(
        instance=blog,
        action="bearcms.move_blog",
        user=user,
        data={"from": old_owner.email if old_owner else "", "to": new_owner.email},
        title=blog.title,
    )


def move(request, pk):
    """GET: who owns the blog, and the form naming its new owner. POST: move it."""
    blog = get_object_or_404(BlogPage.objects.select_related("owner", "group"), id=pk)
    form = MoveForm(request.POST or None, blog=blog)
    if form.is_bound and form.is_valid():
        new_owner = form.cleaned_data["email"]
        move_blog(blog, new_owner, request.user)
        messages.success(request, f"“{blog.title}” belongs to {new_owner.email} now.")
        return redirect(request.path)
    return TemplateResponse(request, "blog/admin/move_blog.html", {"blog": blog, "form": form})
