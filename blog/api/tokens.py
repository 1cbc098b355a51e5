"""The dashboard's "Apps and tokens" page: a blogger makes personal access tokens for the
blog they are working on, sees when each was last used, and revokes them.

A new token is shown once, on the page that answers the form (never in a redirect, a
message or the session), with how to use it. Every token listed or revoked here is one
of the current blog's: another blog's token id answers 404, as a missing one does.
Making and revoking tokens is logged in the blog's history.
"""

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from blog.dashboard.blogs import current_blog, for_blog, posted_for_another_blog, refuse_stale_form
from blog.models import AccessToken

MAX_TOKENS = 20  # per blog: more is a leak waiting to happen, not a workflow
CREATED, REVOKED = "bearcms.token_created", "bearcms.token_revoked"


class TokenForm(forms.ModelForm):
    class Meta:
        model = AccessToken
        fields = ["name", "scope"]
        widgets = {"scope": forms.RadioSelect}
        labels = {"name": "Name", "scope": "It may"}


class TokensView(WagtailAdminTemplateMixin, FormView):
    page_title = "Apps and tokens"
    header_icon = "key"
    template_name = "blog/admin/tokens.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        self.blog = current_blog(request)
        if self.blog is None:
            raise Http404("You have no blog to make tokens for.")
        if posted_for_another_blog(request, self.blog):
            return refuse_stale_form(request, self.blog)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        site_url = self.blog.get_site().root_url
        return super().get_context_data(
            blog=self.blog,
            tokens=self.blog.access_tokens.all(),
            site_url=site_url,
            max_tokens=MAX_TOKENS,
            action_url=for_blog(self.request.path, self.blog),
            submit_button_label="Make token",
            submit_button_active_label="Making…",
            **kwargs,
        )

    def form_valid(self, form):
        if self.blog.access_tokens.count() >= MAX_TOKENS:
            form.add_error(None, f"A blog has at most {MAX_TOKENS} tokens. Revoke one first.")
            return self.form_invalid(form)
        data = form.cleaned_data
        row, token = AccessToken.issue(self.blog, self.request.user, data["name"], data["scope"])
        log(instance=self.blog, action=CREATED, user=self.request.user, data={"name": row.name})
        context = self.get_context_data(form=self.form_class(), new_token=token, new_row=row)
        return self.render_to_response(context)


@require_POST
def revoke(request, pk):
    blog = current_blog(request)
    if blog is None:
        raise Http404
    token = get_object_or_404(blog.access_tokens, pk=pk)
    token.delete()
    log(instance=blog, action=REVOKED, user=request.user, data={"name": token.name})
    messages.success(request, f"“{token.name}” is revoked: it no longer works.")
    return redirect(reverse("bearcms_tokens"))


tokens_view = TokensView.as_view()
