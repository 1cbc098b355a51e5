"""Admin isolation: in the dashboard a blogger sees and changes nothing of another blog.

The central test walks every URL pattern under ``dashboard/`` (and the account's
two-factor pages under ``accounts/2fa/``) as blogger A, with blogger B's object ids (and
A's own) filled in, with and without search and filter query strings, and fails if any
200 response shows one of B's markers: unique random strings used for B's subdomain (so
hostname, slug, group and collection names), blog and post titles, draft title, body,
names, email, tags, image and document titles and file names, the names of B's security
key and access token, and B's fediverse follower. The other tests check that A can still
work with their own blog, that staff menus are staff-only, and that neither B's posts nor
A's own blog root can be changed in ways a blogger must not.
"""

import contextlib
import itertools
import re
import secrets
from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Site, Workflow

from blog.models import (
    AccessToken,
    BlogPage,
    Follower,
    Hit,
    PostPage,
    RemoteActor,
    Subscriber,
)
from blog.models.pages import THEMES
from blog.tenants.lifecycle import create_blog
from tests.support.admin_menu import menu_item_names
from tests.support.clients import PASSWORD
from tests.support.security_keys import key_registration

ADMIN_PREFIX = "dashboard/"
# Every route the walker visits starts with one of these: the dashboard, and the account's
# pages that name objects of its own (security keys) by id.
CRAWLED_PREFIXES = (ADMIN_PREFIX, "accounts/2fa/")
STAFF_MENU_ITEMS = {
    "settings",
    "sites",
    "users",
    "groups",
    "reports",
    "blogs",
    "review",
    "moderation-terms",
    "upvotes",
    "empty-blogs",
    "platform-stats",
}
MARKER_NAMES = [
    "subdomain",
    "blog_title",
    "email",
    "first_name",
    "last_name",
    "post_title",
    "draft_title",
    "body",
    "post_tag",
    "image_title",
    "image_file",
    "image_tag",
    "document_title",
    "document_file",
    "document_tag",
    "subscriber_email",
    "referrer_host",
    "security_key_name",
    "token_name",
    "follower_handle",
]


def marker():
    """A lowercase token that appears nowhere else (so also a valid subdomain and slug)."""
    return "zq" + secrets.token_hex(6)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make_tenant(make_blogger, make_post, owner=None):
    """A blog with a live post and a newer draft of it, a tagged image and document, a
    lock, a workflow in progress and an editing session, all named by markers; a blog
    of its own account, or another blog of ``owner``'s.

    Titles also carry ``search_word``, which is no marker: the walker searches for it, so
    a page that merely echoes the search box is no leak while one listing a result is.
    """
    m = SimpleNamespace(**{name: marker() for name in MARKER_NAMES})
    word = marker()
    if owner is None:
        blog = make_blogger(
            subdomain=m.subdomain, title=f"{m.blog_title} {word}", email=f"{m.email}@example.com"
        )
        owner = blog.owner
        owner.first_name, owner.last_name = m.first_name, m.last_name
        owner.save()
    else:
        blog = create_blog(owner, m.subdomain, title=f"{m.blog_title} {word}")
    post = make_post(blog, title=f"{m.post_title} {word}", body=m.body, tags=[m.post_tag])
    post.title = m.draft_title
    draft = post.save_revision(user=owner)
    post.refresh_from_db()
    Page.objects.filter(pk=post.pk).update(locked=True, locked_by=owner, locked_at=timezone.now())
    workflow_state = Workflow.objects.get(name="Moderators approval").start(post, owner)
    image = get_image_model().objects.create(
        title=f"{m.image_title} {word}",
        file=get_test_image_file(filename=f"{m.image_file}.png"),
        collection=blog.collection,
        uploaded_by_user=owner,
    )
    image.tags.add(m.image_tag)
    document = get_document_model().objects.create(
        title=f"{m.document_title} {word}",
        file=ContentFile(b"hello", name=f"{m.document_file}.txt"),
        collection=blog.collection,
        uploaded_by_user=owner,
    )
    document.tags.add(m.document_tag)
    subscriber = Subscriber.objects.create(
        blog=blog, email=f"{m.subscriber_email}@example.org", confirmed_at=timezone.now()
    )
    hit = Hit.objects.create(
        post=post, blog=blog, day=timezone.now().date(), referrer_host=f"{m.referrer_host}.example"
    )
    security_key = Authenticator.objects.create(
        user=owner,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": m.security_key_name, "credential": key_registration()},
    )
    token, _secret = AccessToken.issue(blog, owner, m.token_name, AccessToken.WRITE)
    account = RemoteActor.objects.create(
        uri=f"https://{m.follower_handle}.example/users/a",
        key_id=f"https://{m.follower_handle}.example/users/a#key",
        public_pem="",
        inbox=f"https://{m.follower_handle}.example/users/a/inbox",
        handle=f"{m.follower_handle}@{m.follower_handle}.example",
        fetched_at=timezone.now(),
    )
    follower = Follower.objects.create(blog=blog, actor=account, follow_id=f"{account.uri}/f/1")
    session = EditingSession.objects.create(
        user=owner,
        content_type=ContentType.objects.get_for_model(Page),
        object_id=str(post.pk),
        last_seen_at=timezone.now(),
    )
    return SimpleNamespace(
        markers=m,
        search_word=word,
        blog=blog,
        owner=owner,
        post=post,
        draft=draft,
        image=image,
        document=document,
        site=Site.objects.get(root_page=blog),
        workflow_state=workflow_state,
        task_state=workflow_state.current_task_state,
        session=session,
        subscriber=subscriber,
        hit=hit,
        security_key=security_key,
        token=token,
        follower=follower,
    )


