"""Properties that must hold for *any* input, checked with hypothesis.

Example-based tests elsewhere prove the features; these prove the promises that hold for
every string a blogger, a reader or a file can bring: the Markdown pipeline never raises
and never lets code through, directives and the attribute header never raise, subdomains
and custom domains are accepted only as clean hostnames the platform does not own, an
upload is either read or refused with a message, an export imports back as it was, and no
address on a blog or the platform answers with a server error.
"""

import contextlib
import datetime
import io
import json
import re
import sys
import uuid
import warnings
import zipfile
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import idna
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from blog.core.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    EMBED_HOSTS,
    MATHML_TAGS,
    SET_TAG_ATTRIBUTE_VALUES,
    TAG_ATTRIBUTE_VALUES,
    URL_SCHEMES,
    render_markdown,
    sanitise_html,
)
from blog.core.names import (
    MAX_DOMAIN_LENGTH,
    RESERVED_SUBDOMAINS,
    blog_hostname,
    normalise_domain,
    validate_custom_domain,
)
from blog.models import RESERVED_POST_SLUGS, BlogPage
from blog.reader import directives
from blog.reader.directives import DirectiveError, expand_directives, parse_directive
from blog.tenants.lifecycle import validate_subdomain
from blog.transfer.export import (
    CSV_COLUMNS,
    HEADER_ATTRIBUTES,
    markdown_post,
    post_entries,
    posts_csv,
    read_markdown_post,
)
from blog.transfer.uploads import UnreadableUpload, check_records, read_upload
from tests.support.clients import host_client

# Examples per test come from the profile (tests/conftest.py); some tests scale it.
EXAMPLES = settings.default.max_examples


def shared_fixtures(**kwargs):
    """Settings for a test whose fixture, built once, serves every example: nothing the
    examples do changes it."""
    return settings(suppress_health_check=[HealthCheck.function_scoped_fixture], **kwargs)


# --- Strategies ----------------------------------------------------------------------------

# Pieces of Markdown and HTML that have broken Markdown sanitisers before: raw tags and
# their half-open forms, URL schemes in disguise, code fences, math, directives, attribute
# lists, comments, entities, and the characters that split lines or strings.
MARKDOWN_PIECES = [
    "<script>alert(1)</script>", "<script", "</script>", "<SCRIPT SRC=//x.example>",
    '<img src=x onerror="alert(1)">', "<img src=x onerror=alert(1)//", "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>', "[x](javascript:alert(1))", "[x](jAvA\tscript:a)",
    "[x](&#106;avascript:alert(1))", "<a href=&#x6A;avascript:alert(1)>x</a>",
    "[x]: javascript:alert(1)\n", "![i](javascript:alert(1))", "<javascript:alert(1)>",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>', "[x](vbscript:msgbox)",
    '<iframe src="https://www.youtube.com/embed/x"></iframe>', '<iframe src="//evil.example">',
    '<iframe src="https://evil.example/"></iframe>', "<iframe srcdoc='<script>x</script>'>",
    "<style>*{}</style>", '<p style="x">', "<form action=//x><input name=p>", "<input>",
    "<object data=x>", "<embed src=x>", "<base href=//x>", "<meta http-equiv=refresh>",
    "<math><mi>x</mi></math>", "<math href=javascript:alert(1)>", "<details open ontoggle=a>",
    "<!--", "-->", "<![CDATA[", "]]>", "<?php ?>", "<noscript><p title=\"</noscript><script>",
    "<textarea><script>", "<title><script>", "<template><script>", "<select><script>",
    "{: onclick=alert(1) }", '{: #id .cls onmouseover="a" }', "{: style=x }",
    "```", "```python\n", "~~~", "    code\n", "`", "``", "$", "$$", "$x$", "$$\\frac{a}{b}$$",
    "$\\href{javascript:alert(1)}{x}$", "$\\style{color:red}{x}$", "{{ posts }}",
    "{{ posts|limit:5 }}", "{{ blog_title }}", "{{ post_link }}", "{{ email-signup }}", "{{",
    "}}", "[^1]", "[^1]: note\n", "*", "**", "_", "~~", "==", "^", "- [x] ", "1. ", "> ", "#",
    "## ", "---\n", "| a | b |\n|---|---|\n", "\n", "\n\n", "\r\n", "\t", "    ", "&amp;",
    "&lt;", "&", "<", ">", '"', "'", "=", "\\", "\x00", "\u2028", "\u202e", "\ufeff",
    "\U0001f600", "é", "https://example.com/a_b*c*", "www.example.com", "<div markdown=1>",
    "</div>", "<p>", "</p>", "<span>", "</span>", "<abbr title=x>",
]  # fmt: skip
# Tokens that nest: repeated hundreds of times they build trees deeper than Python recurses.
NESTING = {
    "*": 2500, "_": 2500, "~~": 1500, "> ": 1500, "<div>": 1500, "<span>": 1500, "- ": 300,
    "  - a\n": 300, "[": 300, "(": 1000, "`": 1000, "$": 1000, "{{": 300,
}  # fmt: skip
nested = st.sampled_from(sorted(NESTING)).flatmap(
    lambda token: st.integers(1, NESTING[token]).map(lambda n: token * n)
)
markdownish = st.lists(
    st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=12), nested), max_size=30
).map("".join)

