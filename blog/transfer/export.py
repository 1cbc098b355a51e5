"""Export: a blogger leaves with their words, as Bear Blog's CSV or a ZIP of Markdown.

``/dashboard/export/`` offers two downloads of the user's own blog (staff pick a blog
with ``?blog=<id>``, as in analytics; no parameter shows a blogger anything but theirs):

* ``posts.csv``: one row per post or page, drafts included, written as Bear Blog's own
  exporter writes it, so that the file imports into Bear and tools made for Bear's export
  read it: a UTF-8 byte-order mark, Bear's header (``BEAR_HEADER``: the column names with
  spaces), CRLF line ends, cells quoted only when they must be. ``uid`` is the page's
  ``translation_key`` (stable for the page's life), or the uid an imported post had in
  its source, so that an export imports back as it was; dates are ISO 8601 in UTC, as
  Python writes them (``2026-10-17T06:51:34.642521+00:00``; a draft without a date
  gets the moment it was last saved, as Bear's import needs one; an unset
  ``first published at`` is empty);
  ``all tags`` is a JSON list, as Bear stores it (``["a", "b"]``, in the order they were
  given); booleans are ``True``/``False``; ``alias`` is a path without its outer slashes
  (``2019/old-post``), as Bear stores it; ``publish`` means live: published, or
  scheduled when ``published date`` is still to come (``False`` for a draft never
  published, or one unpublished since); ``content`` is the Markdown body; ``meta image``
  is the absolute URL of the chosen image's original file, or else the post's image
  address (``meta_image_url``). ``docs/export.md`` says what differs from Bear's file.
* ``blog.zip``: ``posts/<link>.md`` for each post (an attribute header, a blank line,
  then the body, see ``markdown_post``), ``posts.csv`` (the above), ``settings.json``
  (the blog's settings and home content), ``custom.css``, and ``images/<file>``: the
  original file of every image in the blog's collection, read through the storage (the
  filesystem or S3). Posts link resized copies of these, named after them
  (``cat.max-1600x1600.png`` for ``cat.png``).

Each post is exported as the blogger last saved it: its latest revision when it has
changes not yet published, else the published page.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (CSV
injection): a title can then open a link, or worse, on the computer of whoever opens the
file. So every CSV the product writes goes through
``blog.wagtail_overrides.spreadsheets``, which puts a
``'`` before such a cell: staff's copy of a blog's ``posts.csv`` here, the analytics CSV,
and every listing Wagtail exports. The one exception is a blogger's
copy of their own blog: it holds only their own words, exactly as written, so that it moves
to Bear and back unchanged, and a formula in it is one they wrote themselves.
"""

import contextlib
import csv
import datetime
import io
import json
import shutil
import zipfile

from django.utils import timezone
from wagtail.images import get_image_model

from blog.core.spreadsheets import neutralise_formula
from blog.models import PostPage

CSV_COLUMNS = [
    "uid",
    "title",
    "slug",
    "alias",
    "published_date",
    "all_tags",
    "publish",
    "make_discoverable",
    "is_page",
    "content",
    "canonical_url",
    "meta_description",
    "meta_image",
    "lang",
    "class_name",
    "first_published_at",
]
# Bear's exporter names a column by its field's verbose name: the name with spaces.
BEAR_HEADER = [column.replace("_", " ") for column in CSV_COLUMNS]
BYTE_ORDER_MARK = "\ufeff"
# The Markdown header's attribute for each CSV column (Bear calls the slug "link").
HEADER_ATTRIBUTES = {
    "title": "title",
    "link": "slug",
    "alias": "alias",
    "published_date": "published_date",
    "tags": "all_tags",
    "publish": "publish",
    "make_discoverable": "make_discoverable",
    "is_page": "is_page",
    "canonical_url": "canonical_url",
    "meta_description": "meta_description",
    "meta_image": "meta_image",
    "lang": "lang",
    "class_name": "class_name",
    "first_published_at": "first_published_at",
    "uid": "uid",
}
# Characters str.splitlines() breaks a line at that JSON leaves unescaped.
LINE_BREAKS_JSON_KEEPS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
SPOOL_BYTES = 16 * 1024 * 1024  # a larger ZIP is written to a temporary file