@pytest.fixture
def tenants(make_blogger, make_post):
    """Blogger A's tenant and blogger B's."""
    return make_tenant(make_blogger, make_post), make_tenant(make_blogger, make_post)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("staff", "staff@example.com", "x")


# --- The walker ------------------------------------------------------------------------

MODEL_PARAMS = [
    ("app_label", "model_name"),
    ("content_type_app_name", "content_type_model_name"),
    ("app_name", "model_name"),
]
MODELS = [
    ("blog", "postpage"),
    ("blog", "blogpage"),
    ("blog", "subscriber"),
    ("blog", "hit"),
    ("wagtailcore", "page"),
    ("wagtailimages", "image"),
    ("wagtaildocs", "document"),
    ("taggit", "tag"),
    ("auth", "user"),
    ("auth", "group"),
]
BULK_ACTIONS = [
    "delete",
    "move",
    "publish",
    "unpublish",
    "add_tags",
    "add_to_collection",
    "set_active_state",
    "assign_role",
]
# Parameters of listings (explorer, page type usage, choosers): the URLs worth searching.
LISTING_PARAMS = {"parent_page_id", *itertools.chain(*MODEL_PARAMS)}


def tree_root():
    """The page above every blog: "its children" means every blog on the platform."""
    return Page.get_first_root_node().pk


def parameter_values(b, a):
    """Candidate values for each URL parameter name: B's objects first, then A's own
    (whose pages must not list B in their filters either), then the tree root. Unknown
    names get B's blog."""
    pages = [b.blog.pk, b.post.pk, a.blog.pk, a.post.pk, tree_root()]
    others = [
        b.image.pk,
        b.document.pk,
        b.owner.pk,
        b.blog.group_id,
        b.blog.collection_id,
        b.subscriber.pk,
        b.hit.pk,
        b.security_key.pk,
        b.token.pk,
        b.follower.pk,
    ]
    return {
        "parent_page_id": pages,
        "page_id": pages,
        "page_to_move_id": pages,
        "page_pk": pages,
        "destination_id": pages,
        "object_id": [b.post.pk, a.post.pk],
        "pk": list(dict.fromkeys([*pages, *others, b.site.pk])),
        "revision_id": [b.draft.pk, a.draft.pk],
        "revision_id_a": ["earliest", b.draft.pk],
        "revision_id_b": ["latest", b.post.live_revision_id],
        "image_id": [b.image.pk, a.image.pk],
        "document_id": [b.document.pk],
        "doc_id": [b.document.pk],
        "collection_id": [b.blog.collection_id, a.blog.collection_id],
        "workflow_pk": [b.workflow_state.workflow_id],
        "workflow_state_id": [b.workflow_state.pk],
        "task_state_id": [b.task_state.pk],
        "task_id": [b.task_state.task_id],
        "session_id": [b.session.pk],
        "action": BULK_ACTIONS,
        "action_name": ["approve", "reject", "copy", "move"],
        "filter_spec": ["original", "fill-100x100"],
        "theme": [name for name, _label in THEMES],
    }