# Text without NUL: Django's form fields refuse it, so no title or body ever holds one.
plain_text_characters = st.characters(exclude_characters="\x00", exclude_categories=["Cs"])
plain_text = st.text(plain_text_characters)


def stripped(strategy):
    """Text as a Django form field stores it: stripped, and not empty."""
    return strategy.map(str.strip).filter(bool)


# --- What sanitised HTML may contain --------------------------------------------------------

ALL_TAGS = ALLOWED_TAGS | MATHML_TAGS | {"iframe"}
URL_ATTRIBUTES = {"href", "src"}


class TagCollector(HTMLParser):
    """Every start tag of a piece of HTML, with its attributes (entities decoded)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def start_tags(markup):
    collector = TagCollector()
    collector.feed(markup)
    collector.close()
    return collector.tags


def url_scheme(value):
    """The scheme a browser would see in ``value`` (the WHATWG URL parser): it strips
    control characters and spaces around a URL, and tabs and newlines anywhere in it,
    so ``java&#9;script:`` is ``javascript:``."""
    squeezed = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(33))))).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", squeezed)
    return match[1] if match else None


def allowed_attribute(tag, name):
    return (
        name in ALLOWED_ATTRIBUTES["*"]
        or name in ALLOWED_ATTRIBUTES.get(tag, ())
        or name in TAG_ATTRIBUTE_VALUES.get(tag, {})
        or name in SET_TAG_ATTRIBUTE_VALUES.get(tag, {})
        or (tag == "a" and name == "rel")
    )


def assert_sanitised(markup):
    """Only allow-listed tags and attributes, no event handler, no script URL."""
    assert "<script" not in markup.lower()
    for tag, attrs in start_tags(markup):
        assert tag in ALL_TAGS, (tag, markup)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, markup)
            assert allowed_attribute(tag, name), (tag, name, markup)
            if name in URL_ATTRIBUTES and value:
                assert url_scheme(value) in URL_SCHEMES | {None}, (tag, name, value)
            if tag == "iframe" and name == "src":
                assert urlsplit(value).hostname in EMBED_HOSTS, value


# --- The Markdown pipeline ------------------------------------------------------------------


@given(markdownish)
@example("*" * 2000 + "x" + "*" * 2000)  # deeper than Python recurses: was a RecursionError
@example("[x](jAvA\tscript:alert(1))")
@example('<a href=" java&#9;scr&#10;ipt:alert(1)">x</a>')
# An iframe's content is raw text, kept as it was: "<script>" reached the stored HTML.
@example('<iframe src="//evil.example"><script>alert(1)</script>')
@example('<iframe src="https://www.youtube.com/embed/x"><img src=x onerror=alert(1)></iframe>')
# nh3 wrote <p><p></p></p>, which a browser reads as three paragraphs: not what was cleaned.
@example("<select><script><script>alert(1)</script>")
@example(
    "https://example.com/a_b*c*$0$" + "<div>" * 24 + "<script<script>https://example.com/a_b*c*"
)
# Never settles in five cleanings: shown as text, which must be settled itself.
@example('<script<script>alert(1)</script>https://example.com/a_b*c*<img src=x onerror="alert(1)">'
         + "<div>" * 40 + "[^1]: note\nhttps://example.com/a_b*c*")  # fmt: skip
