"""A blog's Atom and RSS feeds, read through real URLs and parsed by feedparser."""

from datetime import timedelta

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import PageViewRestriction

from blog.reader import feeds
from tests.support.clients import host_client

GUESSED_PATHS = [
    ("/feed/", "atom10"),
    ("/feed/?type=rss", "rss20"),
    ("/atom/", "atom10"),
    ("/rss/", "rss20"),
    ("/feed/atom/", "atom10"),
    ("/feed/rss/", "rss20"),
    ("/feed.xml", "atom10"),
    ("/atom.xml", "atom10"),
    ("/rss.xml", "rss20"),
    ("/index.xml", "atom10"),
]


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def read_feed(blog, url="/feed/"):
    """The parsed feed at ``url``; every feed must parse without a warning."""
    response = host_client(blog).get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def titles(parsed):
    return [entry.title for entry in parsed.entries]


@pytest.fixture
def blog(make_blogger):
    return make_blogger(subdomain="bear")


@pytest.mark.parametrize("url", ["/feed/", "/feed/?type=rss"])
def test_feed_parses_without_warnings(blog, make_post, url):
    make_post(blog, title="Tom & Jerry <3", body="Text with *emphasis* & a [link](/x/).")
    parsed = read_feed(blog, url)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert titles(parsed) == ["Tom & Jerry <3"]


@pytest.mark.parametrize("url", ["/feed/", "/feed/?type=rss"])
def test_entries_are_newest_first(blog, make_post, url):
    make_post(blog, title="Old", published_date=ago(days=3))
    make_post(blog, title="New", published_date=ago(hours=1))
    make_post(blog, title="Middle", published_date=ago(days=1))
    assert titles(read_feed(blog, url)) == ["New", "Middle", "Old"]


def test_atom_entry_carries_the_full_post_html(blog, make_post):
    make_post(blog, body="First paragraph.\n\n## A heading\n\nSecond paragraph.")
    (entry,) = read_feed(blog).entries
    html = entry.content[0].value
    assert entry.content[0].type == "text/html"
    assert "First paragraph." in html and "Second paragraph." in html and "<h2" in html


def test_rss_item_description_carries_the_full_post_html(blog, make_post):
    make_post(blog, body="First paragraph.\n\nSecond paragraph.")
    (entry,) = read_feed(blog, "/feed/?type=rss").entries
    assert "First paragraph." in entry.description and "Second paragraph." in entry.description


@pytest.mark.parametrize("url", ["/feed/", "/feed/?type=rss"])
def test_relative_links_and_images_become_absolute(blog, make_post, url):
    make_post(
        blog,
        slug="hello",
        body="[about](/about/) ![cat](/media/cat.png) [ext](https://example.org/) [^1]\n\n"
        "[^1]: A note.",
    )
    (entry,) = read_feed(blog, url).entries
    html = entry.content[0].value if url == "/feed/" else entry.description
    assert 'href="http://bear.localhost:8000/about/"' in html
    assert 'src="http://bear.localhost:8000/media/cat.png"' in html
    assert 'href="https://example.org/"' in html
    assert 'href="http://bear.localhost:8000/hello/#fn' in html  # the footnote's link
    assert 'href="/' not in html and 'src="/' not in html


def test_absolute_links_leaves_absolute_and_mailto_urls_alone():
    html = '<a href="mailto:a@b.c">m</a><img src="https://cdn.example/x.png">'
    assert feeds.absolute_links(html, "http://bear.localhost:8000/p/") == html


def test_atom_entry_has_title_link_stable_id_and_dates(blog, make_post):
    published = ago(days=2)
    post = make_post(blog, title="Dated", slug="dated", published_date=published)
    (entry,) = read_feed(blog).entries
    assert entry.title == "Dated"
    assert entry.link == "http://bear.localhost:8000/dated/"
    assert entry.id == f"urn:uuid:{post.translation_key}"
    assert entry.published_parsed[:6] == published.utctimetuple()[:6]
    assert entry.updated_parsed[:6] == post.last_published_at.utctimetuple()[:6]


def test_rss_item_has_pub_date_and_non_permalink_guid(blog, make_post):
    published = ago(days=2)
    post = make_post(blog, published_date=published)
    (entry,) = read_feed(blog, "/feed/?type=rss").entries
    assert entry.published_parsed[:6] == published.utctimetuple()[:6]
    assert entry.id == f"urn:uuid:{post.translation_key}"
    assert entry.guidislink is False