def query_strings(b):
    """Searches and filters aimed at B's objects, tried on listings that answer 200."""
    m, word, root = b.markers, b.search_word, tree_root()
    return [
        f"q={word}",
        f"q={m.draft_title}",
        f"id={root}",
        f"parent_page_id={root}",
        f"parent_page_id={root}&q={word}",
        f"q={m.email}",
        f"search={word}",
        f"site={b.site.pk}",
        f"owner={b.owner.pk}",
        f"edited_by={b.owner.pk}",
        f"user={b.owner.pk}",
        f"collection_id={b.blog.collection_id}",
        f"tag={m.image_tag}",
        f"tags={m.post_tag}",
        f"term={m.post_tag[:6]}",
        f"child_of={b.blog.pk}",
        f"descendant_of={b.blog.pk}",
        f"child_of={root}",
        f"descendant_of={root}&search={word}",
        f"id={b.blog.pk}&id={b.post.pk}",
        f"id={b.image.pk}",
        f"id={b.document.pk}",
        "id=not-a-number",
        f"blog={b.blog.pk}",
        f"post={b.post.pk}",
        f"days=365&blog={b.blog.pk}",
        f"format=csv&blog={b.blog.pk}",
        "export=csv",
    ]


def bulk_queries(b, a):
    """Object lists for bulk-action confirmation pages: B's objects by id, or "all" of a
    listing: B's blog, the tree root (whose children are every blog), A's own blog, each
    with and without a search for B's titles."""
    ids = [b.blog.pk, b.post.pk, b.image.pk, b.document.pk, b.owner.pk, b.subscriber.pk]
    word, root = b.search_word, tree_root()
    return [
        "&".join(f"id={pk}" for pk in ids),
        f"id={root}",
        "id=all",
        "id=all&childOf=not-a-number",
        f"id=all&childOf={b.blog.collection_id}",
        f"id=all&q={word}",
        f"id=all&q={b.markers.draft_title}",
        *(
            f"id=all&childOf={parent}{search}"
            for parent in (b.blog.pk, root, a.blog.pk)
            for search in ("", f"&q={word}", f"&q={b.markers.draft_title}")
        ),
    ]


def admin_patterns(resolver=None, namespace="", prefix="", outer=()):
    """Yield (route, reversible name, parameter names) for every pattern the walker visits
    (``CRAWLED_PREFIXES``), with the parameters its includes take (``outer``)."""
    resolver = resolver or get_resolver("bearcms.urls")
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        params = [*outer, *entry.pattern.regex.groupindex]
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from admin_patterns(entry, inner, route, params)
        elif isinstance(entry, URLPattern) and route.startswith(CRAWLED_PREFIXES):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield route, name, params


def model_pairs(params):
    """(app label, model name) values for patterns that take a model, and those params."""
    for app_param, model_param in MODEL_PARAMS:
        if app_param in params and model_param in params:
            pairs = [{app_param: app, model_param: model} for app, model in MODELS]
            return pairs, {app_param, model_param}
    return [{}], set()


def fill_route(route, kwargs):
    """The URL of an unnamed pattern: its route with the parameters substituted."""
    route = route.replace("^.*/$", "no-such-page/").replace("^", "").replace("$", "")
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)


def urls_for(route, name, params, values, fallback):
    """Every URL of one pattern with the candidate values filled in (one per combination)."""
    pairs, paired = model_pairs(params)
    rest = [p for p in params if p not in paired]
    urls = []
    for pair in pairs:
        for combo in itertools.product(*(values.get(p, [fallback]) for p in rest)):
            kwargs = {**pair, **dict(zip(rest, combo, strict=True))}
            if name is None:
                urls.append(fill_route(route, kwargs))
                continue
            with contextlib.suppress(NoReverseMatch):  # a value the converter rejects
                urls.append(reverse(name, urlconf="bearcms.urls", kwargs=kwargs))
    return urls


def leaked_markers(url, response, markers):
    """B's markers in a 200 response, except those the URL itself carries (echoed filters)."""
    if response.status_code != 200:
        return []
    if getattr(response, "streaming", False):  # CSV exports, served files
        body = b"".join(response.streaming_content).decode(errors="replace")
    else:
        body = response.content.decode(errors="replace")
    return [name for name, value in vars(markers).items() if value in body and value not in url]


