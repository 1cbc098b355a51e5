"""A Bear Blog export moves over whole, and goes back to Bear as it came.

``files/bear-export.csv`` is written as Bear's exporter writes it (django-queryset-csv over
Python's csv): a byte-order mark, the fields' verbose names as the header, CRLF line ends,
cells quoted only when they must be, dates from ``datetime.isoformat()`` in UTC, tags as
Bear stores them (``json.dumps`` of the list, so ``ä`` is ``\\u00e4``), booleans as
``True``/``False``, aliases without slashes. Its rows: a post with every column filled
(unicode, quotes and commas, a CRLF body, a meta image address), a page, a draft with an
alias, a post dated 2099 (scheduled), and a post hidden from discovery whose alias ends in
``.html``.
"""

import datetime
import pathlib

import pytest

from blog.models import PostPage
from tests.support.clients import host_client
from tests.support.transfer import CSV_URL, UPLOAD_URL, confirm, preview

BEAR_EXPORT = pathlib.Path(__file__).parent / "files" / "bear-export.csv"
UTC = datetime.UTC


@pytest.fixture
def imported(make_blogger, login):
    """The blog the Bear export was imported into, through the dashboard's Import page."""
    blog = make_blogger(subdomain="moved", title="Moved from Bear")
    client = login(blog.owner)
    response = client.post(UPLOAD_URL, {"file": BEAR_EXPORT.open("rb")}, follow=True)
    job = response.context["job"]
    assert (job.total, job.problems, job.report["ignored"]) == (5, [], [])
    preview = response.content.decode()
    assert "These columns of your file will not be imported" not in preview
    assert "<td>scheduled</td>" in preview and "<td>draft</td>" in preview
    assert confirm(client, job, accept_ignored=False).status_code == 302
    job.refresh_from_db()
    assert job.status == "done", job.error
    return blog, client


def post(slug):
    return PostPage.objects.get(slug=slug)


def tag_names(page):
    """The post's tags in the order they were given."""
    return [item.tag.name for item in page.tagged_items.order_by("id")]


def test_every_column_of_every_post_is_kept(imported):
    blog, _ = imported
    assert list(
        PostPage.objects.child_of(blog).order_by("path").values_list("slug", flat=True)
    ) == [
        "gruesse",
        "about",
        "half-written",
        "from-the-future",
        "quiet-one",
    ]
    full = post("gruesse")
    assert (full.uid, full.title, full.alias) == (
        "EqTWJujZaKDmWMfMYxIV",
        'Grüße, "friends": a post',
        "/2019/old-post/",
    )
    assert (
        full.published_date
        == full.first_published_at
        == datetime.datetime(2025, 5, 23, 22, tzinfo=UTC)
    )
    assert tag_names(full) == ["bears", "ernährung"]
    assert full.live and full.make_discoverable and not full.is_page
    assert full.body == (
        'Hello, world: *unicode* 🐻 and "quotes".\r\n\r\nA second paragraph, with commas.\r\n'
    )
    assert (full.canonical_url, full.meta_description, full.meta_image_url) == (
        "https://elsewhere.example/original/",
        'A post, "quoted", with commas',
        "https://bear-images.example/fischr/cover.webp",
    )
    assert (full.lang, full.class_name, full.meta_image) == ("de", "wide note", None)

    page = post("about")
    assert page.is_page and page.live and not page.make_discoverable

    draft = post("half-written")
    assert not draft.live and draft.alias == "/2012/01/02/cool-post.html/"
    assert draft.published_date == datetime.datetime(2026, 10, 17, 6, 51, 34, 642521, tzinfo=UTC)
    assert draft.first_published_at is None

    future = post("from-the-future")
    assert future.live and future.is_scheduled()
    assert future.published_date == datetime.datetime(2099, 1, 1, 9, tzinfo=UTC)

    quiet = post("quiet-one")
    assert not quiet.make_discoverable and quiet.lang == "en-GB"
    assert sorted(quiet.tags.names()) == ["Bears", "ernährung"]


def test_readers_see_what_bear_readers_saw(imported):
    blog, _ = imported
    reader = host_client(blog)
    listing = reader.get("/blog/").content.decode()
    assert "Grüße, &quot;friends&quot;: a post" in listing and "Quiet one" in listing
    for hidden in ("About me", "Half written", "From the future"):
        assert hidden not in listing
    feed = reader.get("/feed/").content.decode()
    assert "Quiet one" in feed
    assert not any(title in feed for title in ("About me", "Half written", "From the future"))
    assert reader.get("/about/").status_code == 200
    assert reader.get("/half-written/").status_code == 404
    assert reader.get("/from-the-future/").status_code == 404

    tagged = reader.get("/blog/?q=bears").content.decode()  # any case, as Bear's filter
    assert "Grüße" in tagged and "Quiet one" in tagged and "From the future" not in tagged
    assert "Grüße" not in reader.get("/blog/?q=bears,-ernährung").content.decode()
    assert "Half written" not in reader.get("/blog/?q=drafts").content.decode()

    assert reader.get("/2019/old-post/")["Location"].endswith("/gruesse/")
    assert reader.get("/2011/05/quiet.html")["Location"].endswith("/quiet-one/")
    assert reader.get("/2011/05/quiet.html/")["Location"].endswith("/quiet-one/")
    assert reader.get("/2012/01/02/cool-post.html").status_code == 404  # a draft's
    assert reader.get("/wp-login.php").status_code == 404

    html = reader.get("/gruesse/").content.decode()
    assert '<meta property="og:image" content="https://bear-images.example/fischr/cover.webp">' in (
        html
    )
    assert '<link rel="canonical" href="https://elsewhere.example/original/">' in html
    assert '<html lang="de"' in html and "wide note" in html.split("<body", 1)[1].split(">")[0]


def test_the_export_is_the_bear_file_again(imported):
    _, client = imported
    assert client.get(CSV_URL).content == BEAR_EXPORT.read_bytes()


def test_bears_spellings_of_dates_and_headers_are_read(make_blogger, login):
    """Bear's date as ``str()`` writes it (a space, microseconds) and its staff import's
    underscore header, in another case, read as the same values."""
    blog = make_blogger()
    client = login(blog.owner)
    data = (
        b"Title,Content,Published_Date,ALL TAGS,Is-Page,publish\r\n"
        b'Spaced,Body,2026-10-17 06:51:34.642521+00:00,"a, b",false,True\r\n'
    )
    job = preview(client, "posts.csv", data)
    assert (job.problems, job.report["ignored"]) == ([], [])
    confirm(client, job)
    spaced = post("spaced")
    assert spaced.published_date == datetime.datetime(2026, 10, 17, 6, 51, 34, 642521, tzinfo=UTC)
    assert tag_names(spaced) == ["a", "b"]
