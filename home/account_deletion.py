"""A blogger deletes their blog, or their blog and their account, from the dashboard.

``/dashboard/account/delete/`` (linked from the Account page's actions) acts only on the
signed-in user's own blogs: there is no id in the URL for anyone to change. "This blog"
is the blog they are working on (``blog.dashboard.blogs.current_blog``), and deleting it
leaves their other blogs as they are; deleting the account deletes every blog it owns.
The password and the blog's subdomain, typed again, guard against a borrowed session
and a slip.

Everything goes in one transaction: the pages with their revisions (and, here, their
audit log entries, which hold titles), the Site, group, collection and images, hits,
upvotes, subscribers and deliveries (``blog.tenants.lifecycle.delete_blog``); image files are
removed from storage once it commits. Nothing is kept for staff to restore. The
subdomain then rests in quarantine (``home.subdomain_quarantine``).

Staff are refused: their blogs are deleted through the page explorer, their accounts
through Users, where other staff see it done.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.shortcuts import redirect, render
from wagtail.models import Page, PageLogEntry

from blog.dashboard.blogs import current_blog, own_blogs
from blog.models.permissions import is_staff
from blog.tenants.lifecycle import delete_blog

DELETE_BLOG = "blog"
DELETE_ACCOUNT = "account"


class DeletionForm(forms.Form):
    what = forms.ChoiceField(label="What to delete", widget=forms.RadioSelect)
    subdomain = forms.CharField(label="Type your blog's subdomain to confirm", max_length=63)
    password = forms.CharField(label="Your password", widget=forms.PasswordInput)

    def __init__(self, *args, user, blog, blog_count, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.blog = user, blog
        everything = (
            "My blog and my account"
            if blog_count == 1
            else f"All {blog_count} of my blogs and my account"
        )
        self.fields["what"].choices = [
            (DELETE_BLOG, f"This blog only, {blog.subdomain} (I keep my account)"),
            (DELETE_ACCOUNT, everything),
        ]

    def clean_subdomain(self):
        typed = self.cleaned_data["subdomain"].strip().lower()
        if typed != self.blog.subdomain:
            raise forms.ValidationError(f"Type “{self.blog.subdomain}” to confirm.")
        return typed

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


def delete_own_blog(blog):
    """Delete the blog and the audit log of its pages, which would outlive it."""
    page_ids = list(Page.objects.descendant_of(blog, inclusive=True).values_list("id", flat=True))
    delete_blog(blog)
    PageLogEntry.objects.filter(page_id__in=page_ids).delete()


def account_deletion_view(request):
    user = request.user
    if is_staff(user):
        return render(request, "home/admin/account_deletion_staff.html")
    blog = current_blog(request)
    if blog is None:  # e.g. a member of someone else's blog group
        return render(request, "home/admin/account_deletion.html", {"blog": None})
    blogs = list(own_blogs(user))
    form = DeletionForm(request.POST or None, user=user, blog=blog, blog_count=len(blogs))
    if request.method == "POST" and form.is_valid():
        everything = form.cleaned_data["what"] == DELETE_ACCOUNT
        with transaction.atomic():
            for doomed in blogs if everything else [blog]:
                delete_own_blog(doomed)
            if everything:
                user.delete()
        if everything:
            logout(request)
            messages.success(request, "Your account and everything in it are deleted.")
            return redirect("/")
        messages.success(request, f"{blog.title} and everything in it are deleted.")
        # The dashboard goes on with another blog of theirs, if they have one.
        return redirect("wagtailadmin_home" if len(blogs) > 1 else "/")
    return render(
        request,
        "home/admin/account_deletion.html",
        {"blog": blog, "form": form, "other_blogs": len(blogs) - 1},
    )