def walk_admin(client, b, a, markers=None, skip=()):
    """GET every admin URL (but those under the ``skip`` prefixes) with B's (and A's) ids,
    plus searches and filters, looking for B's ``markers`` (all of them unless named).

    Returns the URLs visited, the leaks found ({url: {query: [marker names]}}) and the
    URLs that answered a server error: input a blogger controls must never cause one.
    """
    values = parameter_values(b, a)
    markers = markers or b.markers
    visited, leaks, errors = [], {}, []
    for route, name, params in admin_patterns():
        if route.startswith(f"{ADMIN_PREFIX}logout"):
            continue  # would end A's session
        if route.startswith(skip):
            continue
        is_bulk = "action" in params
        if is_bulk:
            queries = bulk_queries(b, a)
        elif LISTING_PARAMS.issuperset(params):
            queries = query_strings(b)
        else:
            queries = []
        for url in urls_for(route, name, params, values, b.blog.pk):
            response = client.get(url)
            visited.append(url)
            if response.status_code >= 500:
                errors.append(url)
            if response.status_code != 200 and not is_bulk:
                continue  # bulk actions answer 404 until they are given ids
            for query in ["", *queries]:
                full_url = f"{url}?{query}" if query else url
                if query:
                    response = client.get(full_url)
                    visited.append(full_url)
                    if response.status_code >= 500:
                        errors.append(full_url)
                if found := leaked_markers(full_url, response, markers):
                    leaks.setdefault(url, {})[query] = found
    return visited, leaks, errors


def reauthenticate(client):
    """Confirm the password again, as the two-factor pages ask before they open."""
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302


def test_blogger_sees_nothing_of_another_blog_and_causes_no_error_at_any_admin_url(tenants, login):
    a, b = tenants
    client = login(a.owner)
    client.raise_request_exception = False  # a 500 shows nothing; keep walking
    reauthenticate(client)
    visited, leaks, errors = walk_admin(client, b, a)
    assert len(visited) > 1000, "the walker should reach every admin URL pattern"
    assert f"/accounts/2fa/webauthn/keys/{b.security_key.pk}/edit/" in visited
    assert not leaks, "Blog B leaks to blogger A at:\n" + "\n".join(
        f"{url} {sorted(set().union(*found.values()))} (queries: {sorted(found)})"
        for url, found in leaks.items()
    )
    assert not errors, "Server errors a blogger can cause:\n" + "\n".join(errors)


# What one blog of an account must never show while its owner works on another.
PER_BLOG_MARKERS = ("subscriber_email", "referrer_host", "token_name", "follower_handle")


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="runs in the SQLite pass: which blog a page is about is the same on both",
)
def test_a_bloggers_other_blog_shows_no_readers_or_subscribers_at_any_admin_url(
    make_blogger, make_post, login
):
    """The walk again, by a blogger with two blogs working on the first, with the second
    blog's ids: its posts and images are theirs too (the page and media views are left
    out), but its subscribers, the readers its analytics count, its access tokens and its
    followers never
    appear on the first blog's pages."""
    first = make_tenant(make_blogger, make_post)
    second = make_tenant(make_blogger, make_post, owner=first.owner)
    client = login(first.owner)
    client.raise_request_exception = False
    client.post("/dashboard/your-blogs/", {"switch": first.blog.pk})
    per_blog = SimpleNamespace(**{name: getattr(second.markers, name) for name in PER_BLOG_MARKERS})
    # The page and media views are the account's, whichever blog it works on.
    shared = tuple(f"{ADMIN_PREFIX}{area}/" for area in ("pages", "images", "documents", "bulk"))
    visited, leaks, errors = walk_admin(client, second, first, per_blog, shared)
    assert len(visited) > 300, "the walker should reach every admin URL pattern"
    assert not leaks, "The second blog's readers show on the first blog's pages at:\n" + (
        "\n".join(f"{url} {sorted(found)}" for url, found in leaks.items())
    )
    assert not errors, "Server errors a blogger can cause:\n" + "\n".join(errors)