def test_feed_describes_the_blog(blog, make_post):
    blog.meta_description = "Notes on bears."
    blog.lang = "de"
    blog.save_revision().publish()
    parsed = read_feed(blog)
    assert parsed.feed.title == blog.title
    assert parsed.feed.link == "http://bear.localhost:8000/"
    assert parsed.feed.subtitle == "Notes on bears."
    assert parsed.feed.language == "de"


def test_feed_lists_post_tags_as_categories(blog, make_post):
    make_post(blog, tags=["bears", "honey"])
    (entry,) = read_feed(blog).entries
    assert sorted(tag.term for tag in entry.tags) == ["bears", "honey"]


def test_pages_drafts_and_future_posts_never_appear(blog, make_post):
    make_post(blog, title="Visible")
    make_post(blog, title="A page", is_page=True)
    make_post(blog, title="A draft", live=False)
    make_post(blog, title="Scheduled", published_date=timezone.now() + timedelta(days=1))
    for url in ("/feed/", "/feed/?type=rss"):
        assert titles(read_feed(blog, url)) == ["Visible"]


def test_password_protected_posts_never_appear(blog, make_post):
    make_post(blog, title="Visible")
    secret = make_post(blog, title="Secret")
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="hunter2"
    )
    assert titles(read_feed(blog)) == ["Visible"]


def test_another_blogs_posts_never_appear(blog, make_blogger, make_post):
    make_post(blog, title="Mine")
    make_post(make_blogger(), title="Theirs")
    assert titles(read_feed(blog)) == ["Mine"]


def test_tag_feed_includes_and_excludes_tags(blog, make_post):
    make_post(blog, title="Bears", tags=["bears"], published_date=ago(hours=3))
    make_post(blog, title="Bears and honey", tags=["bears", "honey"], published_date=ago(hours=2))
    make_post(blog, title="Other", tags=["fish"], published_date=ago(hours=1))
    assert titles(read_feed(blog, "/feed/?q=Bears")) == ["Bears and honey", "Bears"]
    assert titles(read_feed(blog, "/feed/?q=bears,-honey")) == ["Bears"]
    assert titles(read_feed(blog, "/feed/?type=rss&q=fish")) == ["Other"]


def test_every_page_of_a_feed_has_the_feeds_id(blog, make_post, monkeypatch):
    monkeypatch.setattr(feeds, "PAGE_SIZE", 1)
    make_post(blog)
    make_post(blog)
    first, second = read_feed(blog, "/feed/?q=-x"), read_feed(blog, "/feed/?q=-x&page=2")
    assert first.feed.id == second.feed.id == "http://bear.localhost:8000/feed/?q=-x"


@pytest.mark.parametrize("url", ["/feed/", "/feed/?type=rss"])
def test_control_characters_in_a_post_do_not_break_the_feed(blog, make_post, url):
    make_post(blog, title="Bad\x0btitle", body="Bell\x07 and tab")
    (entry,) = read_feed(blog, url).entries
    assert entry.title == "Badtitle"
    assert "Bell and tab" in entry.description


def test_tag_feed_names_its_tags_in_the_title(blog, make_post):
    assert read_feed(blog, "/feed/?q=bears,-honey").feed.title == f"{blog.title} · bears, -honey"


def test_feed_pages_through_older_posts(blog, make_post, monkeypatch):
    monkeypatch.setattr(feeds, "PAGE_SIZE", 2)
    for day in range(5):
        make_post(blog, title=f"Post {day}", published_date=ago(days=day + 1))
    assert titles(read_feed(blog)) == ["Post 0", "Post 1"]
    assert titles(read_feed(blog, "/feed/?page=2")) == ["Post 2", "Post 3"]
    assert titles(read_feed(blog, "/feed/?type=rss&page=3")) == ["Post 4"]


def test_a_feed_page_holds_twenty_entries(blog, make_post):
    for n in range(feeds.PAGE_SIZE + 1):
        make_post(blog, title=f"Post {n}")
    assert len(read_feed(blog).entries) == 20
    assert len(read_feed(blog, "/feed/?page=2").entries) == 1


