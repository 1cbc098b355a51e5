"""Import, first step: read an upload into post rows and say what is wrong with each.

A blogger brings posts from Bear Blog or elsewhere as

* Bear Blog's CSV export (``blog.transfer.export.CSV_COLUMNS``), however its header is
  spelled (Bear's ``published date``, our ``published_date``, any case, with or without a
  byte-order mark); a file without ``title`` and ``content`` is refused;
* a ZIP of Markdown files, like ``blog.transfer.export``'s (``*.md`` anywhere in it; a ZIP with no
  Markdown but a CSV imports the CSV);
* one Markdown file, with or without an attribute header (``title: ...`` lines, a blank
  line, the body; a header between ``---`` lines, as static site generators write it, is
  read too).

Nothing here writes to the database: ``read_upload`` turns the file into records (one
dict of attribute values per post), ``check_records`` into rows ready to import plus
the problems found, which ``blog.transfer.views`` shows as a preview before importing.
A column (or Markdown attribute) that is not imported is never dropped quietly: the
upload lists it with the reason (``Upload.ignored``), and the blogger must accept that
before the import starts.

An upload is refused as a whole, with ``UnreadableUpload`` and a plain message, when it
cannot be read safely: not UTF-8 text, a broken CSV or ZIP, a ZIP entry whose name
leaves the archive (``../``, an absolute path), a ZIP whose posts unpack to more than
``IMPORT_MAX_UNPACKED_MB`` or whose entries lie about their size (a zip bomb), or more
than ``MAX_IMPORT_POSTS`` posts. A row with a problem that would lose or garble the post
(a date that is no date, a post too long to publish) is left out and listed; a smaller
problem (an attribute nobody knows, a URL that is no URL) is listed and the value left
out; the post is imported.
"""

import collections
import csv
import dataclasses
import datetime
import io
import json
import posixpath
import re
import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify

from blog.core.markdown import MAX_MARKDOWN_LENGTH
from blog.models import RESERVED_POST_SLUGS, PostPage
from blog.transfer.export import (
    BEAR_HEADER,
    CSV_COLUMNS,
    HEADER_ATTRIBUTES,
    read_markdown_post,
    unbracketed,
)

MAX_IMPORT_POSTS = 20_000
MAX_ZIP_ENTRIES = 2 * MAX_IMPORT_POSTS
# A Markdown file of the longest post publishable, in the widest UTF-8, with a header.
MAX_MARKDOWN_FILE_BYTES = 4 * MAX_MARKDOWN_LENGTH + 64 * 1024
REQUIRED_COLUMNS = {"title", "content"}
MAX_COLUMNS = 100  # Bear's fullest export has 23; each one unknown is listed on the preview
# Attribute names other tools write in their headers, for ours.
HEADER_ALIASES = {
    "slug": "slug",
    "date": "published_date",
    "description": "meta_description",
    "published": "publish",
}
# Attributes that mean the opposite of ours: ``draft: true`` is ``publish: false``.
NEGATED_ALIASES = {"draft": "publish"}
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
TRUE_WORDS = {"true", "yes", "1", "on"}
FALSE_WORDS = {"false", "no", "0", "off"}
# Bear's booleans, and what an empty one means.
BOOLEAN_DEFAULTS = {"publish": True, "make_discoverable": True, "is_page": False}
# Text fields checked with the post's own field rules: a bad value is left out. Bear's
# meta image is an address, kept as the post's image address (never fetched).
CHECKED_FIELDS = ("alias", "canonical_url", "lang", "class_name", "meta_image")
FIELD_OF_COLUMN = {"meta_image": "meta_image_url"}
# Columns of Bear's fuller (older) export that are understood but not brought over.
UPVOTES_START_AFRESH = "Upvotes are counted anew here: a file cannot bring them."
NOT_IMPORTED = {
    "id": "Bear's own number for the post: posts are numbered anew here.",
    "blog_id": "Bear's own number for the blog.",
    "last_modified": "Set anew when the post is next saved here.",
    "upvotes": UPVOTES_START_AFRESH,
    "shadow_votes": UPVOTES_START_AFRESH,
    "score": "Discovery ranks posts anew here.",
    "hidden": "Bear's own moderation: it does not carry over.",
}
UNKNOWN_COLUMN = "Not a column bearcms knows: its values are not imported."
UNKNOWN_ATTRIBUTE = "Not an attribute bearcms knows: its values are not imported."
# Text fields cut to the field's length (with a notice) rather than left out.
CUT_FIELDS = ("title", "meta_description")