@example('<noscript><p title="</noscript><script>alert(1)</script>">')
def test_any_markdown_renders_to_sanitised_html_that_cleaning_again_leaves_alone(text):
    with default_recursion_limit():
        rendered = render_markdown(text)
    assert_sanitised(rendered)
    assert sanitise_html(rendered) == rendered


@given(markdownish)
def test_rendering_the_same_markdown_twice_gives_the_same_html(text):
    assert render_markdown(text) == render_markdown(text)


@given(st.text())
def test_any_unicode_text_renders_without_error(text):
    assert_sanitised(render_markdown(text))


@settings(max_examples=max(EXAMPLES // 6, 5))  # thousands of markers take a while to render
@given(st.sampled_from(["*", "_", "- ", "> ", "~~"]), st.integers(1000, 2500))
@example("*", 2000)  # Python-Markdown's toc walk: RecursionError, a 500 on save
@example("- ", 3000)  # nested lists: a RecursionError too
def test_markdown_nested_deeper_than_python_recurses_still_renders(token, depth):
    text = token * depth + "x" + token.strip() * depth
    with default_recursion_limit():
        rendered = render_markdown(text)
    assert_sanitised(rendered)
    assert "x" in rendered


@contextlib.contextmanager
def default_recursion_limit():
    """Python's default recursion limit, which a web worker runs with: hypothesis raises
    it while a test runs, which would hide the RecursionError a blogger would get."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


# --- Directives -----------------------------------------------------------------------------

DIRECTIVE_PIECES = [
    "posts", "tags", "blog_title", "blog_link", "blog_created_date", "blog_last_posted",
    "post_title", "post_link", "next_post", "previous_post", "email-signup", "unknown", "|",
    "tag:", "limit:", "order:", "from:", "to:", "description:", "content:", "image:", "true",
    "False", "asc", "DESC", "5", "0", "-1", "999999999", "9999999999", "٣", "²", "2024-02-30",
    "2024-01-31", "9999-12-31", "0001-01-01", "0000-01-01", "a,-b", "-", ",", "&amp;",
    "&#124;", "&#x7c;", "&lt;", "&quot;", "&#0;", "&#xffffff;", " ", ":", "\x00",
]  # fmt: skip
directive_body = st.lists(
    st.one_of(st.sampled_from(DIRECTIVE_PIECES), st.text(max_size=6)), max_size=12
).map("".join)
directive = directive_body.map(lambda body: "{{" + body + "}}")
with_directives = st.lists(
    st.one_of(directive, st.sampled_from(MARKDOWN_PIECES), st.text(max_size=10)), max_size=20
).map("".join)
HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(1)> {{ blog_title }} &amp;'
# What directives themselves add to sanitised HTML: lists, dates, the signup form, marks.
DIRECTIVE_TAGS = {"ul", "li", "span", "a", "time", "p", "img", "div", "mark"} | {
    "form",
    "label",
    "input",
    "button",
}


@given(directive)
def test_a_directive_parses_or_says_what_is_wrong_with_it(text):
    try:
        name, filters = parse_directive(text)
        if name == "posts":
            directives.parse_posts_filters(filters)
    except DirectiveError:
        pass


@pytest.fixture
def hostile_blog(make_blogger, make_post):
    """A blog whose title, description, posts and tags all hold markup and directives."""
    blog = make_blogger(title="Blog " + HOSTILE)
    blog.meta_description = HOSTILE
    blog.save_revision().publish()
    posts = [
        make_post(blog, title=f"{n} {HOSTILE}", meta_description=HOSTILE, tags=[HOSTILE, "a"])
        for n in range(3)
    ]
    return blog, posts[1]


@shared_fixtures()
@given(text=with_directives, preview=st.booleans(), in_post=st.booleans())
@example(
    text="{{ posts|content:true|description:true }}\n\n{{ tags }}", preview=False, in_post=True
)
@example(
    text="[x]({{ post_link }}) {{ next_post }} {{ previous_post }}", preview=True, in_post=True
)
@example(
    text="{{ posts|limit:9999999999 }} {{ posts|from:0000-01-01 }}", preview=True, in_post=False
)
def test_directives_in_any_stored_html_expand_without_error_or_unescaped_user_text(
    hostile_blog, text, preview, in_post
):
    blog, post = hostile_blog
    page = post if in_post else blog
    expanded = expand_directives(render_markdown(text), blog=blog, page=page, preview=preview)
    assert "<script" not in expanded.lower()
    for tag, attrs in start_tags(expanded):
        assert tag in ALL_TAGS | DIRECTIVE_TAGS, (tag, expanded)
        assert not any(name.startswith("on") for name, _value in attrs), expanded


@shared_fixtures()
@given(text=with_directives, preview=st.booleans())
def test_directives_in_any_text_at_all_never_raise(hostile_blog, text, preview):
    blog, post = hostile_blog
    assert isinstance(expand_directives(text, blog=blog, page=post, preview=preview), str)


# --- The attribute header of a post ---------------------------------------------------------

header_text = st.lists(
    st.one_of(
        st.sampled_from(["title: ", "tags: ", "link: ", ":", "\n", "\n\n", "\r\n", '"', "[", "]",
                         "[[[[", '"\\u', "\\", ", ", "true", "null", "1e999", "\u2028", "\x85"]),
        st.text(max_size=10),
        st.integers(1, 5000).map(lambda n: "[" * n),
    ),
    max_size=20,
).map("".join)  # fmt: skip


@given(header_text)
@example("tags: " + "[" * 100_000)  # deeper than json can go: was RecursionError
def test_any_text_reads_as_attributes_and_a_body(text):
    attributes, body = read_markdown_post(text)
    assert body == text.partition("\n\n")[2]
    assert isinstance(attributes["tags"], list)


def header_values(st_text):
    """A post's values as ``blog.transfer.export.post_records`` gives them."""
    tag = stripped(st.text(max_size=100))
    return st.fixed_dictionaries(
        {
            "uid": st.uuids().map(str),
            "title": st_text,
            "slug": st_text,
            "alias": st_text,
            "published_date": st_text,
            "all_tags": st.lists(tag, max_size=5, unique=True).map(sorted),
            "publish": st.booleans(),
            "make_discoverable": st.booleans(),
            "is_page": st.booleans(),
            "content": st_text,
            "canonical_url": st_text,
            "meta_description": st_text,
            "meta_image": st_text,
            "lang": st_text,
            "class_name": st_text,
            "first_published_at": st_text,
        }
    )


@given(header_values(st.text()))
@example(
    {**dict.fromkeys(CSV_COLUMNS, ""), "all_tags": ["[draft", "ideas]"], "publish": True,
     "make_discoverable": False, "is_page": False, "title": ' "quoted" \u2028\x85 '}
)  # fmt: skip
def test_a_header_the_export_writes_reads_back_as_the_same_values(record):
    attributes, body = read_markdown_post(markdown_post(record))
    assert body == record["content"]
    for name, column in HEADER_ATTRIBUTES.items():
        value = record[column]
        expected = ("true" if value else "false") if isinstance(value, bool) else value
        assert attributes[name] == expected, name


# --- Subdomains and custom domains ----------------------------------------------------------

PLATFORM_NAMES = [
    name
    for name in (
        django_settings.BLOG_DOMAIN,
        django_settings.CUSTOM_DOMAIN_TARGET,
        django_settings.AWS_S3_CUSTOM_DOMAIN,
    )
    if name
]
HOST_PIECES = [
    *sorted(RESERVED_SUBDOMAINS), *PLATFORM_NAMES, *(name.split(".")[0] for name in PLATFORM_NAMES),
    "blog", "a", "0", "-", "--", "xn--", "xn--caf-dma", "xn--a", ".", "..", "。", "．", ":",
    ":8000",
    "/", "https://", "HTTP://", "@", "%2e", "ＷＷＷ", "\u212a", "İ", "ß", "ﬀ", "é", "\u200d", " ",
    "\t", "\n", "\x00", "1", "127.0.0.1", "[::1]", "com", "example", "EXAMPLE", "a" * 63, "a" * 64,
]  # fmt: skip
hostish = st.lists(
    st.one_of(st.sampled_from(HOST_PIECES), st.text(max_size=8)), min_size=1, max_size=8
).map("".join)
LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)


def owned_by_platform(hostname, but=None):
    """Whether ``hostname`` is, or is under, a name of the platform's (other than ``but``)."""
    names = [name for name in PLATFORM_NAMES if name != but]
    return any(hostname == name or hostname.endswith("." + name) for name in names)


def assert_hostname(hostname):
    assert hostname.isascii() and hostname == hostname.lower(), hostname
    assert len(hostname) <= MAX_DOMAIN_LENGTH, hostname
    labels = hostname.split(".")
    assert all(LABEL.fullmatch(label) for label in labels), hostname
    # An A-label must be one (a browser refuses the host otherwise).
    for label in labels:
        if label.startswith("xn--"):
            idna.decode(label)


@pytest.mark.django_db
@given(hostish)
@example("domains")  # its blog would be CUSTOM_DOMAIN_TARGET, where custom domains point
@example("xn--a")  # no A-label: a browser cannot open xn--a.<BLOG_DOMAIN>
@example("\u212a")  # KELVIN SIGN lowercases to an ASCII k
def test_an_accepted_subdomain_is_a_clean_label_the_platform_does_not_own(text):
    try:
        subdomain = validate_subdomain(text)
    except ValidationError:
        return
    assert LABEL.fullmatch(subdomain), subdomain
    assert_hostname(blog_hostname(subdomain))
    assert subdomain not in RESERVED_SUBDOMAINS
    assert not owned_by_platform(blog_hostname(subdomain), but=django_settings.BLOG_DOMAIN)
    assert validate_subdomain(subdomain) == subdomain


@given(hostish)
@example("ｅｘａｍｐｌｅ．ｃｏｍ")
@example("https://Example.COM./")
def test_a_normalised_domain_is_a_lowercase_ascii_hostname_and_normalising_again_keeps_it(text):
    try:
        domain = normalise_domain(text)
    except ValidationError:
        return
    if domain:
        assert_hostname(domain)
        assert len(domain.split(".")) >= 2 and not domain.rsplit(".", 1)[-1].isdigit()
    assert normalise_domain(domain) == domain


@pytest.mark.django_db
@given(hostish.map(lambda text: text + "." + PLATFORM_NAMES[0]) | hostish)
@example("Blog.LOCALHOST.")
@example("x.ｌｏｃａｌｈｏｓｔ")
def test_no_custom_domain_the_platform_owns_is_ever_accepted(text):
    try:
        domain = validate_custom_domain(text, BlogPage())
    except ValidationError:
        return
    assert not owned_by_platform(domain), domain


# --- The importer ---------------------------------------------------------------------------

UPLOAD_NAMES = ["posts.csv", "blog.zip", "post.md", "post.markdown", "notes.txt", "POSTS.CSV",
                "image.png", "noextension", ".md", "a.zip.md"]  # fmt: skip
CSV_PIECES = [",".join(CSV_COLUMNS) + "\n", "title,content\n", '"', '""', ",", "\n", "\r\n",
              "\r", "True", "2024-05-01", "0001-01-01T00:00+14:00", "99999-01-01", "[", "[\"a\"]",
              "\ufeff", "\x00", "\xff"]  # fmt: skip
csvish = st.lists(st.one_of(st.sampled_from(CSV_PIECES), st.text(max_size=10)), max_size=25).map(
    "".join
)


def zip_bytes(entries):
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # a duplicate name is one of the things to try
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


zip_entry_names = st.one_of(
    st.sampled_from(["posts/a.md", "a.MD", "posts.csv", "x.csv", "../x.md", "/x.md", "C:/x.md",
                     "__MACOSX/._a.md", "dir/", "a\\..\\b.md", "b.txt", "img.png"]),
    # zipfile cuts a name at NUL ("\x00.md" would have no name) and cannot write surrogates.
    st.text(plain_text_characters, min_size=1, max_size=12).map(
        lambda name: name + ".md"
    ),
)  # fmt: skip
zips = st.lists(
    st.tuples(zip_entry_names, st.one_of(csvish.map(str.encode), st.binary(max_size=64))),
    max_size=5,
).map(zip_bytes)


def damaged(data, position, byte):
    """``data`` with one byte replaced: a ZIP whose headers or contents lie."""
    if not data:
        return data
    position %= len(data)
    return data[:position] + bytes([byte]) + data[position + 1 :]


def needing_version_64(data):
    """``data`` with its first central directory entry asking for ZIP version 6.4."""
    at = data.index(b"PK\x01\x02") + 6
    return data[:at] + b"\x40\x00" + data[at + 2 :]


uploads = st.one_of(
    st.binary(max_size=200),
    csvish.map(lambda text: text.encode("utf-8", "surrogatepass")),
    zips,
    st.builds(damaged, zips, st.integers(0, 10_000), st.integers(0, 255)),
)


@given(st.sampled_from(UPLOAD_NAMES), uploads)
@example("posts.csv", b"title,content\n" + b"[" * 100_000 + b",x\n")
@example("blog.zip", needing_version_64(zip_bytes([("a.md", b"x")])))  # NotImplementedError
@example("posts.csv", b'title,content,all_tags\nx,y,"' + b"[" * 100_000 + b'"\n')
def test_any_upload_is_read_into_rows_and_problems_or_refused_with_a_message(name, data):
    try:
        upload = read_upload(name, data)
    except UnreadableUpload as refusal:
        assert str(refusal)
        return
    records = upload.records
    assert records and all(isinstance(notice, str) for notice in upload.notices)
    assert all(isinstance(reason, str) and reason for reason in upload.ignored.values())
    rows, problems = check_records(records, taken_slugs=set())
    json.dumps([rows, problems])  # the preview keeps them in the session as JSON
    assert len(rows) + sum(p["level"] == "error" for p in problems) == len(records)


def exported_records():
    """Posts as ``blog.transfer.export.post_records`` exports them: every value a post can hold
    where the import promises it back (docs/import.md, "Round trip")."""
    title = stripped(plain_text.filter(lambda text: len(text.strip()) <= 255))
    tag = stripped(plain_text.map(lambda text: text[:100]))
    slug = st.from_regex(r"\A[-a-zA-Z0-9_]{1,80}\Z").filter(
        lambda slug: slug not in RESERVED_POST_SLUGS
    )
    moment = st.one_of(
        st.just(""),
        st.datetimes(timezones=st.just(datetime.UTC)).map(lambda moment: moment.isoformat()),
    )
    return st.fixed_dictionaries(
        {
            "uid": st.uuids().map(str),
            "title": title,
            "slug": slug,
            "alias": st.sampled_from(["", "/old/path/", "/2019/01/a-post", "2019/a-post.html"]),
            "published_date": moment,
            "all_tags": st.lists(tag, max_size=4, unique_by=str.lower),
            "publish": st.booleans(),
            "make_discoverable": st.booleans(),
            "is_page": st.booleans(),
            "content": plain_text,
            "canonical_url": st.sampled_from(["", "https://example.com/a?b=c#d"]),
            "meta_description": st.sampled_from(["", "About: this, and “that”"]),
            "meta_image": st.sampled_from(["", "https://images.example/a%20cat.png"]),
            "lang": st.sampled_from(["", "en", "pt-BR"]),
            "class_name": st.sampled_from(["", "wide"]),
            "first_published_at": moment,
        }
    )


ROUND_TRIP_COLUMNS = [column for column in CSV_COLUMNS if column not in ("meta_image", "all_tags")]


def assert_rows_are_the_records(rows, records):
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        for column in ROUND_TRIP_COLUMNS:
            assert row[column] == record[column], column
        assert row["tags"] == record["all_tags"]
        assert row["meta_image_url"] == record["meta_image"]


@given(st.lists(exported_records(), min_size=1, max_size=5, unique_by=lambda r: r["slug"]))
@example([{**dict.fromkeys(CSV_COLUMNS, ""), "uid": str(uuid.uuid4()), "title": "T",
           "slug": "t", "all_tags": ["[draft", "ideas]"], "publish": True,
           "make_discoverable": True, "is_page": False, "content": "a\r\nb\rc"}])  # fmt: skip
def test_exported_csv_imports_back_with_the_same_posts(records):
    rows, problems = check_records(
        read_upload("posts.csv", posts_csv(records).encode()).records, set()
    )
    assert problems == []
    assert_rows_are_the_records(rows, records)


@given(st.lists(exported_records(), min_size=1, max_size=5, unique_by=lambda r: r["slug"]))
def test_exported_markdown_zip_imports_back_with_the_same_posts(records):
    records.sort(key=lambda record: f"posts/{record['slug']}.md")  # the ZIP's order: names
    data = zip_bytes([*post_entries(records), ("posts.csv", posts_csv(records))])
    rows, problems = check_records(read_upload("blog.zip", data).records, set())
    assert problems == []
    assert_rows_are_the_records(rows, records)


# --- Any address, on a blog and on the platform ---------------------------------------------

PATHS = [
    "/", "/blog/", "/feed/", "/feed/?type=rss", "/rss/", "/atom.xml", "/sitemap.xml",
    "/robots.txt", "/favicon.ico", "/favicon.svg", "/hit/", "/hit/1/", "/hit/99999999999999999999/",
    "/upvote/", "/upvote/9223372036854775808/", "/subscribe/", "/subscribe/confirm/",
    "/subscribe/unsubscribe/", "/_util/authenticate_with_password/1/1/", "/first-post/",
    "/documents/", "/documents/1/x.pdf", "/dashboard/", "/dashboard/pages/", "/accounts/login/",
    "/accounts/signup/", "/accounts/confirm-email/x/", "/accounts/password/reset/key/1-x/",
    "/discover/", "/discover/feed/", "/discover/search/", "/caddy/ask/", "/healthz", "/static/",
    "/media/", "/dashboard/analytics/", "/dashboard/export/", "/dashboard/export/posts.csv",
    "/dashboard/import/", "/dashboard/import/99999999999/", "/dashboard/review/",
    "/dashboard/review/flagged/", "/dashboard/blogs/", "/dashboard/blogs/results/",
    "/dashboard/upvotes/", "/dashboard/upvotes/99999999999999999999/", "/dashboard/images/",
    "/dashboard/platform-stats/", "/dashboard/pages/search/", "/dashboard/tag-autocomplete/",
    "/dashboard/account/delete/", "/dashboard/reports/", "/dashboard/pages/3/",
    "/dashboard/review/99999999999999999999/delete/", "/discover/blogs/99999999999999999999/hide/",
]  # fmt: skip
QUERY_KEYS = ["q", "type", "p", "page", "domain", "next", "blog", "ref", "utm_source", "days",
              "ordering", "id", "token", "email", "lang", "tab", "term", "collection_id",
              "period", "sort"]  # fmt: skip
ODD_VALUES = [
    "", "%00", "%ff", "%", "-1", "99999999999999999999", "²", "a,-b,,", "../..", "%0d%0aX:y",
    "<script>", "javascript:alert(1)", "//evil.example", "\u2028",
]  # fmt: skip
path_text = st.text(max_size=15).map(lambda text: quote(text, safe="/%;,=&?"))
query = st.lists(
    st.tuples(
        st.sampled_from(QUERY_KEYS),
        st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=10).map(quote)),
    ),
    max_size=3,
).map(lambda pairs: "&".join(f"{key}={value}" for key, value in pairs))
addresses = st.builds(
    lambda path, suffix, query: f"{path}{suffix}" + (f"?{query}" if query else ""),
    st.one_of(st.sampled_from(PATHS), st.sampled_from(PATHS), path_text.map("/".__add__)),
    # Mostly the address as it is, so that the views behind it see the query string.
    st.one_of(st.just(""), st.just(""), st.sampled_from(["1/", "x/", "%00", "%ff/"]), path_text),
    query,
)


