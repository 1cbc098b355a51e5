"""Bear Blog's attribute header: ``name: value`` lines at the top of a post's Markdown.

Bear Blog has no form fields: a post there starts with lines like ::

    title: My first post
    link: first-post
    published_date: 2024-01-31 14:05
    tags: life, notes

then a blank line and the post. Our posts have a field for each of these, and a blogger
who comes from Bear (or who would rather type than click) may still write them this
way: the post form (``blog.models.forms.PostPageForm``) reads the header with
``read_bear_header``, fills the fields with it and keeps the post without it.

What is a header. Ordinary prose must never be taken for one ("Note: this is...",
"Update: ...", "Link: https://..." at the start of a link post), so a header is
recognised only when the body

* starts with a ``name: value`` line whose name is one of Bear's attributes written as
  Bear writes it, in lowercase (``title: ...``, never ``Title: ...``); the header then runs
  to the first blank line;
* or starts with a ``---`` line followed by a ``name: value`` line naming one of Bear's
  attributes (in any case), as static site generators write front matter; the header
  then runs to the next ``---`` line, and blank lines inside it are skipped.

Anything else is the body, untouched: a blogger who never types a header never meets one.

Inside a recognised header every line must be ``name: value`` with one of the names of
``ATTRIBUTES`` (in any case), each name once. Values:

* An empty value sets nothing: the field keeps what it has. A template of empty lines,
  like Bear's post template, changes nothing; a field is emptied in the field itself.
* A value in double quotes is read as a JSON string (``title: "Hello: world"``), as YAML
  front matter and our own export (``blog.transfer.export.header_value``) quote them.
* ``link`` is the post's link (our ``slug``); slashes around it, as Bear allows, are dropped.
* ``is_page`` and ``make_discoverable``: true or false (also yes/no, on/off, 1/0), any case.
* ``published_date``: ``2024-01-31``, ``2024-01-31 14:05``, ISO 8601 with an offset
  (``2024-01-31T14:05:00+02:00``, ``...Z``), or with slashes (``2024/01/31``) as Bear reads
  it. A time without an offset is in the site's time zone (``TIME_ZONE``, UTC).
* ``tags``: comma-separated (``a, b``); ``[a, b]`` and a JSON list are read too; a tag
  given twice counts once.
* ``meta_image``: an image's address, as Bear takes it, is the post's social image
  address (``meta_image_url``, never fetched); an image of the blog's own, chosen in the
  post's settings, goes before it.

The field checks (a link already taken, a URL that is no URL, lengths) are the form's:
this module only reads the text. Every problem names its line, and all of them are
reported at once, so that the blogger mends the header in one go.
"""

import datetime
import json
import re
from dataclasses import dataclass

from django.utils import timezone

# Bear's attribute names, and the field of ``PostPage`` that each one fills.
ATTRIBUTES = {
    "title": "title",
    "link": "slug",
    "alias": "alias",
    "canonical_url": "canonical_url",
    "published_date": "published_date",
    "is_page": "is_page",
    "meta_description": "meta_description",
    "meta_image": "meta_image_url",
    "lang": "lang",
    "tags": "tags",
    "make_discoverable": "make_discoverable",
    "class_name": "class_name",
}
TRUE_WORDS = {"true", "yes", "on", "1"}
FALSE_WORDS = {"false", "no", "off", "0"}
FENCE = "---"
# ``name: value``; the name cannot hold a colon, so a value may (a time, a URL).
ATTRIBUTE_LINE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(.*)")
LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\r?\n)+")
SHOWN_LENGTH = 60  # of a bad value quoted back in a message


@dataclass(frozen=True)
class BearHeader:
    """A header read from the top of a post.

    ``values`` maps each field the header fills to its value: text, a bool, an aware
    datetime in UTC, or a list of tag names. ``lines`` maps every field the header
    names (filled or left empty) to its line number and the name as written.
    ``problems`` are the messages for the blogger, each naming its line. ``body`` is the
    post after the header, leading blank lines dropped.
    """

    values: dict
    lines: dict
    problems: list
    body: str

    def place(self, field):
        """Where the header gives ``field``, as messages name it: "Line 2, link"."""
        number, name = self.lines[field]
        return f"Line {number}, {name}"


