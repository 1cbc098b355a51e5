"""The JSON API for posts, on each blog's own host (docs/api.md, docs/openapi.yaml):

    GET    /api/posts/               the blog's posts and pages, newest first (?page=2)
    POST   /api/posts/               a new post, published unless "draft": true
    GET    /api/posts/<id>/          one post, as its latest revision has it
    PATCH  /api/posts/<id>/          change it (published at once if it is live)
    DELETE /api/posts/<id>/          delete it
    POST   /api/posts/<id>/publish/  publish its latest revision
    POST   /api/posts/<id>/unpublish/

Another blog's post id answers 404, as a missing one does. Each address works without
its last slash too, and every error is JSON, a method the address does not take (405)
included.
"""

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponse, JsonResponse

from blog.api.answers import (
    BadInput,
    allowed_methods,
    api_error,
    bad_input,
    blog_url,
    json_object,
)
from blog.api.auth import token_required
from blog.api.post_writes import (
    create_post,
    delete_post,
    own_post,
    post_fields,
    publish_post,
    unpublish_post,
    update_post,
)
from blog.core.ids import is_id
from blog.dashboard.writing import post_status
from blog.models import PostPage

PAGE_SIZE = 50


def post_json(post, full=False):
    """A post as the API shows it: the latest revision's content (what the editor shows),
    and whether and where it is live."""
    latest = post.get_latest_revision_as_object() if full else post
    data = {
        "id": post.pk,
        # A listing reads the rows: a draft's latest title is its draft_title there.
        "title": latest.title if full else post.draft_title,
        "slug": latest.slug,
        "url": post.full_url if post.live else None,
        "status": post_status(post),
        "live": post.live,
        "has_unpublished_changes": post.has_unpublished_changes,
        "is_page": latest.is_page,
        "published_date": latest.published_date.isoformat() if latest.published_date else None,
        "updated_at": post.latest_revision_created_at.isoformat()
        if post.latest_revision_created_at
        else None,
        "tags": latest.tags_in_memory() if full else post.tag_names,
    }
    if full:
        data |= {
            "body": latest.body,
            "alias": latest.alias,
            "canonical_url": latest.canonical_url,
            "meta_description": latest.meta_description,
            "meta_image_url": latest.meta_image_url,
            "lang": latest.lang,
            "class_name": latest.class_name,
            "make_discoverable": latest.make_discoverable,
        }
    return data


def draft_flag(data, default):
    draft = data.pop("draft", default)
    if not isinstance(draft, bool):
        raise BadInput("“draft” must be true or false.", {"draft": ["Must be true or false."]})
    return draft


@allowed_methods("GET", "HEAD", "POST")
@token_required
def posts(request, token):
    if request.method == "POST":
        try:
            data = json_object(request)
            draft = draft_flag(data, default=False)
            post = create_post(token, post_fields(data, required=("title",)), publish=not draft)
        except BadInput as error:
            return bad_input(error)
        response = JsonResponse(post_json(post, full=True), status=201)
        response["Location"] = blog_url(token.blog, f"/api/posts/{post.pk}/")
        return response
    listing = PostPage.objects.filter(blog_id=token.blog_id).order_by(
        "-latest_revision_created_at", "-pk"
    )
    pages = Paginator(listing, PAGE_SIZE)
    number = request.GET.get("page", "1")
    if not is_id(number):
        return bad_input(
            BadInput("“page” must be a whole number from 1.", {"page": ["Not a page number."]})
        )
    try:
        page = pages.page(int(number))
    except EmptyPage:
        return api_error(404, "not_found", f"No such page of posts: there are {pages.num_pages}.")
    return JsonResponse(
        {
            "posts": [post_json(post) for post in page],
            "count": pages.count,
            "next": f"/api/posts/?page={page.number + 1}" if page.has_next() else None,
        }
    )


@allowed_methods("GET", "HEAD", "PATCH", "DELETE")
@token_required
def post_detail(request, token, post_id):
    post = own_post(token, post_id)
    if post is None:
        return api_error(404, "not_found", f"This blog has no post {post_id}.")
    if request.method == "DELETE":
        delete_post(token, post)
        return HttpResponse(status=204)
    if request.method == "PATCH":
        try:
            data = json_object(request)
            draft = draft_flag(data, default=not post.live)
            post = update_post(token, post, post_fields(data), publish=not draft)
        except BadInput as error:
            return bad_input(error)
    return JsonResponse(post_json(post, full=True))


def post_action(action):
    @allowed_methods("POST")
    @token_required
    def view(request, token, post_id):
        post = own_post(token, post_id)
        if post is None:
            return api_error(404, "not_found", f"This blog has no post {post_id}.")
        return JsonResponse(post_json(action(token, post), full=True))

    return view


publish = post_action(publish_post)
unpublish = post_action(unpublish_post)
