"""The JSON documents a blog is to the fediverse: its actor, its posts as notes, the
activities it sends, and the WebFinger and NodeInfo answers that lead to them.

Plain JSON with the ActivityStreams ``@context``: Mastodon and the servers that talk to
it read these as JSON, not through a JSON-LD processor, so the shapes follow what
Mastodon reads (https is not assumed: addresses come from the blog's own ``root_url``).

A post is a ``Note`` whose content starts with its title, then its description (or the
start of its text) and its link, with its tags as hashtags: Mastodon shows a Note
whole and an ``Article`` as a bare link. A Note's ``summary`` would be a content warning
there, so it has none.
"""

import re
from html import escape, unescape
from urllib.parse import quote

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.text import Truncator

from blog.core.fediverse import ACTIVITY_JSON

CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
EXCERPT_LENGTH = 500
HASHTAG_LETTERS = re.compile(r"\W+")
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.1"


def actor_url(blog):
    """The blog's ActivityPub id. Its own address serves the same document to clients
    that ask for it, but a CDN may keep one answer per address whatever the ``Accept``,
    so the id is an address that only ever answers JSON."""
    return ap_url(blog, "actor")


def ap_url(blog, name):
    return f"{blog.root_url}/ap/{name}"


def key_id(blog):
    return actor_url(blog) + "#main-key"


def shared_inbox_url():
    """The one inbox of the whole platform, on its own host: a server with followers of
    many blogs here sends each public post of its users once."""
    return settings.WAGTAILADMIN_BASE_URL + "/ap/inbox"


def handle(blog):
    """``name@domain`` as people type it to follow the blog: its subdomain at the platform's
    domain, or at its own domain."""
    return f"{blog.subdomain}@{blog.custom_domain or settings.BLOG_DOMAIN}"


def actor(blog, public_pem):
    url = actor_url(blog)
    document = {
        "@context": CONTEXT,
        "id": url,
        "type": "Person",
        "preferredUsername": blog.subdomain,
        "name": blog.title,
        "summary": f"<p>{escape(blog.meta_description)}</p>" if blog.meta_description else "",
        "url": blog.root_url + "/",
        "icon": {
            "type": "Image",
            "mediaType": "image/png",
            "url": f"{blog.root_url}/apple-touch-icon.png",
        },
        "inbox": ap_url(blog, "inbox"),
        "outbox": ap_url(blog, "outbox"),
        "followers": ap_url(blog, "followers"),
        "endpoints": {"sharedInbox": shared_inbox_url()},
        "manuallyApprovesFollowers": False,
        "discoverable": blog.discoverable,
        "publicKey": {"id": key_id(blog), "owner": url, "publicKeyPem": public_pem},
    }
    if blog.first_published_at:
        document["published"] = iso(blog.first_published_at)
    return document


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def note_url(blog, post_id, generation=0):
    """A post's note's id; a post deleted and back is a new note (``blog.federation.posts``)."""
    return ap_url(blog, f"posts/{post_id}" + (f"/{generation}" if generation else ""))


def hashtags(blog, post):
    """The post's tags as Mastodon's hashtags: letters, digits and underscores only, each
    linked to the blog's posts with that tag."""
    tags = []
    for tag in post.tag_names:
        name = HASHTAG_LETTERS.sub("", tag)
        if name:
            href = f"{blog.root_url}/blog/?q={quote(tag)}"
            tags.append({"type": "Hashtag", "href": href, "name": f"#{name}"})
    return tags


def excerpt(post):
    if post.meta_description:
        return post.meta_description
    text = " ".join(unescape(strip_tags(post.body_html)).split())
    return Truncator(text).chars(EXCERPT_LENGTH)


def note(blog, post, generation=0):
    """A post as the Note its followers see."""
    link = blog.root_url + post.reader_path
    tags = hashtags(blog, post)
    paragraphs = [f"<p><strong>{escape(post.title)}</strong></p>"]
    if text := excerpt(post):
        paragraphs.append(f"<p>{escape(text)}</p>")
    paragraphs.append(f'<p><a href="{escape(link)}">{escape(link)}</a></p>')
    if tags:
        links = " ".join(
            f'<a href="{escape(t["href"])}" class="mention hashtag" rel="tag">'
            f"#<span>{escape(t['name'][1:])}</span></a>"
            for t in tags
        )
        paragraphs.append(f"<p>{links}</p>")
    document = {
        "id": note_url(blog, post.pk, generation),
        "type": "Note",
        "attributedTo": actor_url(blog),
        "content": "".join(paragraphs),
        "url": link,
        "published": iso(post.published_date),
        "to": [PUBLIC],
        "cc": [ap_url(blog, "followers")],
        "tag": tags,
        "sensitive": False,
    }
    if post.lang or blog.lang:
        document["contentMap"] = {post.lang or blog.lang: document["content"]}
    return document


def activity(blog, kind, suffix, subject, to=None):
    """An activity of the blog: ``kind`` (Create, Update, Delete, Accept, Reject) of
    ``subject``; its id is the subject's with ``#<suffix>``, unique per activity."""
    subject_id = subject if isinstance(subject, str) else subject["id"]
    return {
        "@context": CONTEXT,
        "id": f"{subject_id}#{suffix}",
        "type": kind,
        "actor": actor_url(blog),
        "to": to or [PUBLIC],
        "cc": [ap_url(blog, "followers")] if to is None else [],
        "object": subject,
    }


def collection(url, total, items=None):
    document = {"@context": CONTEXT, "id": url, "type": "OrderedCollection", "totalItems": total}
    if items is not None:
        document["orderedItems"] = items
    return document


def webfinger(blog):
    url, home = actor_url(blog), blog.root_url + "/"
    return {
        "subject": f"acct:{handle(blog)}",
        "aliases": [url, home],
        "links": [
            {"rel": "self", "type": ACTIVITY_JSON, "href": url},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": home},
        ],
    }


def nodeinfo_links(base_url):
    return {"links": [{"rel": NODEINFO_SCHEMA, "href": f"{base_url}/nodeinfo/2.1"}]}


def nodeinfo(blogs, posts):
    return {
        "version": "2.1",
        "software": {"name": "bearcms", "version": "0.1.0"},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": True,
        "usage": {"users": {"total": blogs}, "localPosts": posts},
        "metadata": {"nodeName": settings.WAGTAIL_SITE_NAME},
    }
