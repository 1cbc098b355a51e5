"""The dashboard's subscriber listing: a blogger sees and removes their own subscribers.

A Wagtail ``ModelViewSet`` gives the listing, search, CSV/XLSX export (an address a
spreadsheet would run as a formula is neutralised,
``blog.wagtail_overrides.spreadsheets.install``) and the delete
confirmation. Subscribers come only through double opt-in, so nobody adds or edits one
here. Bloggers hold no Django model permissions; ``SubscriberPermissionPolicy`` grants
view and delete to anyone who owns a blog, and ``OwnSubscribersMixin`` narrows every
view that lists or looks up a subscriber to the user's own blog (staff see all), so
another blog's subscriber id answers 404 wherever it is put in a URL.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import DeleteView, EditView, IndexView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from blog.dashboard.blogs import own_blogs, owns_a_blog
from blog.models import BlogPage, Subscriber
from blog.models.permissions import STAFF, is_staff

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
        return subscriber_policy.instances_user_has_any_permission_for(self.request.user, ACTIONS)


class OwnObjectMixin(OwnSubscribersMixin):
    """Django's SingleObjectMixin (edit and delete views) finds the object here."""

    def get_queryset(self):
        return self.own_subscribers()


class OwnListingObjectMixin(OwnSubscribersMixin):
    """Wagtail's BaseObjectMixin (the history and usage listings) finds the object here;
    their ``get_queryset`` is the listing itself."""

    def get_base_object_queryset(self):
        return self.own_subscribers()


class SubscriberIndexView(OwnSubscribersMixin, IndexView):
    def get_base_queryset(self):
        return self.own_subscribers().select_related("blog")

    @property
    def list_display(self):
        columns = [
            "email",
            BooleanColumn("confirmed_at", label="Confirmed", sort_key="confirmed_at"),
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
