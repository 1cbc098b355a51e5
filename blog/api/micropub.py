"""Micropub (a W3C Recommendation), so that IndieWeb apps and editors can post: on each
blog's host at ``/micropub``, with its media endpoint at ``/micropub/media``, and
advertised in the home page's head (``<link rel="micropub">``).

Posts go through ``blog.api.post_writes`` like the JSON API's. The Microformats
properties a blog uses are mapped to its post's fields:

    name → title (a note without one is titled from its first words)
    content → body (Markdown; {"html": ...} is taken as the HTML it is)
    category → tags          published → published date      mp-slug → link
    summary → meta description      photo → an image at the end of the body
    post-status: draft → saved, not published      mp-page → a page, not a post

Other properties (location, syndicate-to, ...) are not kept; the blog has no place for
them. Requests are form-encoded, multipart or JSON as the specification has them;
updates (replace, add, delete) come as JSON only, as it says. A ``url`` names a post by
its path on any of the blog's own hosts; another host's address finds nothing.
"""

from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

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
    parsed_date,
    post_fields,
    publish_post,
    unpublish_post,
    update_post,
)
from blog.core.names import blog_host, blog_hostname
from blog.dashboard.editor_uploads import UploadRefused, store_upload
from blog.dashboard.writing import when
from blog.models import PostPage

TITLE_WORDS = 10
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Microformats property → the post field it sets, and that field's empty value.
FIELD_OF = {
    "name": ("title", ""),
    "content": ("body", ""),
    "category": ("tags", []),
    "published": ("published_date", None),
    "mp-slug": ("slug", ""),
    "summary": ("meta_description", ""),
}


def values(properties, prop):
    """A property's values: Micropub's JSON has every value in a list."""
    found = properties.get(prop, [])
    if not isinstance(found, list):
        raise BadInput(f'“{prop}” must be a list of values, like ["..."].')
    return found


def form_properties(query):
    """A form's fields as Micropub's JSON properties: every value a list, ``x[]`` as ``x``."""
    properties = {}
    for key in query:
        name = key.removesuffix("[]")
        if name in ("h", "access_token", "action", "url"):
            continue
        properties.setdefault(name, []).extend(query.getlist(key))
    return properties


def text_of(value, prop):
    """A property value as text: plain, or the HTML of ``{"html": ...}``, or ``{"value"}``."""
    if isinstance(value, dict):
        value = value.get("html", value.get("value", ""))
    if not isinstance(value, str):
        raise BadInput(f"The values of “{prop}” must be text.")
    return value


def photo_markdown(value):
    alt = ""
    if isinstance(value, dict):
        value, alt = value.get("value", ""), value.get("alt", "")
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
        raise BadInput("A photo must be an http(s) address.")
    if not isinstance(alt, str):
        raise BadInput("A photo's “alt” must be text.")
    return f"![{alt.replace(']', '')}]({value})"


def fields_from(properties):
    """The post fields Micropub ``properties`` set (unknown properties are not kept); a
    property present with no values empties its field."""
    fields = {}
    for prop, (field, empty) in FIELD_OF.items():
        if prop not in properties:
            continue
        texts = [text_of(value, prop) for value in values(properties, prop)]
        fields[field] = texts if field == "tags" else (texts[0] if texts else empty)
    if fields.get("published_date"):
        fields["published_date"] = parsed_date(fields["published_date"]).isoformat()
    if photos := values(properties, "photo"):
        images = "\n\n".join(photo_markdown(photo) for photo in photos)
        fields["body"] = f"{fields.get('body', '').rstrip()}\n\n{images}".lstrip()
    if page := values(properties, "mp-page"):
        fields["is_page"] = page[0] in (True, "true", "1", "on", "yes")
    return fields


def note_title(body):
    """A title for a note sent without a name: its first words, or when it was written."""
    text = strip_tags(body)
    words = " ".join(line.strip("#>*-_ ") for line in text.splitlines() if line.strip())
    words = " ".join(word for word in words.split() if not word.startswith("!["))
    if words:
        return Truncator(words).words(TITLE_WORDS, truncate="…")
    return f"Note of {when(timezone.now())}"


def is_draft(properties):
    status = (values(properties, "post-status") or ["published"])[0]
    if status not in ("published", "draft"):
        raise BadInput("“post-status” is published or draft.")
    return status == "draft"


def post_at(token, url):
    """The token's blog's post at ``url`` (on any of the blog's hosts), or ``BadInput``."""
    if not isinstance(url, str) or not url:
        raise BadInput("Name the post with its address, in “url”.")
    parts = urlsplit(url)
    hosts = {blog_host(token.blog), blog_hostname(token.blog.subdomain)}
    slug = unquote(parts.path).strip("/")
    post = None
    if slug and (not parts.hostname or parts.hostname in hosts):
        post = PostPage.objects.filter(blog_id=token.blog_id, slug=slug).first()
    if post is None:
        raise BadInput(f"This blog has no post at {url!r}.")
    return post


def created(token, properties):
    fields = fields_from(properties)
    if not (fields.get("body") or fields.get("title")):
        raise BadInput("A post needs content, a name or a photo.")
    fields.setdefault("title", note_title(fields.get("body", "")))
    post = create_post(token, post_fields(fields), publish=not is_draft(properties))
    response = HttpResponse(status=201)
    response["Location"] = post.get_full_url()
    return response


def changes(data, name, kinds):
    found = data.get(name) or {}
    if not isinstance(found, kinds):
        raise BadInput(f"“{name}” must be an object of properties and their values.")
    return found


