"""Filtering a blog's posts by tag, as readers ask with ``?q=a,-b`` (at most
``MAX_TAG_FILTERS`` tags), on ``/blog/``, in feeds and in the ``{{ posts }}`` directive;
and the list of a blog's tags that ``/blog/`` and the ``{{ tags }}`` directive show."""

from django.template.loader import render_to_string

from blog.models import PostTag

MAX_TAG_FILTERS = 10


def tag_list(blog, posts=None):
    """Every tag of the blog's published posts, linked to its filtered list, in Bear Blog's
    markup (``small > div.tags``, which Bear CSS targets); empty when there are none.

    ``posts``, when given, are all of the blog's published posts, already loaded as rows
    with their ``tag_names``: the list is made of those, without a query.
    """
    if posts is None:
        names = PostTag.objects.filter(content_object__in=blog.published_posts())
        names = names.values_list("tag__name", flat=True).distinct()
    else:
        names = {name for post in posts for name in post["tag_names"]}
    # Alphabetical whatever the case, the same on every database.
    ordered = sorted(set(names), key=lambda name: (name.casefold(), name))
    return render_to_string("blog/tag_list.html", {"tags": ordered})


def parse_tag_query(query):
    """Split ``?q=a,-b`` into tags to include and tags to exclude (lowercased)."""
    include, exclude = [], []
    for raw in (query or "").split(",")[:MAX_TAG_FILTERS]:
        tag = raw.replace("\x00", "").strip()  # PostgreSQL refuses NUL in a string
        if tag.startswith("-"):
            if tag[1:].strip():
                exclude.append(tag[1:].strip())
        elif tag:
            include.append(tag)
    return include, exclude


def tag_query_labels(query):
    """``?q=a,-b`` as the labels shown to readers: ["a", "-b"]."""
    include, exclude = parse_tag_query(query)
    return include + [f"-{tag}" for tag in exclude]


def filter_by_tags(posts, query):
    """Posts with every tag to include and none to exclude (``?q=a,-b``), each once."""
    include, exclude = parse_tag_query(query)
    for tag in include:
        posts = posts.filter(tags__name__iexact=tag)
    for tag in exclude:
        posts = posts.exclude(tags__name__iexact=tag)
    if include:
        posts = posts.distinct()  # a post tagged both "Python" and "python" matches twice
    return posts