FRONT_MATTER_OPENS = re.compile(r"---\r?\n")
FRONT_MATTER_CLOSES = re.compile(r"\r?\n---\r?\n(\r?\n)*")
BLANK_LINE = re.compile(r"\r?\n\r?\n")

# csv's default limit (128 KiB a field) is below the longest post; raise it once.
csv.field_size_limit(max(csv.field_size_limit(), MAX_MARKDOWN_FILE_BYTES))


class UnreadableUpload(ValueError):
    """The upload cannot be imported at all; the message says why, for the blogger."""


@dataclasses.dataclass
class Upload:
    """What a file holds: ``records`` (one dict per post, see ``read_upload``),
    ``notices`` (lines about the file as a whole) and ``ignored`` (each column or
    attribute that will not be imported, with the reason)."""

    records: list
    notices: list = dataclasses.field(default_factory=list)
    ignored: dict = dataclasses.field(default_factory=dict)


def unpacked_limit():
    return settings.IMPORT_MAX_UNPACKED_MB * 1024 * 1024


# --- Reading files into records ------------------------------------------------------------


def read_upload(name, data):
    """The ``Upload`` of a file's bytes: each record a dict with a ``label`` (where it
    came from: "row 3", "posts/a.md") and the post's attributes under
    ``blog.transfer.export``'s column names."""
    lowered = name.lower()
    if lowered.endswith(".zip") or data.startswith(b"PK\x03\x04"):
        upload = read_zip(data)
    elif lowered.endswith(".csv"):
        upload = read_csv(decode(data, name))
    elif lowered.endswith(MARKDOWN_SUFFIXES):
        upload = markdown_upload([read_markdown(decode(data, name), name)])
    else:
        raise UnreadableUpload(
            "Upload a .csv file (Bear Blog's export), a .zip of Markdown files, "
            "or a Markdown (.md) file."
        )
    if len(upload.records) > MAX_IMPORT_POSTS:
        raise UnreadableUpload(too_many_posts())
    if not upload.records:
        raise UnreadableUpload("There are no posts in this file.")
    return upload


def markdown_upload(records, notices=()):
    """The Upload of Markdown records: an attribute no file's header should have is
    listed once for the whole upload (each file's preview row says it too)."""
    names = (name for record in records for name in record["unknown"])
    return Upload(records, list(notices), dict.fromkeys(names, UNKNOWN_ATTRIBUTE))


def too_many_posts():
    return (
        f"This file holds more than {MAX_IMPORT_POSTS:,} posts, the most that can be "
        "imported at once. Split it into several files."
    )


def decode(data, name):
    if b"\x00" in data:
        raise UnreadableUpload(f"{name} is not a text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableUpload(
            f"{name} is not UTF-8 text (unreadable byte at position {error.start})."
        ) from None


def column_name(header):
    """One name for every spelling of a column: Bear's ``published date``, our
    ``published_date``, ``Published-Date``, with a stray byte-order mark."""
    return re.sub(r"[\s-]+", "_", header.replace("\ufeff", "").strip().lower())