@pytest.fixture
def clients(make_blogger, make_post, login, staff_client):
    """Who asks: a reader of a blog with a post, someone on the platform, the blogger
    and staff in the dashboard."""
    blog = make_blogger()
    make_post(blog, title="First post", slug="first-post", tags=["a"])
    return {
        "reader": host_client(blog),
        "anonymous": host_client("localhost"),
        "blogger": login(blog.owner),
        "staff": staff_client,
    }


@shared_fixtures(max_examples=2 * EXAMPLES)  # cheap, and where 500s hide
@given(address=addresses, who=st.sampled_from(["reader", "anonymous", "blogger", "staff"]))
@example(address="/hit/99999999999999999999/", who="reader")
@example(address="/blog/?q=%00", who="reader")
@example(address="/feed/?q=%ff&type=%00", who="reader")
@example(address="/caddy/ask/?domain=" + "a" * 300, who="anonymous")
@example(address="/dashboard/analytics/?blog=99999999999&days=%00", who="staff")
# A page's pk past 64 bits: OverflowError on SQLite (staff's upvotes and review pages).
@example(address="/dashboard/upvotes/99999999999999999999/", who="staff")
@example(address="/dashboard/review/99999999999999999999/delete/", who="staff")
def test_no_address_on_a_blog_or_the_platform_is_a_server_error(clients, address, who):
    response = clients[who].get(address)
    event(f"{who}: {response.status_code}")  # --hypothesis-show-statistics shows the mix
    assert response.status_code < 500, (address, response.status_code)
