"""Admin isolation: in the dashboard a blogger sees and changes only their own blog.

Wagtail's page and collection permissions already stop a blogger from *editing* another
blog, but stock Wagtail still *shows* other tenants in many places: explorer filters list
every Site and every page owner, the page chooser browses the whole tree, tag lists and
tag autocomplete span all tenants (taggit's ``Tag`` table is shared), reports and
bulk-action confirmations name pages the user cannot touch, and the admin API lists every
image. This module says what a blogger may see (``visible_pages``, ``visible_media``,
``visible_tags``) and holds the pieces that enforce it: ``blog.dashboard.wagtail_hooks`` plugs them
into Wagtail's hooks and viewsets, ``blog.dashboard.views`` into the few views that have no
hook, and ``blog.dashboard.urls`` wraps every admin URL with ``guard_admin_view``.

Staff (``is_staff`` or superusers) moderate every blog, so none of this narrows what they
see.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.forms import CheckboxSelectMultiple
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag, TaggedItem
from wagtail.admin.filters import MultipleUserFilter
from wagtail.admin.views.pages.listing import EditedByFilter, GenericPageFilterSet, SiteFilter
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import CollectionMember, Page, PageLogEntry, Site
from wagtail.permissions import policy_registry

from blog.core.ids import MAX_ID
from blog.dashboard.blogs import current_blog
from blog.dashboard.staff import is_staff_only
from blog.models import PostTag
from blog.models.permissions import is_staff

# Page views whose form names a destination page (``new_parent_page``), which Wagtail
# looks up before validating the form: a missing or unknown one was a 500.
DESTINATION_FORMS = frozenset({"wagtailadmin_pages:copy", "wagtailadmin_pages:move"})
# URL parameters that always hold a page id.
PAGE_ID_KWARGS = frozenset(
    {"page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk"}
)
MEDIA_ACTIONS = ["add", "change", "delete", "choose"]
# The page permissions that make a page explorable in Wagtail.
PAGE_ACTIONS = {"add", "change", "publish", "lock", "unlock", "bulk_delete"}


def visible_pages(user):
    """The pages a user may see in the admin: for a blogger, their blog and its posts.

    These are the subtrees the user holds a page permission on, and nothing above them.
    Wagtail's "explorable" pages add the ancestors of those subtrees, so for a blogger
    they include the tree root, and "every child of the root" is every blog on the
    platform: a bulk action with ``id=all&childOf=<root>`` listed other blogs' drafts
    by title. A blogger's tree starts at their blog, as the explorer already shows it.
    """
    if is_staff(user):
        return Page.objects.all()
    return policy_registry.get_by_type(Page).instances_user_has_any_permission_for(
        user, PAGE_ACTIONS
    )


def visible_media(user, model):
    """The images (or documents) in collections the user holds any permission on."""
    if is_staff(user):
        return model.objects.all()
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(
        user, MEDIA_ACTIONS
    )


def _tagged_media(user, model):
    return TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=visible_media(user, model).values("pk"),
    )


def visible_tags(user):
    """Tags on the user's own posts, images and documents."""
    if is_staff(user):
        return Tag.objects.all()
    on_posts = PostTag.objects.filter(content_object__in=visible_pages(user).values("pk"))
    on_images = _tagged_media(user, get_image_model())
    on_documents = _tagged_media(user, get_document_model())
    return Tag.objects.filter(
        Q(pk__in=on_posts.values("tag_id"))
        | Q(pk__in=on_images.values("tag_id"))
        | Q(pk__in=on_documents.values("tag_id"))
    )


def popular_tags(user, model, count=10):
    """Wagtail's ``popular_tags_for_model``, counted over the user's own images or documents."""
    return (
        Tag.objects.filter(taggit_taggeditem_items__in=_tagged_media(user, model))
        .annotate(item_count=Count("taggit_taggeditem_items"))
        .order_by("-item_count")[:count]
    )


# --- Explorer filters ------------------------------------------------------------------


def _page_owners(request):
    pages = visible_pages(request.user)
    return get_user_model().objects.filter(pk__in=pages.values("owner_id"))


def _page_editors(request):
    edits = PageLogEntry.objects.filter(
        action="wagtail.edit", page__in=visible_pages(request.user).values("pk")
    )
    return get_user_model().objects.filter(pk__in=edits.values("user_id"))


def _page_sites(request):
    return Site.objects.filter(root_page__in=visible_pages(request.user).values("pk"))


class TenantPageFilterSet(GenericPageFilterSet):
    """The page listing filters, offering only the Sites and people of the user's pages.

    Stock Wagtail renders every Site, every page owner and every editor into these
    choices: other tenants' names and hostnames, and at 100,000 blogs a 21 s, 26 MB
    explorer page. The choices are narrowed in the database, not after loading them.
    """

    owner = MultipleUserFilter(
        label=_("Owner"), queryset=_page_owners, widget=CheckboxSelectMultiple
    )
    edited_by = EditedByFilter(
        label=_("Edited by"), queryset=_page_editors, widget=CheckboxSelectMultiple
    )
    site = SiteFilter(label=_("Site"), queryset=_page_sites, widget=CheckboxSelectMultiple)


