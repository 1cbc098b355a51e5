"""The blog's social image (og:image of every page without its own) and a post's JSON-LD
(schema.org BlogPosting), as readers' link previews and search engines get them."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup

from blog.core.names import blog_hostname
from blog.models import BlogPage
from blog.moderation.flags import set_blog_flags
from tests.support.clients import host_client
from tests.support.dashboard_forms import settings_form, settings_url
from tests.support.images import make_image
from tests.support.scripts import without_json_ld
from tests.support.xss_check import executable_contexts

PUBLISHED = datetime.datetime(2024, 3, 10, 14, 5, tzinfo=datetime.UTC)
HOSTILE_TITLE = "</script><script>alert(1)</script>"


@pytest.fixture
def blog(make_blogger):
    """A blog staff have reviewed: search engines are welcome, and get JSON-LD."""
    return set_blog_flags(make_blogger("shared", title="Shared notes"), reviewed=True)


@pytest.fixture
def desk(blog, login):
    return login(blog.owner)


def make_card(collection, name="card.png"):
    return make_image(collection, name, size=(1600, 900), colour="teal")


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def og_image(response):
    tag = soup_of(response).find("meta", attrs={"property": "og:image"})
    return tag and tag["content"]


def card_url(image, subdomain="shared"):
    """The absolute address of ``image`` as a social card on the blog's host."""
    return f"http://{blog_hostname(subdomain)}:8000{image.get_rendition('fill-1200x630').url}"


def json_ld(response):
    """The page's JSON-LD blocks, parsed."""
    blocks = soup_of(response).find_all("script")
    assert all(block["type"] == "application/ld+json" for block in blocks)
    return [json.loads(block.string) for block in blocks]


# --- The blog's social image ----------------------------------------------------------


def test_the_social_image_chosen_in_settings_is_og_image_of_every_page_without_its_own(
    blog, desk, make_post
):
    make_post(blog, title="Plain", slug="plain", tags=["notes"])
    make_post(blog, title="About", slug="about", is_page=True)
    image = make_card(blog.collection)
    response = desk.post(settings_url(), settings_form(blog, social_image=image.id))
    assert response.status_code == 302
    reader = host_client(blog)
    for path in ("/", "/blog/", "/blog/?q=notes", "/plain/", "/about/"):
        response = reader.get(path)
        assert og_image(response) == card_url(image), path
        card = soup_of(response).find("meta", attrs={"name": "twitter:card"})["content"]
        assert card == "summary_large_image", path


def test_a_posts_own_image_or_image_address_wins_over_the_blogs(blog, desk, make_post):
    own = make_card(blog.collection, "own.png")
    make_post(blog, title="Pictured", slug="pictured", meta_image=own)
    make_post(blog, title="Linked", slug="linked", meta_image_url="https://img.example/a.png")
    desk.post(settings_url(), settings_form(blog, social_image=make_card(blog.collection).id))
    reader = host_client(blog)
    assert og_image(reader.get("/pictured/")) == card_url(own)
    assert og_image(reader.get("/linked/")) == "https://img.example/a.png"


