"""Export: a blogger downloads their blog as Bear Blog's CSV or as a ZIP of Markdown."""

import datetime
import io
import json
import secrets
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from blog.models import BlogPage
from blog.transfer.export import markdown_post, read_markdown_post
from tests.support.transfer import bear_csv_rows

PAGE_URL = "/dashboard/export/"
CSV_URL = "/dashboard/export/posts.csv"
ZIP_URL = "/dashboard/export/blog.zip"
BEAR_COLUMNS = [
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
TRICKY_BODY = (
    "Grüße, “quotes”, \"double\", 'single', a, b, c\n\n"
    "```python\nprint('hello, world')\n```\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\r\nWindows line\r\n\n  indented\n日本語 🐻\n"
)
PUBLISHED = datetime.datetime(2024, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)


@pytest.fixture
def blog(make_blogger):
    return make_blogger(title="My blog")


def rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return bear_csv_rows(response.content)


def archive(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def make_image(blog, name):
    return get_image_model().objects.create(
        title=name, file=get_test_image_file(filename=f"{name}.png"), collection=blog.collection
    )


# --- Who may export what -----------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE_URL, CSV_URL, ZIP_URL])
def test_anonymous_visitors_are_sent_to_log_in(platform_client, url):
    response = platform_client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_export_page_offers_both_downloads_from_the_menu(blog, login):
    client = login(blog.owner)
    assert PAGE_URL in client.get("/dashboard/").content.decode()
    page = client.get(PAGE_URL).content.decode()
    assert f'href="{CSV_URL}"' in page and f'href="{ZIP_URL}"' in page


def test_a_user_without_a_blog_has_nothing_to_export(db, login):
    user = get_user_model().objects.create_user("nobody", "nobody@example.com", "x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = login(user)
    assert "You have no blog yet" in client.get(PAGE_URL).content.decode()
    assert client.get(CSV_URL).status_code == 404
    assert client.get(ZIP_URL).status_code == 404


def test_a_blogger_gets_only_their_own_blog_whatever_the_query_string(
    blog, make_blogger, make_post, login
):
    theirs = make_blogger()
    marker = "zq" + secrets.token_hex(6)
    make_post(blog, title="Mine", slug="mine")
    make_post(theirs, title=marker, slug=marker, body=marker, tags=[marker])
    theirs.custom_css = f".{marker} {{}}"
    theirs.save_revision().publish()
    make_image(theirs, marker)
    client = login(blog.owner)
    for query in ["", f"?blog={theirs.pk}", f"?blog={theirs.pk}&blog={theirs.pk}", "?blog=x"]:
        assert [row["title"] for row in rows(client.get(CSV_URL + query))] == ["Mine"]
        files = archive(client.get(ZIP_URL + query))
        assert "posts/mine.md" in files.namelist()
        assert not [name for name in files.namelist() if marker in name]
        assert all(marker.encode() not in files.read(name) for name in files.namelist())
        assert marker not in client.get(PAGE_URL + query).content.decode()


def test_staff_export_the_blog_they_choose(blog, make_blogger, make_post, login):
    make_post(blog, title="Chosen", slug="chosen")
    staff = get_user_model().objects.create_superuser("staff", "staff@example.com", "x")
    client = login(staff)
    page = client.get(f"{PAGE_URL}?blog={blog.pk}").content.decode()
    assert f"{CSV_URL}?blog={blog.pk}" in page
    assert [row["title"] for row in rows(client.get(f"{CSV_URL}?blog={blog.pk}"))] == ["Chosen"]
    assert "posts/chosen.md" in archive(client.get(f"{ZIP_URL}?blog={blog.pk}")).namelist()
    assert client.get(f"{CSV_URL}?blog=999999").status_code == 404
    assert client.get(CSV_URL).status_code == 404  # staff own no blog


# --- The CSV -------------------------------------------------------------------------------


def test_the_csv_has_bears_columns_and_every_post_page_and_draft(blog, make_post, login):
    image = make_image(blog, "cover")
    post = make_post(
        blog,
        title='Commas, "quotes" and: colons',
        slug="tricky",
        body=TRICKY_BODY,
        tags=["zebra", "ünïcode", "a, b"],
        published_date=PUBLISHED,
        alias="/2019/old/",
        canonical_url="https://elsewhere.example/post/",
        meta_description="Line one\nline two",
        meta_image=image,
        lang="de",
        class_name="wide",
        make_discoverable=False,
    )
    make_post(blog, title="About", slug="about", is_page=True)
    make_post(blog, title="Unfinished", slug="unfinished", live=False, published_date=None)
    response = login(blog.owner).get(CSV_URL)
    today = timezone.now().astimezone(datetime.UTC).date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="{blog.subdomain}-posts-{today}.csv"'
    )
    # Bear's exporter's bytes: a byte-order mark, the spaced header, CRLF line ends.
    header = ",".join(BEAR_COLUMNS).replace("_", " ").encode()
    assert response.content.startswith(b"\xef\xbb\xbf" + header + b"\r\n")
    assert response.content.endswith(b"\r\n")
    tricky, about, draft = rows(response)
    post.refresh_from_db()
    assert tricky == {
        "uid": str(post.translation_key),
        "title": 'Commas, "quotes" and: colons',
        "slug": "tricky",
        "alias": "2019/old",
        "published_date": "2024-03-04T05:06:07+00:00",
        "all_tags": '["zebra", "\\u00fcn\\u00efcode", "a, b"]',
        "publish": "True",
        "make_discoverable": "False",
        "is_page": "False",
        "content": TRICKY_BODY,
        "canonical_url": "https://elsewhere.example/post/",
        "meta_description": "Line one\nline two",
        "meta_image": blog.get_full_url().rstrip("/") + image.file.url,
        "lang": "de",
        "class_name": "wide",
        "first_published_at": post.first_published_at.astimezone(datetime.UTC).isoformat(),
    }
    assert json.loads(tricky["all_tags"]) == ["zebra", "ünïcode", "a, b"]
    assert (about["is_page"], about["publish"], about["all_tags"]) == ("True", "True", "[]")
    assert (draft["title"], draft["publish"]) == ("Unfinished", "False")
    # Bear's import needs a date: a draft without one gets when it was last saved.
    assert draft["first_published_at"] == ""
    assert datetime.datetime.fromisoformat(draft["published_date"]) <= timezone.now()


def test_a_post_is_exported_as_last_saved(blog, make_post, login):
    post = make_post(blog, title="As published", slug="p", body="Old words")
    post.title, post.body = "As last saved", "New words"
    post.save_revision(user=blog.owner)
    (row,) = rows(login(blog.owner).get(CSV_URL))
    assert (row["title"], row["content"], row["publish"]) == ("As last saved", "New words", "True")
    post.refresh_from_db()
    post.unpublish()
    (row,) = rows(login(blog.owner).get(CSV_URL))
    assert (row["title"], row["publish"]) == ("As last saved", "False")


def test_a_meta_image_of_another_blog_is_not_exported(blog, make_blogger, make_post, login):
    theirs = make_image(make_blogger(), "theirs")
    make_post(blog, slug="p", meta_image=theirs)
    (row,) = rows(login(blog.owner).get(CSV_URL))
    assert row["meta_image"] == ""


def test_a_thousand_post_blog_exports(db, login):
    call_command("bench_seed", blogs=1, posts=1000, prefix="big", verbosity=0)
    blog = BlogPage.objects.get(subdomain="big1")
    client = login(blog.owner)
    exported = rows(client.get(CSV_URL))
    assert len(exported) == 1000
    assert len({row["uid"] for row in exported}) == 1000
    names = archive(client.get(ZIP_URL)).namelist()
    assert len([name for name in names if name.startswith("posts/")]) == 1000


# --- The Markdown header ------------------------------------------------------------------

ROUND_TRIP_VALUES = [
    "Plain title",
    "Title: with a colon",
    "  leading and trailing spaces ",
    "line one\nline two",
    "carriage\rreturn",
    "unicode line\u2028separator and next\x85line",
    '"Quoted" at the start',
    "[Draft] at the start",
    "",
    "日本語 🐻",
]


@pytest.mark.parametrize("value", ROUND_TRIP_VALUES)
def test_a_header_value_reads_back_the_same(value):
    record = dict.fromkeys(BEAR_COLUMNS, "") | dict(
        title=value,
        meta_description=value,
        all_tags=[value.strip() or "x", "a, b"],
        publish=True,
        make_discoverable=False,
        is_page=False,
        content="\nbody: not a header\n\nmore",
    )
    text = markdown_post(record)
    header = text.partition("\n\n")[0]
    assert len(header.split("\n")) == 15 and len(header.splitlines()) == 15
    attributes, body = read_markdown_post(text)
    assert attributes["title"] == attributes["meta_description"] == value
    assert attributes["tags"] == [value.strip() or "x", "a, b"]
    assert (attributes["publish"], attributes["make_discoverable"]) == ("true", "false")
    assert body == "\nbody: not a header\n\nmore"


def test_a_hand_written_header_reads_as_written():
    attributes, body = read_markdown_post('title: "Hi" there\ntags: [a, b\n\nBody')
    assert attributes == {"title": '"Hi" there', "tags": ["[a", "b"]}
    assert body == "Body"


def test_plain_tags_are_a_comma_separated_list(blog, make_post, login):
    make_post(blog, title="Tagged", slug="tagged", tags=["b", "a"])
    files = archive(login(blog.owner).get(ZIP_URL))
    assert "\ntags: b, a\n" in files.read("posts/tagged.md").decode()


# --- The ZIP -------------------------------------------------------------------------------


def test_the_zip_holds_posts_settings_css_and_images(
    blog, make_blogger, make_post, login, settings
):
    image = make_image(blog, "cat")
    make_image(make_blogger(), "not-mine")
    blog.custom_css = "body { color: #123; }"
    blog.home_content = "Welcome, **reader**."
    blog.favicon_emoji = "🐻"
    blog.favicon_image = image
    blog.theme = "serif"
    blog.save_revision().publish()
    post = make_post(
        blog,
        title="Hello: world",
        slug="hello",
        body=f"![A cat]({image.file.url})\n\n{TRICKY_BODY}",
        tags=["notes"],
        published_date=PUBLISHED,
    )
    make_post(blog, title="Draft", slug="draft", live=False, published_date=None)
    response = login(blog.owner).get(ZIP_URL)
    today = timezone.now().astimezone(datetime.UTC).date().isoformat()
    assert f'filename="{blog.subdomain}-blog-{today}.zip"' in response["Content-Disposition"]
    files = archive(response)
    image_name = "images/" + image.file.name.rsplit("/", 1)[-1]
    assert sorted(files.namelist()) == sorted(
        [
            "posts/hello.md",
            "posts/draft.md",
            "posts.csv",
            "settings.json",
            "custom.css",
            image_name,
        ]
    )
    text = files.read("posts/hello.md").decode()
    post.refresh_from_db()
    assert text.split("\n")[:15] == [
        "title: Hello: world",
        "link: hello",
        "alias:",
        "published_date: 2024-03-04T05:06:07+00:00",
        "tags: notes",
        "publish: true",
        "make_discoverable: true",
        "is_page: false",
        "canonical_url:",
        "meta_description:",
        "meta_image:",
        "lang:",
        "class_name:",
        f"first_published_at: {post.first_published_at.astimezone(datetime.UTC).isoformat()}",
        f"uid: {post.translation_key}",
    ]
    assert text.partition("\n\n")[2] == post.body
    assert read_markdown_post(files.read("posts/draft.md").decode())[0]["publish"] == "false"
    with image.file.open("rb") as original:
        assert files.read(image_name) == original.read()
    assert files.read("custom.css").decode() == "body { color: #123; }"
    blog_settings = json.loads(files.read("settings.json"))
    assert blog_settings["title"] == "My blog"
    assert blog_settings["subdomain"] == blog.subdomain
    assert blog_settings["home_content"] == "Welcome, **reader**."
    assert blog_settings["favicon_emoji"] == "🐻"
    assert blog_settings["favicon_image"] == image_name
    assert blog_settings["theme"] == "serif"
    assert blog_settings["fediverse"] is True
    assert blog_settings["lang"] == "en" and blog_settings["date_format"] == "d M, Y"
    assert "[Home](/)" in blog_settings["nav"]
    csv_rows = bear_csv_rows(files.read("posts.csv"))
    assert [row["slug"] for row in csv_rows] == ["hello", "draft"]


def test_an_image_missing_from_storage_is_left_out(blog, make_post, login):
    kept, lost = make_image(blog, "kept"), make_image(blog, "lost")
    lost.file.storage.delete(lost.file.name)
    names = archive(login(blog.owner).get(ZIP_URL)).namelist()
    assert "images/" + kept.file.name.rsplit("/", 1)[-1] in names
    assert not [name for name in names if "lost" in name]


def test_images_are_read_from_s3(bucket, blog, login, seaweedfs):  # noqa: F811 - the fixture
    image = make_image(blog, "s3cat")
    assert seaweedfs.keys(bucket) == [image.file.name]
    files = archive(login(blog.owner).get(ZIP_URL))
    with image.file.open("rb") as original:
        assert files.read("images/" + image.file.name.rsplit("/", 1)[-1]) == original.read()