# --- The URL guard -----------------------------------------------------------------------


def guard_admin_view(view):
    """Wrap an admin view so that a blogger can neither open a staff-only area nor name
    another tenant's object in the URL.

    Stock views render other tenants' titles for ids the user has no permission on (the
    move confirmation, the page chooser's parent, bulk-action confirmations listing the
    pages "you don't have permission to" act on), and the reports have no permission
    beyond "may edit some page". Wagtail has no hook around its views, so
    ``blog.dashboard.urls`` wraps every admin URL with this.
    """

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if request.user.is_authenticated and not is_staff(request.user):
            if url := tree_root_redirect(request):
                return redirect(url)
            check_blogger_request(request)
        return view(request, *args, **kwargs)

    return guarded


def tree_root_redirect(request):
    """Where a blogger goes instead of a view that starts at the tree root, or None.

    Wagtail lands a blogger on the explorer of the blog root's parent after they publish
    their blog's settings, and the page chooser opened without a parent starts at the
    tree root. A blogger's tree starts at their blog (the one they are working on, when
    they have several): both open there instead.
    """
    match = request.resolver_match
    explorer = match.url_name == "wagtailadmin_explore"
    chooser = match.url_name in {"wagtailadmin_choose_page", "wagtailadmin_choose_page_child"}
    parent = match.kwargs.get("parent_page_id")
    if not (explorer or chooser):
        return None
    if parent is not None and int(parent) != Page.get_first_root_node().pk:
        return None
    # With several blogs the common root of the user's pages is the tree root: the blog
    # they are working on stands in for it.
    blog = current_blog(request) or policy_registry.get_by_type(Page).explorable_root_instance(
        request.user
    )
    if blog is None or blog.is_root():
        return None
    name = "wagtailadmin_explore" if explorer else "wagtailadmin_choose_page_child"
    query = request.META.get("QUERY_STRING", "")
    return reverse(name, args=[blog.pk]) + (f"?{query}" if query else "")


def check_blogger_request(request):
    """Raise PermissionDenied for staff-only areas and Http404 for others' objects."""
    match = request.resolver_match
    if is_staff_only(match):
        raise PermissionDenied
    if not query_ids_are_numbers(request):
        raise Http404
    for model, ids in referenced_objects(request):
        if not all_visible(request.user, model, ids):
            raise Http404


def query_ids_are_numbers(request):
    """Whether the ``id`` and ``childOf`` query parameters hold ids (or ``id=all``).

    Wagtail's choosers, the admin API's ``find`` and the media bulk actions pass them to
    the database unchecked, so a word there was a 500.
    """
    values = [*request.GET.getlist("id"), *request.GET.getlist("childOf")]
    return all(value == "all" or (value.isascii() and value.isdigit()) for value in values)


def referenced_objects(request):
    """Yield (model, ids) for every object the request names by id."""
    match = request.resolver_match
    page_ids = [value for name, value in match.kwargs.items() if name in PAGE_ID_KWARGS]
    if "wagtailadmin_pages" in match.namespaces and "pk" in match.kwargs:
        page_ids.append(match.kwargs["pk"])  # revisions compare
    if match.url_name == "wagtailadmin_choose_page_chosen_multiple":
        page_ids += request.GET.getlist("id")
    if match.view_name in DESTINATION_FORMS and request.method == "POST":
        page_ids.append(request.POST.get("new_parent_page", "none"))
    yield Page, page_ids
    if match.url_name == "wagtail_bulk_action":
        yield bulk_action_objects(request, match.kwargs)


def bulk_action_objects(request, kwargs):
    """The model and ids a bulk action would list on its confirmation page.

    ``id=all`` means every object in the listing: for pages the children of ``childOf``
    (all pages in the tree without it), for media a listing Wagtail already narrows to
    the user's collections.
    """
    try:
        model = ContentType.objects.get_by_natural_key(
            kwargs["app_label"], kwargs["model_name"]
        ).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    ids = request.GET.getlist("id")
    if "all" in ids:
        ids.remove("all")
        if model is None or issubclass(model, Page):
            ids.append(request.GET.get("childOf", "none"))
    return model, ids


def all_visible(user, model, ids):
    """Whether every id names an object of ``model`` the user may see."""
    try:
        wanted = {int(pk) for pk in ids}
    except ValueError:
        return False
    if not wanted:
        return True
    if not all(0 < pk <= MAX_ID for pk in wanted):  # SQLite raises on a longer one
        return False
    if model is not None and issubclass(model, Page):
        visible = visible_pages(user)
    elif model is not None and issubclass(model, CollectionMember):
        visible = visible_media(user, model)
    else:
        return False
    return visible.filter(pk__in=wanted).count() == len(wanted)