def read_bear_header(text):
    """The header at the top of ``text`` (a post's body), or None when it has none."""
    raw_lines = text.split("\n")
    lines = [line.rstrip() for line in raw_lines]
    if lines[0] == FENCE and len(lines) > 1 and names_attribute(lines[1], any_case=True):
        closing = next((i for i in range(1, len(lines)) if lines[i] == FENCE), None)
        if closing is None:
            problem = (
                "Line 1: the header that starts with --- has no closing --- line. "
                "End it with a line of three hyphens."
            )
            return BearHeader(values={}, lines={}, problems=[problem], body=text)
        numbered = [(i + 1, lines[i]) for i in range(1, closing) if lines[i].strip()]
        rest, end = closing + 1, "a line of --- ends it"
    elif names_attribute(lines[0], any_case=False):
        rest = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
        numbered = [(i + 1, lines[i]) for i in range(rest)]
        end = "a blank line ends it"
    else:
        return None
    body = LEADING_BLANK_LINES.sub("", "\n".join(raw_lines[rest:]))
    return read_lines(numbered, body, end)


def names_attribute(line, any_case):
    """Whether ``line`` is ``name: value`` with one of Bear's names (lowercase unless
    ``any_case``): the test of whether a header starts here."""
    match = ATTRIBUTE_LINE.fullmatch(line)
    if match is None:
        return False
    name = match[1].lower() if any_case else match[1]
    return name in ATTRIBUTES


def read_lines(numbered, body, end):
    """The header of the ``(line number, line)`` pairs; ``end`` says what ends it."""
    values, lines, problems = {}, {}, []
    for number, line in numbered:
        match = ATTRIBUTE_LINE.fullmatch(line.strip())
        if match is None:
            problems.append(
                f"Line {number}: {shown(line.strip())} is not an attribute. The header is one "
                f"“name: value” a line, and {end}."
            )
            continue
        name, value = match[1], unquoted(match[2].strip())
        field = ATTRIBUTES.get(name.lower())
        if field is None:
            problems.append(
                f"Line {number}: there is no attribute “{name}”. The attributes are "
                + ", ".join(ATTRIBUTES)
                + "."
            )
            continue
        if field in lines:
            problems.append(
                f"Line {number}, {name}: given twice (also on line {lines[field][0]}). "
                "Keep one of the two."
            )
            continue
        lines[field] = (number, name)
        if not value:
            continue
        try:
            values[field] = VALUE_READERS.get(field, str)(value)
        except ValueError as error:
            problems.append(f"Line {number}, {name}: {error}")
    return BearHeader(values=values, lines=lines, problems=problems, body=body)


def unquoted(value):
    """The text of a value in double quotes written as JSON; any other value as it is."""
    if len(value) < 2 or not (value.startswith('"') and value.endswith('"')):
        return value
    try:
        return json.loads(value)
    except ValueError:  # "a" and "b": quotes that are part of the text
        return value


def shown(value):
    """A value quoted back to the blogger, shortened: a runaway line is not repeated."""
    if len(value) > SHOWN_LENGTH:
        value = value[: SHOWN_LENGTH - 1] + "…"
    return f"“{value}”"


def read_link(value):
    return value.strip("/")


def read_boolean(value):
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{shown(value)} is not true or false.")


def read_date(value):
    """An aware datetime in UTC; naive times are in the current time zone (the writer's,
    in the dashboard), as the Published date field reads them."""
    try:
        moment = datetime.datetime.fromisoformat(value.replace("/", "-"))
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_current_timezone())
        return moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):  # OverflowError: before year 1 or after 9999 in UTC
        raise ValueError(
            f"{shown(value)} is not a date. Write it like 2024-01-31 or 2024-01-31 14:05."
        ) from None


def read_tags(value):
    """Tag names, in the order written, each once."""
    items = value.split(",")
    if value.startswith("[") and value.endswith("]"):
        items = json_strings(value) or value[1:-1].split(",")
    return list(dict.fromkeys(tag.strip() for tag in items if tag.strip()))


def json_strings(value):
    """The list ``value`` is when it is a JSON list of strings, else None (``[a, b]``)."""
    try:
        items = json.loads(value)
    except (ValueError, RecursionError):  # RecursionError: [[[[... deeper than Python goes
        return None
    if isinstance(items, list) and all(isinstance(item, str) for item in items):
        return items
    return None


VALUE_READERS = {
    "slug": read_link,
    "is_page": read_boolean,
    "make_discoverable": read_boolean,
    "published_date": read_date,
    "tags": read_tags,
}