# Form data a blogger's browser would never send: no fields, or wrong ones.
MALFORMED_POSTS = [
    {},
    {
        "id": "all",
        "title": "x" * 5000,
        "slug": "../x",
        "new_parent_page": "not-a-number",
        "url": "",
        "next": "//evil.example/",
    },
]


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="runs in the SQLite pass: how Wagtail's views read a form is the same on both",
)
def test_blogger_causes_no_error_posting_malformed_forms_at_any_admin_url(tenants, login):
    """POST empty and malformed forms to every admin URL with A's own ids (whose views
    let A in, so the form is read). Deleting is left out: it would take A's objects away
    from the URLs after it."""
    a, b = tenants
    client = login(a.owner)
    client.raise_request_exception = False
    own = [a.blog.pk, a.post.pk, a.image.pk, a.document.pk, a.draft.pk, a.blog.collection_id]
    values = {
        name: [value for value in candidates if value in own] or candidates
        for name, candidates in parameter_values(b, a).items()
    }
    posted, errors = 0, []
    for route, name, params in admin_patterns():
        if "logout" in route or "delete" in route:
            continue
        for url in urls_for(route, name, params, values, a.blog.pk):
            for data in MALFORMED_POSTS:
                posted += 1
                if client.post(url, data).status_code >= 500:
                    errors.append(f"{url} {sorted(data)}")
    assert posted > 1000, "the walker should reach every admin URL pattern"
    assert not errors, "Server errors a blogger can cause:\n" + "\n".join(errors)


# --- A blogger still works with their own blog ---------------------------------------


def test_blogger_sees_own_security_key_and_may_rename_it(tenants, login):
    a, b = tenants
    client = login(a.owner)
    reauthenticate(client)
    assert a.markers.security_key_name in client.get("/accounts/2fa/webauthn/").text
    edit = f"/accounts/2fa/webauthn/keys/{a.security_key.pk}/edit/"
    assert client.get(edit).status_code == 200
    assert client.get(f"/accounts/2fa/webauthn/keys/{b.security_key.pk}/edit/").status_code == 404


def test_blogger_sees_own_post_in_explorer(tenants, login):
    a, _ = tenants
    response = login(a.owner).get(reverse("wagtailadmin_explore", args=[a.blog.pk]))
    assert response.status_code == 200
    assert a.markers.post_title in response.content.decode()


def test_explorer_filters_offer_own_site_and_owner(tenants, login):
    a, _ = tenants
    response = login(a.owner).get(reverse("wagtailadmin_explore", args=[a.blog.pk]))
    filters = response.context["filters"].form
    assert [site.pk for site in filters.fields["site"].queryset] == [a.site.pk]
    assert [user.pk for user in filters.fields["owner"].queryset] == [a.owner.pk]


def test_blogger_sees_own_image_in_image_listing(tenants, login):
    a, _ = tenants
    body = login(a.owner).get(reverse("wagtailimages:index")).content.decode()
    assert a.markers.image_title in body
    assert a.markers.image_tag in body  # among the tag filters


def test_blogger_sees_own_image_in_image_chooser(tenants, login):
    a, _ = tenants
    body = login(a.owner).get(reverse("wagtailimages_chooser:choose")).content.decode()
    assert a.markers.image_title in body
    assert a.markers.image_tag in body  # among the popular tags


def test_blogger_sees_own_image_in_admin_api(tenants, login):
    a, b = tenants
    response = login(a.owner).get("/dashboard/api/main/images/")
    assert [item["id"] for item in response.json()["items"]] == [a.image.pk]


def test_tag_autocomplete_offers_own_tags_only(tenants, login):
    a, _ = tenants
    url = reverse("wagtailadmin_tag_model_autocomplete", args=["taggit", "tag"])
    response = login(a.owner).get(url, {"term": "zq"})
    own = [a.markers.post_tag, a.markers.image_tag, a.markers.document_tag]
    assert sorted(response.json()) == sorted(own)


def test_page_chooser_browses_own_blog_only(tenants, login):
    a, b = tenants
    response = login(a.owner).get(reverse("wagtailadmin_choose_page"), follow=True)
    body = response.content.decode()
    assert a.markers.blog_title in body
    assert b.markers.blog_title not in body


def test_blogger_can_delete_own_post(tenants, login):
    a, _ = tenants
    response = login(a.owner).post(reverse("wagtailadmin_pages:delete", args=[a.post.pk]))
    assert response.status_code == 302
    assert not PostPage.objects.filter(pk=a.post.pk).exists()


# --- A blogger's tree starts at their blog ----------------------------------------------