def iso_utc(moment):
    return moment.astimezone(datetime.UTC).isoformat() if moment else ""


def latest_version(page):
    """The page as its editor shows it: the latest revision when that is not published."""
    if page.has_unpublished_changes and page.latest_revision_id:
        return page.get_latest_revision_as_object()
    return page


def tag_names(page):
    """The page's tags in the order they were given (Bear keeps its writer's order).
    tagged_items, not tags: prefetched for pages, in memory for revisions."""
    items = page.tagged_items.all()
    return [
        item.tag.name for item in sorted(items, key=lambda item: (item.pk is None, item.pk or 0))
    ]


def undated(post):
    """A date for a draft that has none: when it was last saved or imported (or now, for
    a post imported before imports noted that). Every post of Bear's has a date, a
    draft's being when it was written, and Bear's import stops at a row without one."""
    return post.latest_revision_created_at or timezone.now()


def bear_alias(alias):
    """``/2019/old-post/`` as Bear stores it: ``2019/old-post``."""
    return alias.strip("/")


def blog_images(blog):
    """The images of the blog's own collection, by id."""
    if blog.collection_id is None:
        return {}
    images = get_image_model().objects.filter(collection_id=blog.collection_id)
    return {image.pk: image for image in images.order_by("pk")}


def post_records(blog, images):
    """One dict per post of ``blog`` (tree order): the CSV's columns as Python values."""
    posts = PostPage.objects.child_of(blog).order_by("path").prefetch_related("tagged_items__tag")
    root = blog.get_full_url().rstrip("/")
    for post in posts:
        version = latest_version(post)
        image = images.get(version.meta_image_id)
        image_url = image.file.url if image is not None else version.meta_image_url
        yield {
            "uid": post.uid or str(post.translation_key),
            "title": version.title,
            "slug": version.slug,
            "alias": bear_alias(version.alias),
            "published_date": iso_utc(version.published_date or undated(post)),
            "all_tags": tag_names(version),
            "publish": post.live,
            "make_discoverable": version.make_discoverable,
            "is_page": version.is_page,
            "content": version.body,
            "canonical_url": version.canonical_url,
            "meta_description": version.meta_description,
            "meta_image": image_url if not image_url or "//" in image_url else root + image_url,
            "lang": version.lang,
            "class_name": version.class_name,
            "first_published_at": iso_utc(post.first_published_at),
        }


def csv_cell(value, neutralise):
    # Bear's all_tags is json.dumps of the list; booleans are True/False, as Bear writes them.
    text = json.dumps(value) if isinstance(value, list) else str(value)
    return neutralise_formula(text) if neutralise else text