def read_csv(text):
    """The Upload of a CSV with a header row; the header must name ``title`` and
    ``content``. Every other column is read by name or listed as not imported."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        columns = [column_name(column) for column in reader.fieldnames or []]
        if len(columns) > MAX_COLUMNS:
            raise UnreadableUpload(
                f"This CSV has {len(columns):,} columns; a blog's export has "
                f"{len(CSV_COLUMNS)}, and at most {MAX_COLUMNS} can be read."
            )
        twice = sorted(name for name, count in collections.Counter(columns).items() if count > 1)
        if twice:
            raise UnreadableUpload(
                f"This CSV names the column “{twice[0]}” twice: say which one to import "
                "by renaming or removing the other."
            )
        missing = REQUIRED_COLUMNS - set(columns)
        if missing:
            raise UnreadableUpload(
                "This CSV has no "
                + " or ".join(f"“{column}”" for column in sorted(missing))
                + " column. Its first row must name the columns, as Bear Blog's export does: "
                + ", ".join(BEAR_HEADER)
                + "."
            )
        reader.fieldnames = columns
        records = []
        for number, row in enumerate(reader, start=2):
            if number - 1 > MAX_IMPORT_POSTS:
                raise UnreadableUpload(too_many_posts())
            if None in row:
                raise UnreadableUpload(f"Row {number} has more cells than the CSV has columns.")
            records.append({"label": f"row {number}", **{k: v or "" for k, v in row.items()}})
    except csv.Error as error:
        raise UnreadableUpload(f"This CSV cannot be read: {error}.") from None
    ignored = {
        column or "(a column without a name)": NOT_IMPORTED.get(column, UNKNOWN_COLUMN)
        for column in columns
        if column not in CSV_COLUMNS
    }
    return Upload(records, ignored=ignored)


def read_markdown(text, label):
    """A record of a Markdown file; without a header, the title is the first ``# `` heading
    or the file's name."""
    header, body = split_header(text)
    attributes, _body = read_markdown_post(header + "\n\n")
    record = {"label": label, "unknown": [], "notes": []}
    if not is_header(attributes):
        attributes, body = {}, text
        if FRONT_MATTER_OPENS.match(text):
            record["notes"].append(
                "The attributes between the --- lines could not be read (one name: value "
                "per line), so they are imported as part of the post."
            )
    record["content"] = body
    for name, value in attributes.items():
        column = HEADER_ATTRIBUTES.get(name) or HEADER_ALIASES.get(name)
        if name in NEGATED_ALIASES:
            negated = read_boolean(value, default=None)
            record[NEGATED_ALIASES[name]] = "" if negated is None else str(not negated)
        elif column is None:
            record["unknown"].append(name)
        else:
            record[column] = value
    if not record.get("title"):
        record["title"] = title_of(body, label)
    return record


def split_header(text):
    """(the would-be header with ``\\n`` line ends, the body as it is): the header is
    the first paragraph, or what stands between ``---`` lines at the very start."""
    if FRONT_MATTER_OPENS.match(text) and (end := FRONT_MATTER_CLOSES.search(text)):
        return text[text.index("\n") + 1 : end.start()].replace("\r", ""), text[end.end() :]
    if blank_line := BLANK_LINE.search(text):
        return text[: blank_line.start()].replace("\r", ""), text[blank_line.end() :]
    return text.replace("\r", ""), ""


def is_header(attributes):
    """Whether the first paragraph was an attribute header: every line ``name: value``
    and at least one name we know (a paragraph like "Note: ..." is the body)."""
    names = list(attributes)
    known = {*HEADER_ATTRIBUTES, *HEADER_ALIASES, *NEGATED_ALIASES}
    return all(name.replace("_", "").isalpha() and name.islower() for name in names) and any(
        name in known for name in names
    )


def title_of(body, label):
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    stem = posixpath.basename(label).rsplit(".", 1)[0]
    return stem.replace("-", " ").replace("_", " ").strip().capitalize()