def test_atom_feed_links_to_next_and_previous_pages(blog, make_post, monkeypatch):
    monkeypatch.setattr(feeds, "PAGE_SIZE", 1)
    for n in range(3):
        make_post(blog, title=f"Post {n}")
    links = {link.rel: link.href for link in read_feed(blog, "/feed/?q=-x&page=2").feed.links}
    assert links["next"] == "http://bear.localhost:8000/feed/?q=-x&page=3"
    assert links["previous"] == "http://bear.localhost:8000/feed/?q=-x&page=1"
    assert links["self"] == "http://bear.localhost:8000/feed/?q=-x&page=2"


def test_first_and_last_pages_link_only_one_way(blog, make_post, monkeypatch):
    monkeypatch.setattr(feeds, "PAGE_SIZE", 1)
    make_post(blog)
    make_post(blog)
    first = {link.rel for link in read_feed(blog).feed.links}
    last = {link.rel for link in read_feed(blog, "/feed/?page=2").feed.links}
    assert "next" in first and "previous" not in first
    assert "previous" in last and "next" not in last


@pytest.mark.parametrize("page", ["2", "0", "x", "-1", "1.5", "%C2%B2", "9" * 30])
def test_a_page_past_the_end_or_not_a_number_is_404(blog, make_post, page):
    make_post(blog)
    assert host_client(blog).get(f"/feed/?page={page}").status_code == 404


def test_an_empty_blog_has_an_empty_valid_feed(blog):
    parsed = read_feed(blog)
    assert parsed.bozo == 0 and parsed.entries == []


@pytest.mark.parametrize(("url", "version"), GUESSED_PATHS)
def test_guessed_feed_paths_answer_in_their_format(blog, make_post, url, version):
    make_post(blog, title="Hello")
    parsed = read_feed(blog, url)
    assert parsed.version == version
    assert parsed.bozo == 0
    assert titles(parsed) == ["Hello"]


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/feed/", "application/atom+xml; charset=utf-8"),
        ("/feed/?type=rss", "application/rss+xml; charset=utf-8"),
        ("/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/feed/atom/", "application/atom+xml; charset=utf-8"),
        ("/feed/rss/", "application/rss+xml; charset=utf-8"),
    ],
)
def test_feed_content_types(blog, make_post, url, content_type):
    make_post(blog)
    assert host_client(blog).get(url)["Content-Type"] == content_type


@pytest.mark.parametrize("url", ["/feed/atom/?type=rss", "/index.xml?type=rss", "/feed/?type=rss2"])
def test_rss_in_the_type_makes_any_feed_path_rss_as_on_bear(blog, make_post, url):
    make_post(blog, title="Hello")
    assert read_feed(blog, url).version == "rss20"


@pytest.mark.parametrize("url", ["/feed/atom/", "/feed/rss/"])
def test_bears_feed_paths_are_cached_like_the_feed(blog, make_post, url):
    make_post(blog)
    cache_control = host_client(blog).get(url)["Cache-Control"]
    assert cache_control == host_client(blog).get("/feed/")["Cache-Control"]
    assert "public" in cache_control


@pytest.mark.parametrize(("url", "_version"), GUESSED_PATHS)
def test_feeds_set_no_cookies(blog, make_post, url, _version):
    make_post(blog)
    response = host_client(blog).get(url)
    assert "Set-Cookie" not in response.headers
    assert not response.cookies


def test_a_post_cannot_take_a_feed_path_as_its_slug(blog, make_post):
    post = make_post(blog, slug="not-yet")
    post.slug = "rss"
    with pytest.raises(ValidationError):
        post.full_clean()


def test_another_blogs_restrictions_do_not_hide_posts(blog, make_blogger, make_post):
    other = make_blogger(subdomain="fox")
    PageViewRestriction.objects.create(
        page=other, restriction_type=PageViewRestriction.PASSWORD, password="hunter2"
    )
    make_post(blog, title="Visible")
    assert titles(read_feed(blog)) == ["Visible"]


def test_directives_in_a_post_are_expanded_in_the_feed(make_blogger, make_post):
    blog = make_blogger(title="Directive Blog")
    make_post(blog, title="Self aware", body="This post is {{ post_title }} on {{ blog_title }}.")
    parsed = feedparser.parse(host_client(blog).get("/feed/").content)
    assert parsed.bozo == 0
    content = parsed.entries[0].content[0].value
    assert "This post is Self aware on Directive Blog." in content
    assert "{{" not in content