@pytest.mark.parametrize("action", ["delete", "move", "publish", "unpublish"])
def test_bulk_action_over_the_tree_root_lists_no_blog(tenants, login, action):
    """The children of the tree root are every blog on the platform, drafts included."""
    a, b = tenants
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    client = login(a.owner)
    for query in (f"id=all&childOf={tree_root()}", f"id=all&childOf={tree_root()}&q=zq"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 404
        assert b.markers.draft_title not in response.content.decode()


def test_bulk_action_over_own_blog_lists_own_posts(tenants, login):
    a, b = tenants
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "unpublish"])
    response = login(a.owner).get(url, {"id": "all", "childOf": a.blog.pk, "q": a.search_word})
    body = response.content.decode()
    assert response.status_code == 200
    assert a.markers.draft_title in body
    assert b.markers.draft_title not in body


@pytest.mark.parametrize("parent", [(), ("root",)])
def test_page_chooser_opens_at_the_bloggers_blog_not_the_tree_root(tenants, login, parent):
    a, b = tenants
    url = (
        reverse("wagtailadmin_choose_page_child", args=[tree_root()])
        if parent
        else reverse("wagtailadmin_choose_page")
    )
    response = login(a.owner).get(url, {"page_type": "blog.postpage"})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("wagtailadmin_choose_page_child", args=[a.blog.pk]) + "?page_type=blog.postpage"
    )


def test_page_chooser_refuses_the_tree_root_as_a_choice_without_an_error(tenants, login):
    a, _ = tenants
    chosen = login(a.owner).get(
        reverse("wagtailadmin_choose_page_chosen_multiple"), {"id": tree_root()}
    )
    assert chosen.status_code == 404


