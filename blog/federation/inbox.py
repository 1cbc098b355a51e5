"""What other servers post to a blog's inbox (or the platform's shared inbox): Follow,
Undo of a Follow, Update and Delete of an account. Everything else is taken and ignored.

Every activity must be signed (``blog.federation.signatures``) with the key of the actor
it names: the key is fetched from its server, kept, and fetched again when a signature
does not match (the account may have a new key). Undo, Update and Delete are taken even
while the blog cannot be followed (turned off, hidden): an unfollow is never lost. A
Follow is answered with an Accept, sent like every activity (``blog.federation.tasks``).
"""

import hashlib
import logging
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Q

from blog.core.reader_requests import seconds_until_allowed
from blog.federation import documents
from blog.federation.posts import federates
from blog.federation.remote import Busy, RemoteError, fetch_signer, kept_actor, kept_signer
from blog.federation.signatures import SignatureRefused, signing_key_id, verify
from blog.federation.tasks import record
from blog.models import Follower, RemoteActor
from blog.tenants.hosts import host_and_blog

logger = logging.getLogger(__name__)

KEY_FETCHES = 30


class Refused(Exception):
    """An activity not taken; ``status`` is the HTTP status that says why."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def signer(request, body, blog, kept_only=False):
    """The remote actor who signed the request; raises Refused. The key kept is tried
    first, however old; a key not kept, or one that does not match, is fetched from its
    server with a GET signed by ``blog``, at most ``KEY_FETCHES`` a minute for one
    network: each fetch is a request to a server the sender names. ``kept_only``: never
    fetch; None when no key is kept."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    target = request.META.get("RAW_URI") or request.get_full_path()

    def check(actor):
        verify(request.method, target, headers, body, actor.public_pem)
        return actor

    try:
        key_id = signing_key_id(headers)
        kept = kept_signer(key_id)
        if kept_only and kept is None:
            return None
        if kept is not None:
            try:
                return check(kept)
            except SignatureRefused:
                if kept_only:
                    raise
        if seconds_until_allowed(request, "activitypub-key", KEY_FETCHES, 60):
            raise Refused(429, "Too many requests signed with keys not known here.")
        return check(fetch_signer(key_id, blog))
    except SignatureRefused as error:
        raise Refused(401, str(error)) from None
    except Busy as error:
        raise Refused(503, str(error)) from None
    except RemoteError as error:
        # What went wrong stays here: the sender chose the address, and the answer must
        # not tell them what is listening where.
        logger.info("Key %s not fetched: %s", key_id[:200], error)
        raise Refused(401, "The signer's key cannot be fetched.") from None


def object_id(value):
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def followed_blog(target):
    """The blog whose actor is ``target`` (an id), or None."""
    _entry, blog = host_and_blog(urlsplit(target).hostname or "")
    return blog if blog is not None and target == documents.actor_url(blog) else None


def follow(activity, actor, blog):
    """Follow this inbox's blog, or on the shared inbox the one the Follow names."""
    target = followed_blog(object_id(activity.get("object")))
    if target is None or (blog is not None and target.pk != blog.pk) or not federates(target):
        raise Refused(404, "There is no such account here to follow.")
    blog = target
    follow_id = object_id(activity)
    if not follow_id:
        raise Refused(400, "The Follow has no id.")
    with transaction.atomic():
        Follower.objects.update_or_create(blog=blog, actor=actor, defaults={"follow_id": follow_id})
        answer(blog, "Accept", follow_id, actor)


def answer(blog, kind, follow_id, actor):
    """Send ``kind`` (Accept, or Reject when the blogger removes a follower) of a Follow
    to its actor's own inbox."""
    digest = hashlib.sha256(follow_id.encode()).hexdigest()[:40]
    subject = {
        "id": follow_id,
        "type": "Follow",
        "actor": actor.uri,
        "object": documents.actor_url(blog),
    }
    document = documents.activity(blog, kind, f"{kind.lower()}-{digest}", subject, to=[actor.uri])
    document["id"] = f"{documents.actor_url(blog)}#{kind.lower()}-{digest}"
    record(blog, kind, f"{kind.lower()}:{digest}", document, [actor.inbox])


def undo(activity, actor, blog):
    """An Undo of a Follow, named by its id or written out: the actor follows no more."""
    undone = activity.get("object")
    if isinstance(undone, dict) and undone.get("type") != "Follow":
        return  # an Undo of a Like or an Announce: nothing of it is kept here
    follows = Follower.objects.filter(actor=actor)
    if blog is not None:
        follows = follows.filter(blog=blog)
    match = Q(follow_id=object_id(undone))
    if isinstance(undone, dict) and (target := followed_blog(object_id(undone.get("object")))):
        match |= Q(blog=target)
    follows.filter(match).delete()


def delete(activity, actor, blog):
    """An account deleted on its server: it follows nothing here any more."""
    if object_id(activity.get("object")) == actor.uri:
        RemoteActor.objects.filter(pk=actor.pk).delete()


def update(activity, actor, blog):
    """An account changed its profile (name, inbox, key): kept as it now is. Updates of
    anything else (their posts) concern nothing kept here."""
    changed = activity.get("object")
    if isinstance(changed, dict) and object_id(changed) == actor.uri:
        try:
            kept_actor(changed, actor.key_id)
        except RemoteError as error:
            raise Refused(400, str(error)) from None


HANDLERS = {"Follow": follow, "Undo": undo, "Delete": delete, "Update": update}


def blog_named_by(activity):
    """The blog a Follow, or the Undo of one, is for (or None)."""
    followed = activity.get("object")
    if activity.get("type") == "Undo" and isinstance(followed, dict):
        followed = followed.get("object")
    elif activity.get("type") != "Follow":
        return None
    return followed_blog(object_id(followed))


def receive(request, activity, body, blog=None):
    """Take a signed activity posted to ``blog``'s inbox (None: the shared inbox).
    Raises Refused.

    A key is fetched with a GET signed by the blog the activity concerns. An activity that
    concerns no blog (an account's Update or Delete of itself, on the shared inbox) is
    checked only with a key kept here: a deleted account's key cannot be fetched any more,
    and an account never seen here concerns nothing kept here."""
    about = blog or blog_named_by(activity)
    deleting_itself = activity.get("type") == "Delete" and object_id(
        activity.get("object")
    ) == object_id(activity.get("actor"))
    actor = signer(request, body, about, kept_only=deleting_itself or about is None)
    if actor is None:
        return
    if object_id(activity.get("actor")) != actor.uri:
        raise Refused(401, "The activity's actor did not sign it.")
    handler = HANDLERS.get(activity.get("type"))
    if handler is not None:
        handler(activity, actor, blog)