def read_zip(data):
    """Records of a ZIP's Markdown files (or, if it has none, of its CSV)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
    # IndexError: an entry named ""; NotImplementedError: a version field from the future.
    except (zipfile.BadZipFile, ValueError, EOFError, IndexError, NotImplementedError):
        raise UnreadableUpload("This is not a ZIP file, or it is damaged.") from None
    # macOS's archiver adds resource forks (__MACOSX/..., ._name): not the blogger's files.
    entries = [entry for entry in entries if not is_resource_fork(entry.filename)]
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnreadableUpload(f"This ZIP holds more than {MAX_ZIP_ENTRIES:,} files.")
    for entry in entries:
        check_entry_name(entry.filename)
    markdown = sorted(
        (e for e in entries if e.filename.lower().endswith(MARKDOWN_SUFFIXES)),
        key=lambda entry: entry.filename,
    )
    others = [entry for entry in entries if entry not in markdown]
    # Only the posts are read (images stay packed), so only they count.
    if sum(entry.file_size for entry in markdown) > unpacked_limit():
        raise UnreadableUpload(
            f"The posts in this ZIP unpack to more than {settings.IMPORT_MAX_UNPACKED_MB} MB. "
            "Split it into several ZIPs."
        )
    if markdown:
        records = [read_markdown(unpack(archive, e), e.filename) for e in markdown]
        skipped = [e.filename for e in others if e.filename != "posts.csv"]
        notices = [f"Files not imported (only posts are): {len(skipped)}"] if skipped else []
        return markdown_upload(records, notices)
    tables = [entry for entry in others if entry.filename.lower().endswith(".csv")]
    if len(tables) != 1:
        raise UnreadableUpload("This ZIP holds no Markdown (.md) files and no single CSV file.")
    return read_csv(unpack(archive, tables[0], limit=unpacked_limit()))


def is_resource_fork(name):
    return name.startswith("__MACOSX/") or posixpath.basename(name).startswith("._")


def check_entry_name(name):
    """Refuse names that would leave the archive if anyone unpacked it to disk; we never
    do, but such a ZIP is made to attack something, and nothing of it is wanted."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
        raise UnreadableUpload(f"This ZIP holds a file named “{name}”, outside the archive.")


def unpack(archive, entry, limit=MAX_MARKDOWN_FILE_BYTES):
    """An entry's text, read no further than ``limit`` bytes whatever its header claims."""
    if entry.file_size > limit:
        raise UnreadableUpload(f"{entry.filename} is too large to be a post.")
    try:
        with archive.open(entry) as file:
            data = file.read(limit + 1)
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,  # headers that disagree: a negative seek, a name that is not UTF-8
        zlib.error,
    ) as error:
        raise UnreadableUpload(f"{entry.filename} cannot be unpacked: {error}.") from None
    if len(data) > limit or len(data) != entry.file_size:
        raise UnreadableUpload(f"{entry.filename} is not the size the ZIP says it is.")
    return decode(data, entry.filename)


# --- Checking records into rows ------------------------------------------------------------


def check_records(records, taken_slugs):
    """(rows, problems): a row (JSON-serialisable) for each record that can be imported;
    a problem ``{"label", "title", "level", "message"}`` for each thing the blogger should
    know, ``level`` "error" for a record left out. A link already used by a post of the
    blog (``taken_slugs``) or an earlier row is marked ``clash``, for the blogger's choice."""
    rows, problems = [], []
    seen = {}
    for record in records:
        row, row_problems = check_record(record)
        problems.extend(row_problems)
        if row is None:
            continue
        slug = row["slug"]
        if slug in taken_slugs or slug in seen:
            row["clash"] = True
            where = f"{seen[slug]}" if slug in seen else "a post of your blog"
            problems.append(
                problem(record, "warning", f"The link “{slug}” is already used by {where}.")
            )
        seen.setdefault(slug, record["label"])
        rows.append(row)
    return rows, problems


def problem(record, level, message):
    return {
        "label": record["label"],
        "title": str(record.get("title", ""))[:100],
        "level": level,
        "message": message,
    }


