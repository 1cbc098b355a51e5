"""Bear's attribute header: what is a header, what each attribute reads as, what is refused."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from blog.core.bear_header import ATTRIBUTES, read_bear_header


def header_of(text):
    header = read_bear_header(text)
    assert header is not None, "no header recognised"
    return header


def value_of(line):
    header = header_of(line + "\n\nThe post.")
    assert header.problems == []
    return header.values


def problems_of(text):
    return header_of(text).problems


# --- What is a header, and what is prose


@pytest.mark.parametrize(
    "body",
    [
        "Note: this is not a header.",
        "Update: the bug is fixed.\n\nMore below.",
        "Link: https://example.com/an-article\n\nMy thoughts on it.",
        "Title: a capitalised word starting prose",
        "TL;DR: short.",
        "Hello world\ntitle: too late to be a header",
        "",
        "# A heading\n\ntitle: in the body",
        "---\n\nA post that opens with a horizontal rule.",
        "---\nNote: a rule, then prose\n---",
        "title of my post is this",
        "    title: an indented code block",
    ],
)
def test_prose_is_never_taken_for_a_header(body):
    assert read_bear_header(body) is None


def test_a_header_runs_to_the_first_blank_line_and_the_body_is_what_follows():
    header = header_of("title: My post\nlink: my-post\n\n\nThe post.\n\nlink: not header")
    assert header.values == {"title": "My post", "slug": "my-post"}
    assert header.body == "The post.\n\nlink: not header"
    assert header.problems == []


def test_a_header_alone_leaves_an_empty_body():
    assert header_of("title: Just a title").body == ""


def test_the_body_after_a_header_keeps_its_line_endings_and_indented_code():
    header = header_of("title: T\r\ntags: a\r\n\r\n    code()\r\nText\r\n")
    assert header.values == {"title": "T", "tags": ["a"]}
    assert header.body == "    code()\r\nText\r\n"


def test_a_front_matter_header_between_dashes_is_read_in_any_case():
    header = header_of("---\nTitle: Fenced\n\nTAGS: a, b\n---\n\nThe post.\n---\nMore.")
    assert header.values == {"title": "Fenced", "tags": ["a", "b"]}
    assert header.body == "The post.\n---\nMore."
    assert header.place("tags") == "Line 4, TAGS"


def test_names_after_the_first_line_are_read_in_any_case():
    assert value_of("title: T\nIs_Page: true") == {"title": "T", "is_page": True}


def test_a_front_matter_header_without_its_closing_dashes_is_an_error():
    header = header_of("---\ntitle: Open\n\nThe post.")
    assert header.problems == [
        "Line 1: the header that starts with --- has no closing --- line. "
        "End it with a line of three hyphens."
    ]
    assert header.values == {}


# --- Every attribute


@pytest.mark.parametrize(
    ("line", "values"),
    [
        ("title: Hello: a subtitle", {"title": "Hello: a subtitle"}),
        ("link: my-post", {"slug": "my-post"}),
        ("link: /my-post/", {"slug": "my-post"}),
        ("alias: /2019/old-post/", {"alias": "/2019/old-post/"}),
        ("canonical_url: https://example.com/a", {"canonical_url": "https://example.com/a"}),
        ("meta_description: About: things", {"meta_description": "About: things"}),
        ("lang: de-CH", {"lang": "de-CH"}),
        ("class_name: wide dark", {"class_name": "wide dark"}),
        ("is_page: true", {"is_page": True}),
        ("make_discoverable: false", {"make_discoverable": False}),
        ("tags: life, notes", {"tags": ["life", "notes"]}),
    ],
)
def test_each_attribute_fills_its_field(line, values):
    assert value_of(line) == values


def test_every_attribute_bear_knows_is_known():
    assert list(ATTRIBUTES) == [
        "title",
        "link",
        "alias",
        "canonical_url",
        "published_date",
        "is_page",
        "meta_description",
        "meta_image",
        "lang",
        "tags",
        "make_discoverable",
        "class_name",
    ]


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("true", True),
        ("True", True),
        ("YES", True),
        ("on", True),
        ("1", True),
        ("false", False),
        ("False", False),
        ("no", False),
        ("off", False),
        ("0", False),
    ],
)
def test_booleans_are_true_or_false_in_the_usual_words(word, value):
    assert value_of(f"is_page: {word}") == {"is_page": value}


@pytest.mark.parametrize(
    ("written", "moment"),
    [
        ("2024-01-31", datetime(2024, 1, 31, tzinfo=UTC)),
        ("2024-01-31 14:05", datetime(2024, 1, 31, 14, 5, tzinfo=UTC)),
        ("2024/01/31 14:05", datetime(2024, 1, 31, 14, 5, tzinfo=UTC)),
        ("2024-01-31T14:05:30", datetime(2024, 1, 31, 14, 5, 30, tzinfo=UTC)),
        ("2024-01-31T14:05:00Z", datetime(2024, 1, 31, 14, 5, tzinfo=UTC)),
        ("2024-01-31T14:05:00+02:00", datetime(2024, 1, 31, 12, 5, tzinfo=UTC)),
        ("2024-01-31 14:05-05:30", datetime(2024, 1, 31, 19, 35, tzinfo=UTC)),
    ],
)
def test_dates_are_read_as_bear_and_iso_8601_write_them(written, moment):
    published = value_of(f"published_date: {written}")["published_date"]
    assert published == moment
    assert published.utcoffset() == timedelta(0)


def test_a_date_without_an_offset_is_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Europe/Zurich"
    published = value_of("published_date: 2024-01-31 14:05")["published_date"]
    assert published == datetime(2024, 1, 31, 14, 5, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize(
    ("written", "tags"),
    [
        ("a, b", ["a", "b"]),
        ("machine learning, notes", ["machine learning", "notes"]),
        ("single tag with spaces", ["single tag with spaces"]),
        ("b, a, b, ,", ["b", "a"]),
        ("[a, b]", ["a", "b"]),
        ('["one, two", "three"]', ["one, two", "three"]),
    ],
)
def test_tags_are_comma_separated_or_a_list(written, tags):
    assert value_of(f"tags: {written}") == {"tags": tags}


def test_a_value_in_double_quotes_is_read_as_a_json_string():
    assert value_of('title: "  Spaced: \\"quoted\\"  "') == {"title": '  Spaced: "quoted"  '}
    assert value_of('title: "a" and "b"') == {"title": '"a" and "b"'}


def test_an_empty_value_sets_nothing_so_a_template_of_empty_lines_changes_nothing():
    header = header_of("title:\nlink:\npublished_date:\ntags:\nis_page:\nmeta_image:\n\nBody")
    assert header.values == {}
    assert header.problems == []
    assert header.body == "Body"


# --- What is refused, and how the blogger is told


def test_an_unknown_attribute_names_its_line_and_the_known_ones():
    assert problems_of("title: T\ndraft: true\n\nBody") == [
        "Line 2: there is no attribute “draft”. The attributes are title, link, alias, "
        "canonical_url, published_date, is_page, meta_description, meta_image, lang, tags, "
        "make_discoverable, class_name."
    ]


def test_a_line_that_is_not_name_colon_value_is_an_error_naming_what_ends_a_header():
    assert problems_of("title: T\nMy first paragraph, with no blank line before it.") == [
        "Line 2: “My first paragraph, with no blank line before it.” is not an attribute. "
        "The header is one “name: value” a line, and a blank line ends it."
    ]
    assert problems_of("---\ntitle: T\n- a list item\n---\n") == [
        "Line 3: “- a list item” is not an attribute. The header is one “name: value” a "
        "line, and a line of --- ends it."
    ]


def test_a_bad_boolean_names_its_line():
    assert problems_of("title: T\nis_page: maybe") == [
        "Line 2, is_page: “maybe” is not true or false."
    ]


@pytest.mark.parametrize(
    "written", ["31/01/2024", "tomorrow", "2024-02-30", "0001-01-01T00:00+01:00"]
)
def test_a_bad_date_names_its_line_and_how_to_write_one(written):
    assert problems_of(f"published_date: {written}") == [
        f"Line 1, published_date: “{written}” is not a date. "
        "Write it like 2024-01-31 or 2024-01-31 14:05."
    ]


def test_an_image_address_is_the_posts_image_address():
    header = header_of("title: T\nmeta_image: https://example.com/cat.png\n\nBody")
    assert header.problems == []
    assert header.values == {"title": "T", "meta_image_url": "https://example.com/cat.png"}


def test_an_attribute_given_twice_is_an_error():
    assert problems_of("title: One\nlink: one\nTitle: Two") == [
        "Line 3, Title: given twice (also on line 1). Keep one of the two."
    ]


def test_every_problem_is_reported_at_once():
    problems = problems_of("title: T\nfoo: 1\nis_page: perhaps\npublished_date: soon")
    assert [problem.split(":")[0] for problem in problems] == [
        "Line 2",
        "Line 3, is_page",
        "Line 4, published_date",
    ]


def test_a_runaway_bad_value_is_shortened_in_the_message():
    (problem,) = problems_of("title: T\nis_page: " + "x" * 500)
    assert problem == "Line 2, is_page: “" + "x" * 59 + "…” is not true or false."
