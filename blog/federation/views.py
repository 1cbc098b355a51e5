"""ActivityPub's addresses: on each blog's host its actor (``/ap/actor``, and its home
page to clients that ask for JSON), inbox, outbox, followers and notes; on the platform
host and every blog host WebFinger and NodeInfo; on the platform host the shared inbox.

A blog that does not federate (turned off, hidden by staff, behind a password) has none
of these: 404. A blocked blog answers 410 before any view runs
(``blog.tenants.hosts``).
"""

import json

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from wagtail import views as wagtail_views

from blog.core.fediverse import ACTIVITY_JSON, asks_for_activity_json
from blog.federation import documents
from blog.federation.inbox import Refused, receive
from blog.federation.posts import federates, generation, generations, is_shown, shown_posts
from blog.federation.remote import blog_key
from blog.models import BlogPage, PostPage

MAX_ACTIVITY = 256_000  # bytes: a Mastodon activity is a few kB
NODEINFO_SECONDS = 3600


def activity_json(document, status=200):
    response = JsonResponse(document, status=status, content_type=ACTIVITY_JSON)
    patch_vary_headers(response, ["Accept"])
    return response


def federating_blog(request):
    blog = getattr(request, "blog", None)
    if not federates(blog):
        raise Http404("This blog cannot be followed from the fediverse.")
    return blog


@require_GET
def actor(request):
    blog = federating_blog(request)
    return activity_json(documents.actor(blog, blog_key(blog).public_pem))


def home(request):
    """The blog's own address: its actor to an ActivityPub client, else the home page. The
    actor is never kept by a shared cache here (one that ignores ``Vary`` would hand it to
    browsers)."""
    if asks_for_activity_json(request.headers.get("Accept")) and request.method == "GET":
        response = actor(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
    response = wagtail_views.serve(request, "")
    patch_vary_headers(response, ["Accept"])
    return response


@require_GET
def followers(request):
    """How many follow the blog; who they are is the blogger's to know (Mastodon shows
    no list either when a user hides it)."""
    blog = federating_blog(request)
    return activity_json(
        documents.collection(documents.ap_url(blog, "followers"), blog.followers.count())
    )


OUTBOX_ITEMS = 20


@require_GET
def outbox(request):
    """The blog's latest posts as they are now, each as the Create of its current note."""
    blog = federating_blog(request)
    posts = shown_posts(blog, timezone.now())
    latest = list(posts.order_by("-published_date")[:OUTBOX_ITEMS])
    gens = generations(blog, [post.pk for post in latest])
    items = []
    for post in latest:
        gen = gens.get(post.pk, 0)
        create = documents.activity(
            blog, "Create", f"create-{gen}", documents.note(blog, post, gen)
        )
        create.pop("@context")
        items.append(create)
    url = documents.ap_url(blog, "outbox")
    return activity_json(documents.collection(url, posts.count(), items))


@require_GET
def note(request, post_id, gen=None):
    """A shown post's note, at the id of its current generation only (the first has no
    number: ``/ap/posts/12``, then ``/ap/posts/12/1``)."""
    blog = federating_blog(request)
    post = PostPage.objects.filter(pk=post_id, blog=blog).first()
    if gen == 0 or not is_shown(post, timezone.now()) or (gen or 0) != generation(blog, post_id):
        raise Http404("No such post.")
    document = documents.note(blog, post, gen or 0)
    return activity_json({"@context": documents.CONTEXT, **document})


@csrf_exempt  # signed by a server, not posted by a browser: no cookies are read
@require_POST
def inbox(request):
    """The blog's inbox on its host, or (on the platform host) the shared inbox. It takes
    an unfollow even while the blog cannot be followed (``blog.federation.inbox``)."""
    blog = getattr(request, "blog", None)
    if len(request.body) > MAX_ACTIVITY:
        return activity_error(413, "The activity is too large.")
    try:
        activity = json.loads(request.body)
    except (ValueError, RecursionError):  # nested past Python's limit: no activity either
        return activity_error(400, "The body is not JSON.")
    if not isinstance(activity, dict):
        return activity_error(400, "The body is not an activity.")
    try:
        receive(request, activity, request.body, blog)
    except Refused as refused:
        response = activity_error(refused.status, str(refused))
        if refused.status in (429, 503):
            response["Retry-After"] = "60"
        return response
    return HttpResponse(status=202)


def activity_error(status, message):
    return JsonResponse({"error": message}, status=status)


@require_GET
def webfinger(request):
    """``?resource=acct:name@domain`` (or the actor's address): the blog's actor. The
    platform host answers for every blog at ``BLOG_DOMAIN``, a blog's host for itself."""
    resource = request.GET.get("resource", "")
    blog = webfinger_blog(request, resource)
    if not federates(blog):
        return JsonResponse({"error": f"No account here is {resource[:100]!r}."}, status=404)
    response = JsonResponse(documents.webfinger(blog), content_type="application/jrd+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def webfinger_blog(request, resource):
    host_blog = getattr(request, "blog", None)
    if resource.startswith(("https://", "http://")):
        if host_blog is not None and resource in (
            documents.actor_url(host_blog),
            host_blog.root_url + "/",
        ):
            return host_blog
        return None
    name, _, domain = resource.removeprefix("acct:").lstrip("@").lower().rpartition("@")
    if host_blog is not None:
        hosts = {settings.BLOG_DOMAIN, request.get_host().split(":")[0].lower()}
        return host_blog if name == host_blog.subdomain and domain in hosts else None
    if domain != settings.BLOG_DOMAIN or not name:
        return None
    return BlogPage.objects.filter(subdomain=name, live=True).first()


@require_GET
def nodeinfo_links(request):
    base = request.build_absolute_uri("/").rstrip("/")
    return JsonResponse(documents.nodeinfo_links(base))


@require_GET
def nodeinfo(request):
    """What software this is and how many blogs and posts it has (counted once an hour)."""

    def counts():
        blogs = BlogPage.objects.live().filter(fediverse=True, blocked=False)
        posts = PostPage.objects.live().filter(is_page=False, blog__in=blogs)
        return blogs.count(), posts.count()

    blogs, posts = cache.get_or_set("bearcms:nodeinfo", counts, NODEINFO_SECONDS)
    document = documents.nodeinfo(blogs, posts)
    return JsonResponse(
        document, content_type=f'application/json; profile="{documents.NODEINFO_SCHEMA}#"'
    )
