"""Reader views on blog hosts that are not Wagtail pages themselves."""

from django.http import Http404
from django.template.response import TemplateResponse

from blog.models import PostTag

MAX_TAG_FILTERS = 10


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


def post_index(request):
    """``/blog/``: every published post of this blog, newest first; ``?q=`` filters tags."""
    blog = request.blog
    query = request.GET.get("q")
    posts = filter_by_tags(blog.published_posts(), query)
    all_tags = (
        PostTag.objects.filter(content_object__in=blog.published_posts())
        .values_list("tag__name", flat=True)
        .distinct()
        .order_by("tag__name")
    )
    return TemplateResponse(
        request,
        "blog/post_index.html",
        {
            "blog": blog,
            "page": blog,
            "posts": posts.only("title", "slug", "url_path", "published_date", "path", "depth"),
            "tags": tag_query_labels(query),
            "all_tags": all_tags,
        },
    )


def not_public(request, **kwargs):
    """A page that is not public does not exist for readers (see bearcms/urls_blog.py)."""
    raise Http404("This page is not public.")
