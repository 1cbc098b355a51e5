"""A post written through the API or Micropub, as the editor writes it: the same fields,
the model's checks (``full_clean``) and those of the editor's form that the model lacks
(no NUL characters, no quotes in tags), a revision per change and Wagtail's own log
entries (create, edit, publish, unpublish, delete) under the token's owner, so the post's
history in the dashboard shows every change whichever way it came.

A change is published only over what is live: when the post has unpublished changes
(a draft the blogger is writing in the editor), publishing a change would publish that
draft too, so it is refused (409) unless the client asks to keep the change as a draft.

``post_fields`` turns what a client sent into the post's fields, refusing what it cannot
use with a message that names the field; ``BadInput`` carries it to the views, which
answer it as a JSON error.
"""

from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.actions.delete_page import DeletePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction

from blog.api.answers import BadInput
from blog.core.ids import MAX_ID
from blog.models import PostPage

TEXT_FIELDS = (
    "title", "body", "slug", "alias", "canonical_url", "meta_description",
    "meta_image_url", "lang", "class_name",
)  # fmt: skip
FLAG_FIELDS = ("is_page", "make_discoverable")
FIELDS = (*TEXT_FIELDS, *FLAG_FIELDS, "tags", "published_date")
MAX_TAGS = 50


def checked(name, value):
    """``value`` as field ``name`` takes it, or ``BadInput``."""
    if name in TEXT_FIELDS:
        if not isinstance(value, str):
            raise BadInput(f"“{name}” must be text.", {name: ["Must be text."]})
        if "\x00" in value:
            raise BadInput(f"“{name}” holds a NUL character.", {name: ["No NUL characters."]})
        return value.strip() if name != "body" else value
    if name in FLAG_FIELDS:
        if not isinstance(value, bool):
            raise BadInput(f"“{name}” must be true or false.", {name: ["Must be true or false."]})
        return value
    if name == "tags":
        if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
            raise BadInput("“tags” must be a list of words.", {name: ["Must be a list of text."]})
        # A comma separates tags, as in the editor's tag field.
        words = (word.strip() for tag in value for word in tag.split(","))
        tags = list(dict.fromkeys(word for word in words if word))
        if len(tags) > MAX_TAGS or any(len(tag) > 100 for tag in tags):
            raise BadInput(f"At most {MAX_TAGS} tags of up to 100 characters each.")
        if any('"' in tag or "\x00" in tag for tag in tags):
            raise BadInput("A tag cannot hold a double quote.", {name: ["No double quotes."]})
        return tags
    if name == "published_date":
        return parsed_date(value)
    raise BadInput(f"Unknown field “{name}”.", {name: ["Unknown field."]})


def parsed_date(value):
    """An ISO 8601 date and time (years 1 to 9998); one without a time zone is in the
    site's."""
    if value is None or value == "":
        return None
    moment = None
    if isinstance(value, str):
        try:
            moment = parse_datetime(value) or datetime.fromisoformat(value)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            moment.astimezone(UTC)  # a year 9999 date west of UTC overflows here
        except (ValueError, OverflowError):
            moment = None
    if moment is None or moment.year > 9998:
        message = "Must be a date and time like 2026-12-07T09:30:00Z."
        raise BadInput(f"“published_date”: {message}", {"published_date": [message]})
    return moment


def post_fields(data, required=()):
    """The post fields in ``data`` (a dict a client sent), checked; ``BadInput`` names
    every field it cannot use."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise BadInput(
            f"Unknown fields: {', '.join(unknown)}. A post has: {', '.join(FIELDS)}.",
            {name: ["Unknown field."] for name in unknown},
        )
    missing = [name for name in required if not data.get(name)]
    if missing:
        raise BadInput(
            f"A post needs {', '.join(missing)}.", {name: ["Required."] for name in missing}
        )
    return {name: checked(name, value) for name, value in data.items()}


def invalid(error):
    """The model's ``ValidationError`` as ``BadInput``, keyed by field."""
    fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    described = "; ".join(
        f"{name}: {' '.join(messages)}" if name and name != "__all__" else " ".join(messages)
        for name, messages in fields.items()
    )
    return BadInput(described, fields)


def apply(post, fields):
    tags = fields.pop("tags", None)
    for name, value in fields.items():
        setattr(post, name, value)
    if tags is not None:
        post.tags.set(tags)


def saved(save_revision, user, publish):
    """Save a revision (``save_revision``, in the transaction), publish it if asked; the
    model's ``ValidationError`` becomes ``BadInput``."""
    try:
        with transaction.atomic():
            revision = save_revision()
            if publish:
                revision.publish(user=user)
    except ValidationError as error:
        raise invalid(error) from None


def create_post(token, fields, publish):
    """A new post (or page) of the token's blog, published unless ``publish`` is false."""
    blog, user = token.blog, token.user
    post = PostPage(owner=user, live=False)
    apply(post, dict(fields))

    def save_revision():
        blog.add_child(instance=post)  # logs wagtail.create
        return post.save_revision(user=user)

    saved(save_revision, user, publish)
    post.refresh_from_db()
    return post


def update_post(token, post, fields, publish):
    """Change ``post``: a new revision of its latest one, published when ``publish`` is
    true, or left as unpublished changes (what Save draft does) when false."""
    user = token.user
    if publish and post.live and post.has_unpublished_changes:
        raise BadInput(
            "This post has unpublished changes (a draft in the editor), which publishing "
            "this change would publish too. Publish or discard them in the editor first, or "
            "send the change as a draft.",
            status=409,
        )
    latest = post.get_latest_revision_as_object()
    apply(latest, dict(fields))
    # save_revision cleans the post first
    saved(lambda: latest.save_revision(user=user, log_action=True), user, publish)
    post.refresh_from_db()
    return post


@transaction.atomic
def publish_post(token, post):
    # An imported post has no revision until it is first saved.
    revision = post.get_latest_revision() or post.save_revision(user=token.user)
    revision.publish(user=token.user)
    post.refresh_from_db()
    return post


@transaction.atomic
def unpublish_post(token, post):
    if post.live:
        UnpublishPageAction(post, user=token.user).execute(skip_permission_checks=True)
    post.refresh_from_db()
    return post


@transaction.atomic
def delete_post(token, post):
    DeletePageAction(post, user=token.user).execute(skip_permission_checks=True)


def own_post(token, post_id):
    """The token's blog's post ``post_id``, or None: another blog's id finds nothing."""
    if post_id > MAX_ID:
        return None
    return PostPage.objects.filter(blog_id=token.blog_id, pk=post_id).first()