def posts_csv(records, neutralise=False):
    """The CSV text of ``post_records`` as Bear writes it (csv's default dialect is
    Bear's too: CRLF line ends, minimal quoting); ``neutralise`` for anyone but the blog's
    owner (see the module's docstring)."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
    writer.writerow(BEAR_HEADER)
    writer.writerows(
        [csv_cell(record[column], neutralise) for column in CSV_COLUMNS] for record in records
    )
    return out.getvalue()


# --- The Markdown header -----------------------------------------------------------------


def header_value(value):
    """An attribute's value on one header line that reads back as the same value.

    Plain text is written as it is (a ``:`` in it is fine: only the first one on a line
    separates the name). Text that could not be read back plainly (a line break,
    leading or trailing spaces, a leading ``"`` or ``[``) is written as a JSON string.
    Booleans are ``true``/``false``. Tags are ``a, b``, or a JSON list when a tag holds a
    comma or would itself need quoting.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if any("," in tag or header_value(tag) != tag for tag in value):
            return json.dumps(value, ensure_ascii=False).translate(LINE_BREAKS_JSON_KEEPS)
        return ", ".join(value)
    if value != value.strip() or value.startswith(('"', "[")) or len(value.splitlines()) > 1:
        return json.dumps(value, ensure_ascii=False).translate(LINE_BREAKS_JSON_KEEPS)
    return value


def markdown_post(record):
    """A post as Markdown: ``name: value`` lines, a blank line, then the body as it is."""
    lines = [
        f"{name}: {header_value(record[column])}".rstrip()
        for name, column in HEADER_ATTRIBUTES.items()
    ]
    return "\n".join(lines) + "\n\n" + record["content"]


def read_markdown_post(text):
    """The inverse of ``markdown_post``: (attributes, body). Tags come back as a list;
    every other value as text. A hand-written value that merely starts with ``"`` or
    ``[`` (not JSON) reads as written."""
    header, _blank, body = text.partition("\n\n")
    attributes = {}
    for line in header.split("\n"):
        name, _colon, value = line.partition(":")
        value = value.strip()
        if value.startswith(('"', "[")):
            with contextlib.suppress(ValueError, RecursionError):  # [[[[...: not JSON
                value = json.loads(value)
        attributes[name.strip()] = value
    tags = attributes.get("tags", "")
    if isinstance(tags, str):
        tags = unbracketed(tags)
        attributes["tags"] = [tag.strip() for tag in tags.split(",") if tag.strip()]
    return attributes, body


def unbracketed(text):
    """``a, b`` of ``[a, b]``, as static site generators write a list (not JSON). Only
    text: a JSON list's tags are as they were written, ``["[draft", "ideas]"]`` too."""
    return text[1:-1] if text.startswith("[") and text.endswith("]") else text


# --- The ZIP -------------------------------------------------------------------------------


def blog_settings(blog, images):
    """The blog's settings and home content, for ``settings.json``."""
    favicon = images.get(blog.favicon_image_id)
    return {
        "title": blog.title,
        "subdomain": blog.subdomain,
        "custom_domain": blog.custom_domain or "",
        "home_content": blog.home_content,
        "nav": blog.nav,
        "meta_description": blog.meta_description,
        "lang": blog.lang,
        "date_format": blog.date_format,
        "discoverable": blog.discoverable,
        "email_notifications": blog.email_notifications,
        "fediverse": blog.fediverse,
        "theme": blog.theme,
        "overwrite_theme": blog.overwrite_theme,
        "home_post_list": blog.home_post_list,
        "favicon_emoji": blog.favicon_emoji,
        "favicon_image": image_entry(favicon) if favicon is not None else "",
        "robots_txt": blog.robots_txt,
        "first_published_at": iso_utc(blog.first_published_at),
        "exported_at": iso_utc(timezone.now()),
    }


def image_entry(image):
    return "images/" + image.file.name.rsplit("/", 1)[-1]


def post_entries(records):
    """(name in the ZIP, Markdown) for each post; a clashing link gets the uid added (a
    draft may have taken a link another post was given since)."""
    taken = set()
    for record in records:
        name = f"posts/{record['slug']}.md"
        if name in taken:
            name = f"posts/{record['slug']}-{record['uid']}.md"
        taken.add(name)
        yield name, markdown_post(record)


def write_blog_zip(blog, file, neutralise=False):
    """Write the blog's ZIP (see the module's docstring) into the binary ``file``;
    ``neutralise`` as for ``posts_csv``."""
    images = blog_images(blog)
    records = list(post_records(blog, images))
    blog = latest_version(blog)  # settings and home content as last saved
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in post_entries(records):
            archive.writestr(name, text)
        archive.writestr("posts.csv", posts_csv(records, neutralise))
        settings = json.dumps(blog_settings(blog, images), ensure_ascii=False, indent=2)
        archive.writestr("settings.json", settings + "\n")
        archive.writestr("custom.css", blog.custom_css)
        for image in images.values():
            copy_image(archive, image)


def copy_image(archive, image):
    """Copy an image's original file into the ZIP as it is (images are compressed
    already). A file missing from the storage is left out rather than failing the
    whole export."""
    entry = zipfile.ZipInfo(image_entry(image), date_time=timezone.now().timetuple()[:6])
    try:
        source = image.file.storage.open(image.file.name, "rb")
    except FileNotFoundError:
        return
    with source, archive.open(entry, "w") as target:
        shutil.copyfileobj(source, target)
