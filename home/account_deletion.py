"""A blogger deletes their blog, or their blog and their account, from the dashboard.

``/dashboard/account/delete/`` (linked from the Account page's actions) acts only on the
signed-in user's own blog: there is no id in the URL for anyone to change. The password
and the blog's subdomain, typed again, guard against a borrowed session and a slip.

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

from blog.dashboard.blogs import own_blog
from blog.models.permissions import is_staff
from blog.tenants.lifecycle import delete_blog

DELETE_BLOG = "blog"
DELETE_ACCOUNT = "account"


class DeletionForm(forms.Form):
    what = forms.ChoiceField(
        label="What to delete",
        widget=forms.RadioSelect,
        choices=[
            (DELETE_BLOG, "My blog only (I keep my account)"),
            (DELETE_ACCOUNT, "My blog and my account"),
        ],
    )
    subdomain = forms.CharField(label="Type your blog's subdomain to confirm", max_length=63)
    password = forms.CharField(label="Your password", widget=forms.PasswordInput)

    def __init__(self, *args, user, blog, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.blog = user, blog

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
    blog = own_blog(user)
    if blog is None:  # e.g. a member of someone else's blog group
        return render(request, "home/admin/account_deletion.html", {"blog": None})
    form = DeletionForm(request.POST or None, user=user, blog=blog)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            delete_own_blog(blog)
            if form.cleaned_data["what"] == DELETE_ACCOUNT:
                user.delete()
        if form.cleaned_data["what"] == DELETE_ACCOUNT:
            logout(request)
            messages.success(request, "Your account and everything in it are deleted.")
        else:
            messages.success(request, "Your blog and everything in it are deleted.")
        return redirect("/")
    return render(request, "home/admin/account_deletion.html", {"blog": blog, "form": form})