def test_the_explorer_at_the_tree_root_takes_a_blogger_to_their_blog(tenants, login):
    """Wagtail opens the blog root's parent after the blog's settings are published."""
    a, b = tenants
    response = login(a.owner).get(reverse("wagtailadmin_explore", args=[tree_root()]), follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert a.markers.post_title in body
    assert b.markers.blog_title not in body


def test_blogger_cannot_trigger_the_error_test_page(tenants, login):
    a, _ = tenants
    assert login(a.owner).get(reverse("wagtailadmin_error_test")).status_code == 403


# --- Staff-only menus ------------------------------------------------------------------


def test_blogger_menu_has_no_staff_items(tenants):
    a, _ = tenants
    names = menu_item_names(a.owner)
    assert "posts" in names and "images" in names
    assert not names & STAFF_MENU_ITEMS


def test_superuser_menu_has_staff_items(superuser):
    assert menu_item_names(superuser) >= STAFF_MENU_ITEMS


def test_blogger_cannot_open_reports(tenants, login):
    a, _ = tenants
    response = login(a.owner).get(reverse("wagtailadmin_reports:site_history"))
    assert response.status_code == 403


# --- Another blog's post cannot be changed ---------------------------------------------


def b_post_requests(b):
    """POSTs that would edit, publish, unpublish, delete or move B's post."""
    post = b.post.pk
    return {
        "edit": (reverse("wagtailadmin_pages:edit", args=[post]), {"title": "Taken over"}),
        "publish": (
            reverse("wagtailadmin_pages:edit", args=[post]),
            {"title": "Taken over", "action-publish": "1"},
        ),
        "unpublish": (reverse("wagtailadmin_pages:unpublish", args=[post]), {}),
        "delete": (reverse("wagtailadmin_pages:delete", args=[post]), {}),
        "bulk delete": (
            reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"]) + f"?id={post}",
            {},
        ),
        "api delete": (f"/dashboard/api/main/pages/{post}/action/delete/", {}),
        "api publish": (f"/dashboard/api/main/pages/{post}/action/publish/", {}),
    }


@pytest.mark.parametrize(
    "action", ["edit", "publish", "unpublish", "delete", "bulk delete", "api delete", "api publish"]
)
def test_blogger_cannot_change_another_blogs_post(tenants, login, action):
    a, b = tenants
    before = PostPage.objects.get(pk=b.post.pk)
    url, data = b_post_requests(b)[action]
    response = login(a.owner).post(url, data)
    assert response.status_code in (403, 404)
    after = PostPage.objects.get(pk=b.post.pk)
    assert (after.title, after.live, after.path, after.latest_revision_id) == (
        before.title,
        before.live,
        before.path,
        before.latest_revision_id,
    )


def test_blogger_cannot_move_own_post_into_another_blog(tenants, login):
    a, b = tenants
    url = reverse("wagtailadmin_pages:move_confirm", args=[a.post.pk, b.blog.pk])
    response = login(a.owner).post(url)
    assert response.status_code == 404
    assert PostPage.objects.get(pk=a.post.pk).get_parent().pk == a.blog.pk


# --- A blogger's own blog root stays put -----------------------------------------------


def assert_refused(response):
    """Wagtail answers a refused page action with a redirect to the dashboard home."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


ROOT_ACTIONS = ["delete", "unpublish", "move", "copy"]


@pytest.mark.parametrize("action", ROOT_ACTIONS)
def test_blogger_cannot_delete_unpublish_move_or_copy_own_blog(tenants, login, action):
    a, _ = tenants
    client = login(a.owner)
    url = reverse(f"wagtailadmin_pages:{action}", args=[a.blog.pk])
    assert_refused(client.get(url))
    form = {"new_title": "x", "new_slug": "x", "new_parent_page": a.blog.pk}
    assert_refused(client.post(url, form))
    blog = BlogPage.objects.get(pk=a.blog.pk)
    assert blog.live and blog.get_parent().is_root()
    assert BlogPage.objects.count() == 2


def test_move_confirmation_is_refused_for_a_move_the_user_may_not_make(tenants, login):
    a, _ = tenants
    url = reverse("wagtailadmin_pages:move_confirm", args=[a.blog.pk, a.post.pk])
    assert_refused(login(a.owner).get(url))


@pytest.mark.parametrize("action", ["delete", "unpublish"])
def test_blogger_cannot_bulk_delete_or_unpublish_own_blog(tenants, login, action):
    a, _ = tenants
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    login(a.owner).post(f"{url}?id={a.blog.pk}")
    assert BlogPage.objects.get(pk=a.blog.pk).live


@pytest.mark.parametrize("action", ["delete", "unpublish"])
def test_blogger_cannot_delete_or_unpublish_own_blog_through_admin_api(tenants, login, action):
    a, _ = tenants
    response = login(a.owner).post(f"/dashboard/api/main/pages/{a.blog.pk}/action/{action}/")
    assert response.status_code == 403
    assert BlogPage.objects.get(pk=a.blog.pk).live


def test_blog_root_shows_blogger_no_delete_move_copy_or_unpublish_buttons(tenants, login):
    a, _ = tenants
    body = login(a.owner).get(reverse("wagtailadmin_explore", args=[a.blog.pk])).content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[a.blog.pk]) in body
    for action in ROOT_ACTIONS:
        assert reverse(f"wagtailadmin_pages:{action}", args=[a.blog.pk]) not in body


@pytest.mark.parametrize("action", ["delete", "unpublish"])
def test_staff_may_still_delete_or_unpublish_a_blog(tenants, login, superuser, action):
    a, _ = tenants
    url = reverse(f"wagtailadmin_pages:{action}", args=[a.blog.pk])
    assert login(superuser).get(url).status_code == 200


@pytest.mark.parametrize("action", ["move", "copy"])
def test_nobody_moves_or_copies_a_blog_root_not_even_staff(tenants, login, superuser, action):
    a, _ = tenants
    url = reverse(f"wagtailadmin_pages:{action}", args=[a.blog.pk])
    assert login(superuser).get(url).status_code in (302, 403)
    assert Page.objects.get(pk=a.blog.pk).path == a.blog.path


def test_nobody_reorders_blog_roots_not_even_staff(tenants, login, superuser):
    a, b = tenants
    url = reverse("wagtailadmin_pages:set_page_position", args=[b.blog.pk]) + "?position=0"
    response = login(superuser).post(url)
    assert response.status_code in (302, 403)  # Wagtail turns the refusal into a redirect
    assert Page.objects.get(pk=b.blog.pk).path == b.blog.path


@pytest.mark.parametrize("page_id", ["0", "99999999999", "99999999999999999999"])
def test_an_id_past_the_databases_integers_is_not_found(tenants, login, page_id):
    a, _ = tenants
    client = login(a.owner)
    client.raise_request_exception = False
    for url in (f"/dashboard/pages/{page_id}/edit/", f"/dashboard/pages/{page_id}/share/"):
        assert client.get(url).status_code == 404, url
