"""Renaming a blog: a new ``<subdomain>.<BLOG_DOMAIN>`` address, from the Domain page.

The new subdomain is checked as a new blog's (``home.signup.check_new_subdomain``: the
same rules, reserved names, taken names and both quarantines), except that the blog may
take back one of its own former subdomains. ``blog.tenants.lifecycle.rename_blog`` then
moves the blog: its Site, page URLs, feeds, sitemap and discovery links use the new
address at once, and the old one answers a permanent redirect to it for
``SUBDOMAIN_QUARANTINE_DAYS``, then is free for anyone. Its pages are purged from the
page cache and the CDN, under both addresses.

A blog may rename itself at most ``MAX_FORMER_SUBDOMAINS`` times per quarantine (going
back to a former name is always allowed): each rename holds the old name back from
everyone for that long, and names are not for hoarding.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import escape
from wagtail.admin import messages

from blog.caching.cdn import purge_blog
from blog.caching.discovery_cache import forget_discovery
from blog.caching.page_cache import forget_blog_pages
from blog.dashboard.blogs import (
    current_blog,
    for_blog,
    posted_for_another_blog,
    refuse_stale_form,
)
from blog.models import BlogPage
from blog.tenants.lifecycle import redirects_since, rename_blog
from home.signup import blog_address, check_new_subdomain

MAX_FORMER_SUBDOMAINS = 3


class AddressForm(forms.Form):
    subdomain = forms.CharField(
        max_length=63,
        label="New address",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )

    def __init__(self, *args, blog, **kwargs):
        super().__init__(*args, **kwargs)
        self.blog = blog
        self.taking_back = False
        self.fields["subdomain"].help_text = escape(
            f"Your blog will move to {blog_address('<name>')}. Letters, digits and hyphens."
        )

    def clean_subdomain(self):
        value = self.cleaned_data["subdomain"]
        own_former = self.blog.former_subdomains.filter(subdomain=value.strip().lower())
        if own_former.exists():  # taking back its own: no quarantine, no limit
            self.taking_back = True
            return own_former.get().subdomain
        return check_new_subdomain(value, self.blog)

    def clean(self):
        recent = self.blog.former_subdomains.filter(left_at__gte=redirects_since())
        if not self.taking_back and recent.count() >= MAX_FORMER_SUBDOMAINS:
            raise ValidationError(
                f"Your blog has changed its address {MAX_FORMER_SUBDOMAINS} times in the last "
                f"{settings.SUBDOMAIN_QUARANTINE_DAYS} days; each old address is held for it "
                "that long. You can go back to one of them, or wait.",
                code="too_many",
            )
        return super().clean()


def blog_address_view(request):
    blog = current_blog(request)
    if blog is None:
        raise Http404("You have no blog.")
    if posted_for_another_blog(request, blog):
        return refuse_stale_form(request, blog)
    form = AddressForm(request.POST or None, blog=blog)
    if form.is_bound and form.is_valid():
        old_url = blog.full_url
        try:
            rename_blog(blog, form.cleaned_data["subdomain"])
        except (IntegrityError, ValidationError):  # taken by a sign-up a moment ago
            blog.refresh_from_db()
            form.add_error("subdomain", "That address was taken a moment ago. Choose another.")
        else:
            blog = BlogPage.objects.get(pk=blog.pk)  # its URLs, afresh
            forget_blog_pages(blog.pk)
            forget_discovery()  # its posts' links there
            purge_blog(blog)
            messages.success(
                request,
                f"Your blog is at {blog.full_url} now. {old_url} leads there for "
                f"{settings.SUBDOMAIN_QUARANTINE_DAYS} days.",
                buttons=[messages.button(blog.full_url, "View your blog", new_window=True)],
            )
            return redirect("bearcms_blog_domain")
    if form.is_bound:
        messages.error(
            request, "Your blog's address is unchanged: please correct the errors below."
        )
    return render(
        request,
        "home/admin/blog_address.html",
        {
            "blog": blog,
            "form": form,
            "action_url": for_blog(request.path, blog),
            "days": settings.SUBDOMAIN_QUARANTINE_DAYS,
            "former": blog.former_subdomains.filter(left_at__gte=redirects_since()),
        },
    )
