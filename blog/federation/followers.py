"""The dashboard's "Followers" page: who follows the blog the user is working on from
Mastodon and the fediverse, how to be followed, and removing a follower.

Removing one deletes the row and tells its server with a ``Reject`` of its Follow, which
Mastodon takes as "this account no longer follows". Every follower listed or removed here
is one of the current blog's: another blog's follower id answers 404, as a missing one
does. Removals are logged in the blog's history. Turning federation on or off is a
setting of the blog (Settings, "Followable from Mastodon").
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from blog.dashboard.blogs import current_blog
from blog.federation import documents
from blog.federation.inbox import answer
from blog.federation.posts import federates

REMOVED = "bearcms.follower_removed"
PER_PAGE = 100


class FollowersView(WagtailAdminTemplateMixin, TemplateView):
    page_title = "Followers"
    header_icon = "group"
    breadcrumbs_items = []  # a page of its own: its title as the header, not "Home"
    template_name = "blog/admin/followers.html"

    def dispatch(self, request, *args, **kwargs):
        self.blog = current_blog(request)
        if self.blog is None:
            raise Http404("You have no blog.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        paginator = Paginator(self.blog.followers.select_related("actor"), PER_PAGE)
        page = paginator.get_page(self.request.GET.get("p"))
        return super().get_context_data(
            blog=self.blog,
            handle=documents.handle(self.blog),
            federates=federates(self.blog),
            followers=page,
            elided_page_range=paginator.get_elided_page_range(page.number),
            count=paginator.count,
            settings_url=reverse("bearcms_blog_settings"),
            **kwargs,
        )


@require_POST
def remove(request, pk):
    blog = current_blog(request)
    if blog is None:
        raise Http404
    follower = get_object_or_404(blog.followers.select_related("actor"), pk=pk)
    follower.delete()
    answer(blog, "Reject", follower.follow_id, follower.actor)
    name = str(follower.actor)
    log(instance=blog, action=REMOVED, user=request.user, data={"name": name})
    messages.success(request, f"{name} no longer follows {blog.title}.")
    return redirect(reverse("bearcms_followers"))


followers_view = FollowersView.as_view()
