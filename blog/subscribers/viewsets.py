"""The dashboard's subscriber section: a blogger sees, exports, adds and removes their
own subscribers.

A Wagtail ``ModelViewSet`` gives the listing, search, export and the delete
confirmation. Its export has Wagtail's CSV and XLSX (every subscriber, with when they
confirmed: empty for those still waiting; an address a spreadsheet would run as a
formula is neutralised, ``blog.wagtail_overrides.spreadsheets.install``) and a plain-text
format added here: the confirmed addresses, one a line, as Bear Blog exports them and as
other newsletter services import them.

Nobody edits a subscriber, or adds one through the model's own form: consent comes only
through double opt-in. "Add subscribers" (``AddSubscribersView``) asks each address of a
list to confirm (``blog.subscribers.email_list``), for the user's own blog only.

Bloggers hold no Django model permissions; ``SubscriberPermissionPolicy`` grants
view and delete to anyone who owns a blog, and ``OwnSubscribersMixin`` narrows every
view that lists or looks up a subscriber to the blog the user is working on (staff see
all), so another blog's subscriber id answers 404 wherever it is put in a URL.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import FormView
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import DeleteView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from blog.dashboard.blogs import (
    current_blog,
    for_blog,
    own_blogs,
    owns_a_blog,
    posted_for_another_blog,
    refuse_stale_form,
)
from blog.models import BlogPage, Subscriber
from blog.models.permissions import STAFF, is_staff
from blog.subscribers.email_list import (
    MAX_ADDRESSES,
    OverDailyLimit,
    add_to_list,
    daily_limit,
    left_today,
)
from blog.subscribers.forms import AddSubscribersForm

ACTIONS = frozenset({"view", "delete"})


class SubscriberPermissionPolicy(BasePermissionPolicy):
    """View and delete for blog owners (their own subscribers) and staff (everyone's)."""

    def user_has_permission(self, user, action):
        return (
            action in ACTIONS
            and user.is_active
            and user.is_authenticated
            and (is_staff(user) or owns_a_blog(user))
        )

    def users_with_any_permission(self, actions):
        if not ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        owners = BlogPage.objects.values("owner")
        return get_user_model().objects.filter(STAFF | Q(pk__in=owners), is_active=True)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Subscriber.objects.none()
        if is_staff(user):
            return Subscriber.objects.all()
        return Subscriber.objects.filter(blog__in=own_blogs(user))

    def user_has_permission_for_instance(self, user, action, instance):
        own = self.instances_user_has_any_permission_for(user, [action])
        return own.filter(pk=instance.pk).exists()

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        owner = BlogPage.objects.filter(pk=instance.blog_id).values("owner")
        return users.filter(STAFF | Q(pk__in=owner))


subscriber_policy = SubscriberPermissionPolicy(Subscriber)
register_permission_policy(Subscriber, subscriber_policy)


class OwnSubscribersMixin:
    def own_subscribers(self):
        """The subscribers of the blog the user is working on (staff: everyone's): a
        blogger with several blogs never meets another blog's here, even by its id."""
        subscribers = subscriber_policy.instances_user_has_any_permission_for(
            self.request.user, ACTIONS
        )
        if is_staff(self.request.user):
            return subscribers
        return subscribers.filter(blog=current_blog(self.request))


class OwnObjectMixin(OwnSubscribersMixin):
    """Django's SingleObjectMixin (edit and delete views) finds the object here."""

    def get_queryset(self):
        return self.own_subscribers()


class OwnListingObjectMixin(OwnSubscribersMixin):
    """Wagtail's BaseObjectMixin (the history and usage listings) finds the object here;
    their ``get_queryset`` is the listing itself."""

    def get_base_object_queryset(self):
        return self.own_subscribers()


class ConfirmationColumn(Column):
    """Whether the person has confirmed, in words: Wagtail's boolean column shows a "?"
    for the addresses still waiting, which now include every one a list asked."""

    def get_value(self, instance):
        return "Confirmed" if instance.confirmed_at else "Waiting to confirm"


class SubscriberIndexView(OwnSubscribersMixin, IndexView):
    """The listing of the user's own subscribers (staff: everyone's), with a way to add
    a list, and plain text added to Wagtail's own export formats."""

    FORMAT_TXT = "txt"
    FORMATS = (*IndexView.FORMATS, FORMAT_TXT)
    import_url_name = None

    def get_base_queryset(self):
        return self.own_subscribers().select_related("blog")

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if owns_a_blog(self.request.user):  # staff without a blog of their own add nobody
            url = reverse(self.import_url_name)
            buttons.append(HeaderButton("Add subscribers", url=url, icon_name="plus"))
        return buttons

    @cached_property
    def no_results_message(self):
        if self.is_searching or not owns_a_blog(self.request.user):
            return super().no_results_message
        return (
            "Nobody has subscribed yet. Readers subscribe with the form that "
            "{{ email_signup }} puts on your blog; people you know can be asked with "
            "“Add subscribers”."
        )

    @cached_property
    def header_more_buttons(self):
        url = self.get_export_url(self.FORMAT_TXT)
        label = "Download confirmed addresses (text)"
        return [*super().header_more_buttons, Button(label, url=url, icon_name="download")]

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if spreadsheet_format == self.FORMAT_TXT:
            return self.write_txt_response(queryset)
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def write_txt_response(self, queryset):
        """The confirmed addresses of the listing (its search too), one a line: those
        still waiting have not agreed to get anything, so a list to send to leaves them
        out (the CSV and XLSX show them, with no confirmation date)."""
        addresses = queryset.filter(confirmed_at__isnull=False).values_list("email", flat=True)
        lines = (f"{address}\n" for address in addresses.iterator())
        response = StreamingHttpResponse(lines, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.txt"'
        return response

    @property
    def list_display(self):
        columns = [
            "email",
            ConfirmationColumn("confirmed_at", label="Status", sort_key="confirmed_at"),
            DateColumn("created_at", label="Subscribed on", sort_key="created_at"),
        ]
        if is_staff(self.request.user):
            columns.append(Column("blog", label="Blog", accessor="blog.title"))
        return columns


class SubscriberDeleteView(OwnObjectMixin, DeleteView):
    pass


class SubscriberEditView(OwnObjectMixin, EditView):
    pass


class SubscriberHistoryView(OwnListingObjectMixin, HistoryView):
    pass


class SubscriberUsageView(OwnListingObjectMixin, UsageView):
    pass


class AddSubscribersView(WagtailAdminTemplateMixin, FormView):
    """``subscribers/import/``: a list of addresses, typed, pasted or in a file, each asked
    to confirm (``blog.subscribers.email_list``). The page then says how many were asked
    and why the others were not, and gives back the entries that are not addresses, to
    put right. It answers the POST itself: sending the list again asks nobody twice.

    The list goes to the blog the user is working on, read once in ``dispatch`` whatever
    the request says (a list sent from a tab left open on another of their blogs is
    refused). A user who owns no blog gets 404, staff without a blog of their own too:
    they see every blog's subscribers, but a list is the blogger's to send. A blocked
    blog's page says it cannot ask anyone, and its POST is refused.
    """

    page_title = "Add subscribers"
    header_icon = "mail"
    template_name = "blog/admin/subscribers_import.html"
    form_class = AddSubscribersForm
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        self.blog = current_blog(request)
        if self.blog is None:
            raise Http404("You have no blog to add subscribers to.")
        if self.blog.blocked and request.method == "POST":
            raise PermissionDenied("A blocked blog cannot ask anyone to subscribe.")
        if posted_for_another_blog(request, self.blog):
            return refuse_stale_form(request, self.blog)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Subscribers"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            blog=self.blog,
            daily_limit=daily_limit(self.blog),
            left_today=left_today(self.blog, self.request.user),
            max_addresses=MAX_ADDRESSES,
            action_url=for_blog(self.request.path, self.blog),
            submit_button_label="Ask them to confirm",
            submit_button_active_label="Asking…",
            **kwargs,
        )

    def form_valid(self, form):
        try:
            result = add_to_list(self.blog, self.request.user, form.addresses, form.invalid)
        except OverDailyLimit as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        retry = self.form_class(initial={"addresses": "\n".join(result.invalid)})
        return self.render_to_response(self.get_context_data(form=retry, result=result))


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    icon = "mail"
    menu_label = "Subscribers"
    add_to_admin_menu = True
    menu_order = 300
    copy_view_enabled = False
    index_view_class = SubscriberIndexView
    delete_view_class = SubscriberDeleteView
    edit_view_class = SubscriberEditView
    history_view_class = SubscriberHistoryView
    usage_view_class = SubscriberUsageView
    form_fields = ["email"]  # required by the viewset; the policy allows no add or edit
    search_fields = ["email"]
    list_export = ["email", "confirmed_at", "created_at"]
    export_headings = {
        "email": "Email",
        "confirmed_at": "Confirmed at",
        "created_at": "Subscribed at",
    }
    export_filename = "subscribers"

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(import_url_name=self.get_url_name("import"), **kwargs)

    @property
    def import_view(self):
        return self.construct_view(AddSubscribersView)

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("import/", self.import_view, name="import")]