def check_record(record):
    """(row or None, problems) for one record."""
    problems = [
        problem(record, "warning", f"Unknown attribute “{name}” ignored.")
        for name in record.get("unknown", [])
    ] + [problem(record, "warning", note) for note in record.get("notes", [])]

    def fail(message):
        problems.append(problem(record, "error", message))
        return None, problems

    content = str(record.get("content", ""))
    if len(content) > MAX_MARKDOWN_LENGTH:
        return fail(
            f"The post is {len(content):,} characters long; at most "
            f"{MAX_MARKDOWN_LENGTH:,} can be published. Split it into several posts."
        )
    row = {"label": record["label"], "content": content, "clash": False}
    for column in ("published_date", "first_published_at"):
        value, error = read_date(record.get(column, ""))
        if error:
            return fail(f"{column} “{error}” is not a date (write it like 2024-05-01T09:30:00Z).")
        row[column] = value
    for column, default in BOOLEAN_DEFAULTS.items():
        value = record.get(column, "")
        row[column] = read_boolean(value, default)
        if row[column] is None:
            row[column] = default
            problems.append(
                problem(record, "warning", f"{column} “{value}” is not true or false: {default}.")
            )
    row["tags"] = read_tags(record.get("all_tags", []))
    row["title"], row["slug"] = read_title_and_slug(record, problems)
    row["uid"] = str(record.get("uid", "")).strip()[:100]
    for column in CUT_FIELDS + CHECKED_FIELDS:
        field = FIELD_OF_COLUMN.get(column, column)
        value = row.get(column, record.get(column))
        row[field] = checked_value(record, column, field, value, problems)
    return row, problems


def read_title_and_slug(record, problems):
    title = str(record.get("title", "")).strip() or "Untitled"
    given = slug = str(record.get("slug", "")).strip()
    if given and not is_slug(given):
        slug = slugify(given, allow_unicode=True)[:255].strip("-")
        problems.append(
            problem(record, "warning", f"The link “{given[:100]}” was changed to “{slug}”.")
        )
    slug = slug or slugify(title, allow_unicode=True)[:80].strip("-") or "post"
    if slug in RESERVED_POST_SLUGS:
        problems.append(
            problem(
                record, "warning", f"“{slug}” is a path the blog uses: the link is {slug}-post."
            )
        )
        slug = f"{slug}-post"
    return title, slug


def is_slug(value):
    """Whether ``value`` is a link the editor accepts as it is (Wagtail's slug field)."""
    try:
        PostPage._meta.get_field("slug").run_validators(value)
    except ValidationError:
        return False
    return len(value) <= 255


def checked_value(record, column, field_name, value, problems):
    """A column's value, checked with the post's own field: cut to length, or left out."""
    value = str(value or "").strip()
    field = PostPage._meta.get_field(field_name)
    if column in CUT_FIELDS and len(value) > field.max_length:
        problems.append(
            problem(record, "warning", f"{column} cut to {field.max_length} characters.")
        )
        return value[: field.max_length]
    try:
        field.clean(value, None)
    except ValidationError as error:
        messages = " ".join(dict.fromkeys(error.messages))  # two URL validators, one message
        problems.append(problem(record, "warning", f"{column} left out: {messages}"))
        return ""
    return value


def read_date(value):
    """(ISO 8601 in UTC or "", the bad value or "")."""
    value = str(value or "").strip()
    if not value:
        return "", ""
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.datetime(day.year, day.month, day.day)
    except ValueError:
        moment = None
    if moment is None:
        return "", value[:50]
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    try:
        return moment.astimezone(datetime.UTC).isoformat(), ""
    except OverflowError:  # 0001-01-01T00:00+14:00 is before the first UTC moment
        return "", value[:50]


def read_boolean(value, default):
    """True, False, ``default`` for an empty value, None for a value that is neither."""
    word = str(value).strip().lower()
    if not word:
        return default
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def read_tags(value):
    """Tags from a list (a Markdown header), a JSON list (Bear's CSV) or ``a, b`` text,
    in their order (Bear keeps it), each once."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = json.loads(text) if text.startswith("[") else None
        except (ValueError, RecursionError):  # not JSON, or [[[[... deeper than Python goes
            value = None
        if not isinstance(value, list):
            value = unbracketed(text).split(",")
    names = [str(tag).strip()[:100] for tag in value]
    return list(dict.fromkeys(name for name in names if name))