def test_another_blogs_image_is_refused_in_settings_and_nothing_is_saved(blog, desk, make_blogger):
    theirs = make_card(make_blogger("other").collection)
    response = desk.post(
        settings_url(), settings_form(blog, social_image=theirs.id, title="Renamed")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {"social_image": ["Choose one of your blog's own images."]}
    blog = BlogPage.objects.get(pk=blog.pk)
    assert (blog.social_image_id, blog.title) == (None, "Shared notes")
    assert og_image(host_client(blog).get("/")) is None


def test_another_blogs_image_set_any_other_way_is_never_shown(blog, make_blogger):
    other = make_blogger("other")
    blog.social_image = make_card(other.collection)
    blog.save_revision().publish()
    assert og_image(host_client(blog).get("/")) is None


def test_the_settings_page_offers_the_social_image_in_a_bloggers_words(desk):
    html = desk.get(settings_url()).content.decode()
    assert 'name="social_image"' in html
    assert "Shown when a link to your blog is shared, unless a post has its own." in html


# --- JSON-LD on posts -----------------------------------------------------------------


def test_a_post_carries_one_blog_posting_that_matches_it(blog, make_post):
    image = make_card(blog.collection)
    blog.lang = "de"
    blog.save_revision().publish()
    post = make_post(
        blog,
        title="Über Bären",
        slug="baeren",
        published_date=PUBLISHED,
        meta_description="Alles über Bären",
        meta_image=image,
        tags=["bears", "notes"],
    )
    [data] = json_ld(host_client(blog).get("/baeren/"))
    home = f"http://{blog_hostname('shared')}:8000/"
    assert data == {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": "Über Bären",
        "datePublished": "2024-03-10T14:05:00+00:00",
        "dateModified": post.last_published_at.isoformat(timespec="seconds"),
        "author": {"@type": "Organization", "name": "Shared notes", "url": home},
        "description": "Alles über Bären",
        "image": card_url(image),
        "keywords": ["bears", "notes"],
    }


def test_the_head_says_a_posts_address_and_language_and_json_ld_does_not_repeat_them(
    blog, make_post
):
    make_post(blog, slug="moved", lang="fr", canonical_url="https://elsewhere.example/moved")
    response = host_client(blog).get("/moved/")
    [data] = json_ld(response)
    head = soup_of(response)
    assert head.find("link", rel="canonical")["href"] == "https://elsewhere.example/moved"
    assert head.html["lang"] == "fr"
    assert not {"mainEntityOfPage", "url", "inLanguage"} & data.keys()
    assert not {"description", "image", "keywords"} & data.keys()  # none to give


def test_a_blog_staff_have_not_reviewed_gets_no_json_ld(make_blogger, make_post):
    waiting = make_blogger("waiting")
    make_post(waiting, slug="post")
    page = host_client(waiting).get("/post/").content.decode()
    assert '<meta name="robots" content="noindex">' in page and "<script" not in page


def test_a_scheduled_then_published_post_is_never_modified_before_it_was_published(blog, make_post):
    make_post(blog, slug="later", published_date=PUBLISHED)
    blog.get_children().filter(slug="later").update(
        last_published_at=PUBLISHED - datetime.timedelta(days=2)
    )
    [data] = json_ld(host_client(blog).get("/later/"))
    assert data["dateModified"] == data["datePublished"] == "2024-03-10T14:05:00+00:00"


def test_the_blogs_social_image_is_not_a_posts_own_picture(blog, make_post):
    blog.social_image = make_card(blog.collection)
    blog.save_revision().publish()
    make_post(blog, slug="plain")
    response = host_client(blog).get("/plain/")
    [data] = json_ld(response)
    assert "image" not in data and og_image(response) == card_url(blog.social_image)


def test_pages_home_and_lists_carry_no_json_ld(blog, make_post):
    make_post(blog, title="About", slug="about", is_page=True)
    make_post(blog, title="Post", slug="post")
    reader = host_client(blog)
    for path in ("/", "/blog/", "/about/", "/no-such-post/"):
        assert "<script" not in reader.get(path).content.decode(), path
    assert len(json_ld(reader.get("/post/"))) == 1


def test_a_hostile_title_cannot_leave_the_json_ld_block(blog, make_post):
    make_post(blog, title=HOSTILE_TITLE, slug="hostile", meta_description="a & b <i>")
    response = host_client(blog).get("/hostile/")
    html = response.content.decode()
    assert executable_contexts(html) == []
    assert "<script" not in without_json_ld(html)  # one data block, and no other script
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in html
    [data] = json_ld(response)
    assert data["headline"] == HOSTILE_TITLE and data["description"] == "a & b <i>"


def test_the_reader_policy_still_allows_no_script_at_all(blog, make_post):
    make_post(blog, slug="post")
    policy = host_client(blog).get("/post/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    # A data block is not a script: nothing to allow, and nothing here would let one run.
    assert directives["default-src"] == "'none'" and "script-src" not in directives