def updated(token, data):
    """Micropub's update: ``replace``, ``add`` and ``delete`` on the post's properties.
    A change of status publishes or unpublishes; a change of address answers 201 with
    the new one, as the specification asks."""
    post = post_at(token, data.get("url"))
    old_slug = post.slug
    current = source_properties(post.get_latest_revision_as_object())
    for prop, new in changes(data, "replace", dict).items():
        current[prop] = values({prop: new}, prop)
    for prop, new in changes(data, "add", dict).items():
        current[prop] = [*current.get(prop, []), *values({prop: new}, prop)]
    deleted = changes(data, "delete", (dict, list))
    if isinstance(deleted, list):
        if not all(isinstance(prop, str) for prop in deleted):
            raise BadInput("“delete” lists property names.")
        deleted = {prop: None for prop in deleted}
    for prop, gone in deleted.items():
        kept = [] if gone is None else current.get(prop, [])
        current[prop] = [value for value in kept if value not in values({prop: gone or []}, prop)]
    draft = is_draft(current)
    fields = fields_from({**current, "photo": values(changes(data, "add", dict), "photo")})
    with transaction.atomic():
        post = update_post(token, post, post_fields(fields), publish=post.live and not draft)
        if draft and post.live:
            post = unpublish_post(token, post)
        elif not draft and not post.live:
            post = publish_post(token, post)
    if post.slug != old_slug:
        response = HttpResponse(status=201)
        response["Location"] = post.get_full_url()
        return response
    return HttpResponse(status=204)


def source_properties(post):
    """The post as Micropub properties (``q=source``, and the base of an update)."""
    properties = {
        "name": [post.title],
        "content": [post.body],
        "category": post.tags_in_memory(),
        "mp-slug": [post.slug],
        "post-status": ["published" if post.live else "draft"],
        "published": [post.published_date.isoformat()] if post.published_date else [],
        "summary": [post.meta_description] if post.meta_description else [],
    }
    return {prop: found for prop, found in properties.items() if found}


def query(request, token):
    q = request.GET.get("q")
    if q == "config":
        return JsonResponse(
            {
                "media-endpoint": blog_url(token.blog, "/micropub/media"),
                "syndicate-to": [],
                "post-types": [
                    {"type": "note", "name": "Note"},
                    {"type": "article", "name": "Post"},
                    {"type": "photo", "name": "Photo"},
                ],
                "q": ["config", "source", "syndicate-to"],
            }
        )
    if q == "syndicate-to":
        return JsonResponse({"syndicate-to": []})
    if q == "source":
        post = post_at(token, request.GET.get("url")).get_latest_revision_as_object()
        properties = source_properties(post)
        wanted = request.GET.getlist("properties[]") or request.GET.getlist("properties")
        if wanted:
            return JsonResponse(
                {"properties": {k: v for k, v in properties.items() if k in wanted}}
            )
        return JsonResponse({"type": ["h-entry"], "properties": properties})
    raise BadInput(f"Unknown query {q!r}: this endpoint answers config, source and syndicate-to.")


def refused_upload(refused):
    return api_error(refused.status, "invalid_request", str(refused))


def created_with_photos(request, token, properties):
    """``created``, with the photos sent as files kept with the post, or not at all: a
    post refused takes its photos with it, rows and files (deleting an image deletes its
    files once the deletion commits; a rolled-back row would leave them in storage)."""
    saved = []
    try:
        for upload in request.FILES.getlist("photo") + request.FILES.getlist("photo[]"):
            image, answer = store_upload(request, token.blog, upload)
            saved.append(image)
            properties.setdefault("photo", []).append(blog_url(token.blog, answer["filePath"]))
        return created(token, properties)
    except Exception:
        for image in saved:
            image.delete()
        raise


@allowed_methods("GET", "HEAD", "POST")
@token_required
def micropub(request, token):
    try:
        if request.method != "POST":
            return query(request, token)
        if request.content_type == "application/json":
            data = json_object(request)
            properties = data.get("properties") or {}
            if not isinstance(properties, dict):
                raise BadInput("“properties” must be an object.")
        elif request.content_type in FORM_TYPES:
            data, properties = request.POST, form_properties(request.POST)
        else:
            return api_error(
                415, "invalid_request", "Send JSON, or a form (urlencoded or multipart)."
            )
        action = data.get("action")
        if action == "delete":
            delete_post(token, post_at(token, data.get("url")))
            return HttpResponse(status=204)
        if action == "update":
            if request.content_type != "application/json":
                raise BadInput("Send an update as JSON, as Micropub specifies.")
            return updated(token, data)
        if action is not None:
            raise BadInput(
                f"Unknown action {action!r}: this endpoint creates, updates and deletes."
            )
        return created_with_photos(request, token, properties)
    except BadInput as error:
        return bad_input(error)
    except UploadRefused as refused:
        return refused_upload(refused)


@allowed_methods("POST")
@token_required
def media(request, token):
    """The media endpoint: one file (``file``) kept in the blog's collection; its address
    in ``Location``."""
    upload = request.FILES.get("file")
    if upload is None:
        return api_error(400, "invalid_request", "Send the file as multipart/form-data, in “file”.")
    try:
        _saved, answer = store_upload(request, token.blog, upload)
        url = blog_url(token.blog, answer["filePath"])
    except UploadRefused as refused:
        return refused_upload(refused)
    response = JsonResponse({"url": url}, status=201)
    response["Location"] = url
    return response
