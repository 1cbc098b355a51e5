"""Import (blog.transfer.uploads, blog.transfer.tasks, blog.transfer.views): a blogger brings
posts in from Bear Blog's CSV, a ZIP of Markdown files or one Markdown file, sees a preview with
every problem, and imports the valid rows at once, in the background, into their own
blog only. The round trip export → import → export gives the same CSV."""

import datetime
import io
import json
import zipfile
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, ReferenceIndex
from wagtail.search.models import IndexEntry

from blog.models import (
    BlogPage,
    Delivery,
    ImportJob,
    ModerationSettings,
    PostPage,
    PostTag,
    Subscriber,
)
from blog.moderation.dodginess import BLACKLISTED_TERM_POINTS
from blog.moderation.flags import set_blog_flags
from blog.tenants.lifecycle import rename_blog
from blog.transfer import tasks
from blog.transfer.tasks import run_import
from tests.support.clients import host_client
from tests.support.discovery import LONG, titles
from tests.support.moderation import action_url, established, listed, moderation
from tests.support.tasks import run_ready_tasks
from tests.support.transfer import (
    CSV_URL,
    ZIP_URL,
    bear_csv,
    bear_csv_rows,
    confirm,
    generated_rows,
    import_file,
    preview,
    upload,
)


def zip_of(files):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return data.getvalue()


def exported_csv(client):
    response = client.get(CSV_URL)
    assert response.status_code == 200
    return response.content.decode()


def refused(client, name, data):
    """Upload a file that must be refused; the form's message."""
    before = (ImportJob.objects.count(), PostPage.objects.count())
    response = upload(client, name, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert (ImportJob.objects.count(), PostPage.objects.count()) == before
    return " ".join(errors)


@pytest.fixture
def blogger(make_blogger, login):
    blog = make_blogger(subdomain="mover", title="Moving in")
    return blog, login(blog.owner)


@pytest.fixture
def empty_blog(make_blogger, login):
    blog = make_blogger(subdomain="fresh", title="Fresh")
    return blog, login(blog.owner)


# --- The round trip -------------------------------------------------------------------------


def test_round_trip_of_a_thousand_posts_through_the_csv(blogger, empty_blog):
    blog, client = blogger
    source_rows = list(generated_rows(1000))
    job = import_file(client, "bear-export.csv", bear_csv(source_rows))
    assert job.done == 1000 and job.problems == []

    first = exported_csv(client)
    exported = bear_csv_rows(first)
    assert len(exported) == 1000
    by_uid = {row["uid"]: row for row in exported}
    for source in source_rows:  # the import kept every value of the source
        row = by_uid[source["uid"]]
        assert row["content"] == source["content"]
        assert row["title"] == source["title"] and row["slug"] == source["slug"]
        # A draft without a date gets one, as Bear's import needs (docs/export.md).
        assert row["published_date"] == (source["published_date"] or row["published_date"])
        assert row["published_date"]
        assert row["publish"] == str(source["publish"])
        assert row["all_tags"] == json.dumps(source["all_tags"])

    other_blog, other_client = empty_blog
    import_file(other_client, "posts.csv", first.encode())
    assert exported_csv(other_client) == first


def test_round_trip_through_the_markdown_zip(blogger, empty_blog, make_post):
    blog, client = blogger
    import_file(client, "bear-export.csv", bear_csv(generated_rows(120)))
    # A post written here, with a draft of changes not yet published.
    post = make_post(blog, title="Written here", body="Original", tags=["here"])
    post.body = "Changed in a draft"
    post.save_revision(user=blog.owner)
    first = exported_csv(client)
    archive = client.get(ZIP_URL)
    assert archive.status_code == 200

    other_blog, other_client = empty_blog
    job = import_file(other_client, "blog.zip", b"".join(archive.streaming_content))
    assert job.done == 121
    # The same rows; the order is the files' (a ZIP keeps no order of creation).
    assert sorted(exported_csv(other_client).splitlines()) == sorted(first.splitlines())


# --- The preview -----------------------------------------------------------------------------


def test_preview_lists_each_problem_and_imports_nothing_until_confirmed(blogger, make_post):
    blog, client = blogger
    make_post(blog, title="Existing", slug="taken")
    rows = list(generated_rows(5))
    rows[0]["published_date"] = "last tuesday"
    rows[1]["slug"] = "taken"
    rows[2]["slug"] = rows[3]["slug"]
    rows[3]["content"] = "x" * 500_001
    rows[4]["canonical_url"] = "not a url"
    job = preview(client, "export.csv", bear_csv(rows))
    assert PostPage.objects.filter(blog=blog).count() == 1  # nothing imported yet

    messages = {(p["label"], p["level"]): p["message"] for p in job.problems}
    assert "is not a date" in messages[("row 2", "error")]
    assert "already used by a post of your blog" in messages[("row 3", "warning")]
    assert "at most 500,000" in messages[("row 5", "error")]
    assert "canonical_url left out" in messages[("row 6", "warning")]
    assert job.total == 3  # rows 3, 4 and 6; 4 clashes with nothing now that 5 is out
    page = client.get(reverse("bearcms_import:job", args=[job.pk]))
    content = page.content.decode()
    assert "is not a date" in content and "3 can be imported" in content
    assert "When a post&#x27;s link is already taken" in content


def test_a_clashing_link_gets_a_number_or_is_skipped_never_replaces(blogger, make_post):
    blog, client = blogger
    existing = make_post(blog, title="Mine", slug="hello", body="Keep me")
    row = next(generated_rows(1))
    data = bear_csv([{**row, "slug": "hello"}, {**row, "slug": "hello", "uid": "other"}])

    job = import_file(client, "a.csv", data, on_clash="skip")
    assert job.done == 0 and job.report["skipped"] == ["row 2", "row 3"]
    job = import_file(client, "a.csv", data, on_clash="suffix")
    assert job.report["renamed"] == [["row 2", "hello", "hello-2"], ["row 3", "hello", "hello-3"]]
    slugs = set(PostPage.objects.filter(blog=blog).values_list("slug", flat=True))
    assert slugs == {"hello", "hello-2", "hello-3"}
    existing.refresh_from_db()
    assert existing.body == "Keep me" and existing.title == "Mine"


def test_single_markdown_files_with_and_without_a_header(blogger):
    blog, client = blogger
    with_header = "title: With a header\nlink: with-header\ntags: a, b\nmood: sunny\n\nBody."
    job = import_file(client, "anything.md", with_header.encode())
    assert [p["message"] for p in job.problems] == ["Unknown attribute “mood” ignored."]
    post = PostPage.objects.get(slug="with-header")
    assert post.body == "Body." and sorted(post.tags.names()) == ["a", "b"] and post.live

    import_file(client, "my-first-post.md", b"Note: this line is the body.\n\nMore.")
    post = PostPage.objects.get(slug="my-first-post")
    assert post.title == "My first post" and post.body.startswith("Note: this line")

    import_file(client, "x.md", "# A heading title\n\nText ✓".encode())
    assert PostPage.objects.get(slug="a-heading-title").body == "# A heading title\n\nText ✓"

    front_matter = (
        '---\r\ntitle: "Jekyll: style"\r\ndate: 2019-02-03\r\ntags: [x, y]\r\n---\r\n\r\nHi'
    )
    import_file(client, "jekyll.markdown", front_matter.encode())
    post = PostPage.objects.get(title="Jekyll: style")
    assert post.body == "Hi" and sorted(post.tags.names()) == ["x", "y"]
    assert post.published_date == datetime.datetime(2019, 2, 3, tzinfo=datetime.UTC)


# --- Malformed uploads: refused whole, nothing written ------------------------------------


def test_wrong_columns_are_refused(blogger):
    _, client = blogger
    message = refused(client, "x.csv", b"name,body\nA,B\n")
    assert "no “content” or “title” column" in message


def test_columns_not_imported_must_be_accepted_before_the_import(blogger):
    _, client = blogger
    job = preview(client, "x.csv", b"Title,CONTENT,upvotes,mood\nA,B,3,sunny\n")
    assert job.report["ignored"] == [
        ["upvotes", "Upvotes are counted anew here: a file cannot bring them."],
        ["mood", "Not a column bearcms knows: its values are not imported."],
    ]
    page = client.get(reverse("bearcms_import:job", args=[job.pk])).content.decode()
    assert "These columns of your file will not be imported" in page
    assert 'name="accept_ignored"' in page and "<strong>mood</strong>" in page
    response = confirm(client, job, accept_ignored=False)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "preview" and not PostPage.objects.filter(title="A").exists()
    messages = [str(m).strip() for m in client.get(response.url).context["messages"]]
    assert messages == ["Some columns of this file will not be imported: tick the box to go on."]
    confirm(client, job)
    job.refresh_from_db()
    assert job.status == "done" and PostPage.objects.get(title="A").body == "B"


def test_a_file_that_imports_whole_asks_nothing(blogger):
    _, client = blogger
    job = preview(client, "x.csv", b"\xef\xbb\xbftitle,content\nA,B\n")
    assert job.report["ignored"] == []
    page = client.get(reverse("bearcms_import:job", args=[job.pk])).content.decode()
    assert "accept_ignored" not in page
    assert confirm(client, job, accept_ignored=False).status_code == 302
    job.refresh_from_db()
    assert job.status == "done"


def test_a_csv_wider_than_any_export_is_refused(blogger):
    _, client = blogger
    header = "title,content," + ",".join(f"c{n}" for n in range(200))
    message = refused(client, "x.csv", f"{header}\nA,B{',' * 200}\n".encode())
    assert "This CSV has 202 columns; a blog's export has 16, and at most 100" in message


def test_a_column_named_twice_is_refused(blogger):
    _, client = blogger
    message = refused(client, "x.csv", b"title,content,published date,published_date\nA,B,,\n")
    assert "names the column “published_date” twice" in message


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("junk.csv", bytes(range(256)) * 4, "not a text file"),
        ("latin1.csv", "title,content\nCafé,x\n".encode("latin-1"), "not UTF-8"),
        ("junk.zip", b"PK\x03\x04" + bytes(200), "not a ZIP file"),
        ("notes.docx", b"whatever", "Upload a .csv file"),
        ("empty.csv", b"title,content\n", "no posts"),
        ("ragged.csv", b"title,content\nA,B,C\n", "more cells"),
    ],
)
def test_unreadable_files_are_refused(blogger, name, data, expected):
    _, client = blogger
    assert expected in refused(client, name, data)


@pytest.mark.parametrize(
    "name", ["../evil.md", "posts/../../evil.md", "/etc/evil.md", "C:/evil.md"]
)
def test_zip_entries_leaving_the_archive_are_refused(blogger, name):
    _, client = blogger
    data = zip_of({"posts/fine.md": "title: Fine\n\nok", name: "title: Evil\n\nx"})
    assert "outside the archive" in refused(client, "blog.zip", data)


def test_a_zip_bomb_is_refused(blogger, settings):
    _, client = blogger
    settings.IMPORT_MAX_UNPACKED_MB = 1
    data = zip_of({f"posts/{n}.md": "title: t\n\n" + "0" * 600_000 for n in range(3)})
    assert len(data) < 20_000  # 1.8 MB of posts packed into a few KB
    assert "unpack to more than 1 MB" in refused(client, "bomb.zip", data)
    settings.IMPORT_MAX_UNPACKED_MB = 100
    one_huge = zip_of({"posts/huge.md": "0" * 3_000_000})
    assert "too large to be a post" in refused(client, "bomb.zip", one_huge)


def test_a_zip_entry_lying_about_its_size_is_refused(blogger):
    _, client = blogger
    data = bytearray(zip_of({"posts/a.md": "title: A\n\n" + "word " * 1000}))
    # The central directory's "uncompressed size" of the only entry says 10 bytes.
    directory = data.rindex(b"PK\x01\x02")
    data[directory + 24 : directory + 28] = (10).to_bytes(4, "little")
    message = refused(client, "liar.zip", bytes(data))
    assert "not the size the ZIP says" in message or "cannot be unpacked" in message


def test_an_oversized_upload_is_refused(blogger, settings):
    _, client = blogger
    settings.IMPORT_MAX_UPLOAD_MB = 1
    data = bear_csv([{**next(generated_rows(1)), "content": "y" * 1_200_000}])
    assert "at most 1 MB" in refused(client, "big.csv", data)


# --- Running ----------------------------------------------------------------------------------


def test_a_failing_import_leaves_the_blog_as_it_was(blogger, make_post):
    blog, client = blogger
    make_post(blog, title="Before")
    job = preview(client, "a.csv", bear_csv(generated_rows(10)))
    rows = job.rows
    rows[6]["published_date"] = "broken by hand"  # past the checks: fails half way
    ImportJob.objects.filter(pk=job.pk).update(rows=rows)
    confirm(client, job)
    job.refresh_from_db()
    assert job.status == "failed" and "nothing was imported" in job.error
    assert list(PostPage.objects.filter(blog=blog).values_list("title", flat=True)) == ["Before"]
    # It can be tried again once fixed.
    rows[6]["published_date"] = ""
    ImportJob.objects.filter(pk=job.pk).update(rows=rows)
    confirm(client, job)
    job.refresh_from_db()
    assert job.status == "done" and PostPage.objects.filter(blog=blog).count() == 11


def test_a_failure_after_the_posts_are_indexed_leaves_no_entry_behind(
    blogger, make_post, monkeypatch
):
    blog, client = blogger
    make_post(blog, title="Before")
    entries = IndexEntry.objects.count()
    monkeypatch.setattr(tasks, "log", mock.Mock(side_effect=RuntimeError("disk full")))
    confirm(client, preview(client, "a.csv", bear_csv(generated_rows(10))))
    assert ImportJob.objects.get(blog=blog).status == "failed"
    assert list(PostPage.objects.filter(blog=blog).values_list("title", flat=True)) == ["Before"]
    assert IndexEntry.objects.count() == entries


def test_in_production_it_runs_in_the_worker_and_shows_progress(blogger, settings):
    blog, client = blogger
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = preview(client, "a.csv", bear_csv(generated_rows(120)))
    confirm(client, job)
    page = client.get(reverse("bearcms_import:job", args=[job.pk])).content.decode()
    assert "Importing: <strong>0 of 120</strong>" in page
    assert '<meta http-equiv="refresh"' in page
    assert PostPage.objects.filter(blog=blog).count() == 0
    # A second confirmation (a double click) does not queue it twice.
    confirm(client, job)
    assert run_ready_tasks() == ["run_import"]
    page = client.get(reverse("bearcms_import:job", args=[job.pk])).content.decode()
    assert "Imported 120 posts" in page and "refresh" not in page
    assert PostPage.objects.filter(blog=blog).count() == 120


def test_imported_posts_are_live_searchable_and_not_mailed(blogger):
    blog, client = blogger
    Subscriber.objects.create(blog=blog, email="reader@example.com", confirmed_at=timezone.now())
    rows = list(generated_rows(30))
    import_file(client, "a.csv", bear_csv(rows))
    call_command("send_subscriber_mail")
    assert not Delivery.objects.exists()
    now = timezone.now().isoformat()
    scheduled = [row for row in rows if row["publish"] and row["published_date"] > now]
    not_notified = PostPage.objects.filter(blog=blog, subscribers_notified_at=None, live=True)
    assert not_notified.count() == len(scheduled)
    post = PostPage.objects.get(blog=blog, slug="post-1")
    assert post.live and post.blog_id == blog.pk and post.url_path.endswith("/post-1/")
    assert post in PostPage.objects.filter(blog=blog).search("starts with blank lines")
    # Indexed together at the end, and for Wagtail's "used by" after it.
    assert IndexEntry.objects.filter(object_id=str(post.pk)).count() == 1
    used_by = set(ReferenceIndex.get_references_to(blog).values_list("object_id", flat=True))
    imported = PostPage.objects.filter(blog=blog).values_list("pk", flat=True)
    assert len(imported) == 30 and {str(pk) for pk in imported} <= used_by
    entry = PageLogEntry.objects.get(page=blog, action="bearcms.import")
    assert entry.data["imported"] == 30 and entry.user_id == blog.owner.pk


# --- Chunks: the posts wait out of sight, then appear at once -------------------------------


def tree_is_sound():
    """treebeard's own check: no orphans, wrong depths or child counts."""
    return all(not problems for problems in Page.find_problems())


@pytest.fixture
def chunks_of_four(monkeypatch):
    """Stage four posts a transaction; ``after_chunk[n]`` runs after chunk n is written."""
    monkeypatch.setattr(tasks, "STAGE_CHUNK", 4)
    after_chunk, written = {}, []
    stage = tasks.stage

    def staging(job, posts):
        result = stage(job, posts)
        written.append(len(posts))
        after_chunk.get(len(written), lambda job: None)(job)
        return result

    monkeypatch.setattr(tasks, "stage", staging)
    return after_chunk


def test_staged_posts_are_out_of_sight_until_all_appear(blogger, make_post, chunks_of_four):
    blog, client = blogger
    make_post(blog, title="Before", slug="before")
    reader, seen = host_client(blog), {}

    def look(job):
        job.refresh_from_db()
        staged = PostPage.objects.child_of(job.holding)
        seen["staged"] = sorted(staged.values_list("slug", flat=True))
        seen["live"] = staged.filter(live=True).exists()
        seen["blog's"] = list(PostPage.objects.filter(blog=blog).values_list("slug", flat=True))
        seen["children"] = list(PostPage.objects.child_of(blog).values_list("slug", flat=True))
        seen["reader"] = reader.get("/post-1/").status_code
        seen["sitemap"] = reader.get("/sitemap.xml").content.decode()
        seen["progress"] = tasks.progress(job)

    chunks_of_four[2] = look
    slugs = [row["slug"] for row in generated_rows(10)]
    job = import_file(client, "a.csv", bear_csv(generated_rows(10)))
    assert seen["staged"] == sorted(slugs[:8])
    assert not seen["live"] and seen["progress"] == 4  # as of the chunk before
    assert seen["blog's"] == seen["children"] == ["before"]
    assert seen["reader"] == 404 and "post-1" not in seen["sitemap"]
    # Then every post at once, in the file's order after the blog's own, the holding
    # page gone and the tree sound.
    assert job.done == 10 and job.holding is None
    children = PostPage.objects.child_of(blog).order_by("path")
    assert list(children.values_list("slug", flat=True)) == ["before", *slugs]
    assert not Page.objects.child_of(blog).exclude(pk__in=children.values("pk")).exists()
    assert tree_is_sound()
    assert BlogPage.objects.get(pk=blog.pk).numchild == 11
    live = PostPage.objects.get(blog=blog, slug="post-1")
    assert reader.get("/post-1/").status_code == (200 if live.is_visible_now() else 404)
    assert live.url_path == f"{blog.url_path}post-1/" and live.depth == blog.depth + 1
    assert live.tags.exists() and live.body_html


def disk_full(job):
    raise RuntimeError("the worker's disk filled up")


def holding_page_deleted_by_hand(job):
    Page.objects.filter(pk=job.holding.pk).delete()


@pytest.mark.parametrize("failure", [disk_full, holding_page_deleted_by_hand])
def test_a_failure_half_way_removes_what_was_staged(blogger, make_post, chunks_of_four, failure):
    blog, client = blogger
    make_post(blog, title="Before")
    entries, tagged = IndexEntry.objects.count(), PostTag.objects.count()
    chunks_of_four[2] = failure
    job = preview(client, "a.csv", bear_csv(generated_rows(10)))
    confirm(client, job)
    job.refresh_from_db()
    assert job.status == "failed" and "nothing was imported" in job.error
    assert job.holding is None and Page.objects.count() == 4  # root, home, blog, Before
    assert list(PostPage.objects.values_list("title", flat=True)) == ["Before"]
    assert (IndexEntry.objects.count(), PostTag.objects.count()) == (entries, tagged)
    assert tree_is_sound()
    chunks_of_four.clear()
    confirm(client, job)  # tried again, it imports whole
    job.refresh_from_db()
    assert job.status == "done" and PostPage.objects.filter(blog=blog).count() == 11


@pytest.mark.parametrize("on_clash", ["suffix", "skip"])
def test_a_post_written_during_the_import_keeps_its_link(
    blogger, make_post, chunks_of_four, on_clash
):
    blog, client = blogger
    chunks_of_four[1] = lambda job: make_post(blog, title="Written meanwhile", slug="post-7")
    job = import_file(client, "a.csv", bear_csv(generated_rows(10)), on_clash=on_clash)
    mine = PostPage.objects.get(blog=blog, slug="post-7")
    assert mine.title == "Written meanwhile"
    slugs = set(PostPage.objects.child_of(blog).values_list("slug", flat=True))
    if on_clash == "suffix":
        assert job.done == 10 and "post-7-2" in slugs
        assert [old_new for _label, *old_new in job.report["renamed"]] == [["post-7", "post-7-2"]]
    else:
        assert job.done == 9 and "post-7-2" not in slugs
        assert len(job.report["skipped"]) == 1
    assert len(slugs) == PostPage.objects.filter(blog=blog).count() == job.done + 1
    assert tree_is_sound()


def test_what_happens_around_the_holding_page_moves_nothing_out_of_place(
    blogger, make_post, chunks_of_four
):
    blog, client = blogger

    def meanwhile(job):
        # The blog is renamed, and a post written meanwhile is moved before the
        # holding page (no blogger may reorder posts; staff's tools or code could).
        rename_blog(BlogPage.objects.get(pk=blog.pk), "moved")
        written = make_post(BlogPage.objects.get(pk=blog.pk), title="Meanwhile", slug="meanwhile")
        written.move(Page.objects.get(pk=job.holding_id), pos="left")

    chunks_of_four[1] = meanwhile
    job = import_file(client, "a.csv", bear_csv(generated_rows(10)))
    blog.refresh_from_db()
    posts = PostPage.objects.child_of(blog)
    assert job.done == 10 and posts.count() == 11 and tree_is_sound()
    assert blog.url_path == "/moved/"
    assert all(post.url_path == f"/moved/{post.slug}/" for post in posts)


def test_nobody_touches_posts_waiting_in_an_import(blogger, make_post, chunks_of_four):
    blog, client = blogger
    first, second = make_post(blog, title="First"), make_post(blog, title="Second")
    answers = {}

    def try_things(job):
        staged = PostPage.objects.child_of(Page.objects.get(pk=job.holding_id)).first()
        answers["edit"] = client.get(f"/dashboard/pages/{staged.pk}/edit/").status_code
        answers["publish"] = client.post(
            f"/dashboard/pages/{staged.pk}/edit/", {"action-publish": "1"}
        ).status_code
        answers["live"] = PostPage.objects.get(pk=staged.pk).live

    chunks_of_four[1] = try_things
    import_file(client, "a.csv", bear_csv(generated_rows(5)))
    assert answers["edit"] in (302, 403) and answers["publish"] in (302, 403)
    assert answers["live"] is False
    # Nor are a blog's posts reordered, then or ever: readers see them by date.
    url = reverse("wagtailadmin_pages:set_page_position", args=[second.pk]) + "?position=0"
    assert client.post(url).status_code in (302, 403)
    assert Page.objects.get(pk=first.pk).path < Page.objects.get(pk=second.pk).path


def test_a_lost_run_is_cleaned_up_by_the_next(blogger, settings):
    blog, client = blogger
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = preview(client, "a.csv", bear_csv(generated_rows(6)))
    confirm(client, job)
    # A worker claims it and writes a first chunk, then dies.
    lost = ImportJob.objects.get(pk=job.pk)
    posts, _report = tasks.claim(lost, tasks.made_posts(lost))
    tasks.stage(lost, posts[:3])
    page = client.get(reverse("bearcms_import:job", args=[job.pk])).content.decode()
    assert "Start it again" not in page
    ImportJob.objects.filter(pk=job.pk).update(
        queued_at=timezone.now() - datetime.timedelta(hours=1)
    )
    page = client.get(reverse("bearcms_import:job", args=[job.pk])).content.decode()
    assert "Start it again" in page
    confirm(client, job)
    assert run_ready_tasks() == ["run_import", "run_import"]  # the lost run's and the new
    job.refresh_from_db()
    assert job.status == "done" and job.done == 6
    assert PostPage.objects.count() == PostPage.objects.filter(blog=blog).count() == 6
    assert tree_is_sound() and not Page.objects.filter(pk=lost.holding.pk).exists()
    # Were the lost run still alive, its next chunk would find the job no longer its
    # own, and its failure would fail nothing of the new run's.
    assert tasks.stage(lost, posts[3:]) is False
    tasks.fail(lost, claimed=(posts, {}))
    job.refresh_from_db()
    assert job.status == "done" and PostPage.objects.count() == 6


# --- Isolation --------------------------------------------------------------------------------


def test_nobody_sees_or_starts_another_blogs_import(blogger, make_blogger, login):
    blog, client = blogger
    job = preview(client, "a.csv", bear_csv(generated_rows(3)))
    stranger = login(make_blogger(subdomain="stranger").owner)
    for name in ("job", "start", "cancel"):
        url = reverse(f"bearcms_import:{name}", args=[job.pk])
        assert stranger.get(url).status_code in (404, 405)
        assert stranger.post(url, {"on_clash": "suffix"}).status_code == 404
    job.refresh_from_db()
    assert job.status == "preview" and not PostPage.objects.filter(blog=blog).exists()
    # Their own upload goes into their own blog.
    import_file(stranger, "b.csv", bear_csv(generated_rows(2)))
    assert not PostPage.objects.filter(blog=blog).exists()


def test_cancel_drops_the_preview(blogger):
    _, client = blogger
    job = preview(client, "a.csv", bear_csv(generated_rows(3)))
    client.post(reverse("bearcms_import:cancel", args=[job.pk]))
    assert not ImportJob.objects.filter(pk=job.pk).exists()


def test_run_import_runs_a_job_once(blogger):
    blog, client = blogger
    job = import_file(client, "a.csv", bear_csv(generated_rows(2)))
    run_import.call(job.pk)  # a queued task run twice by a worker
    assert PostPage.objects.filter(blog=blog).count() == 2


# --- Found in review: hostile values, other tools' files, stuck jobs --------------------------


def test_hostile_values_are_problems_not_errors(blogger):
    _, client = blogger
    rows = list(generated_rows(3))
    rows[0]["all_tags"] = "[" * 100_000  # deeper than json can go
    rows[1]["published_date"] = "0001-01-01T00:00:00+14:00"  # before the first UTC moment
    rows[2]["meta_image"] = "javascript:alert(1)"
    job = preview(client, "x.csv", bear_csv(rows))
    assert job.total == 2
    assert any("is not a date" in p["message"] for p in job.problems if p["label"] == "row 3")
    (image,) = [p["message"] for p in job.problems if p["label"] == "row 4"]
    assert image == "meta_image left out: Enter a valid URL."
    assert job_rows(job)[-1]["meta_image_url"] == ""
    header = "title: Deep\ntags: " + "[" * 100_000 + "\n\nBody"
    job = preview(client, "deep.md", header.encode())
    assert job.total == 1


def job_rows(job):
    return ImportJob.objects.get(pk=job.pk).rows


def test_a_huge_csv_is_refused_before_it_is_all_read(blogger):
    _, client = blogger
    data = b"title,content\n" + b"a,b\n" * 20_001
    assert "more than 20,000 posts" in refused(client, "many.csv", data)


def test_other_tools_drafts_links_and_lists(blogger):
    blog, client = blogger
    jekyll = "---\ntitle: Not yet\ndraft: true\n---\n\nUnfinished"
    import_file(client, "draft.md", jekyll.encode())
    assert not PostPage.objects.get(title="Not yet").live
    listed = "---\ntitle: Listed\ntags:\n  - a\n  - b\n---\n\nText"
    job = import_file(client, "listed.md", listed.encode())
    assert "could not be read" in job.problems[0]["message"]
    assert PostPage.objects.get(slug="listed").body == listed  # nothing of it lost
    rows = [
        {**next(generated_rows(1)), "slug": "My--Post"},
        {**next(generated_rows(1)), "slug": "feed"},
    ]
    job = import_file(client, "links.csv", bear_csv(rows))
    assert set(PostPage.objects.filter(blog=blog).values_list("slug", flat=True)) >= {
        "My--Post",
        "feed-post",
    }
    assert "is a path the blog uses" in job.problems[0]["message"]


def test_a_zip_made_on_a_mac_imports(blogger):
    _, client = blogger
    data = zip_of(
        {
            "posts/a.md": "title: A\n\nText",
            "__MACOSX/posts/._a.md": b"\x00\x05\x16\x07binary",
            "posts/._b.md": b"\x00\x05\x16\x07binary",
        }
    )
    assert import_file(client, "mac.zip", data).done == 1


def test_a_job_whose_worker_died_can_be_started_again(blogger, settings):
    blog, client = blogger
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = preview(client, "a.csv", bear_csv(generated_rows(3)))
    confirm(client, job)
    page = client.get(reverse("bearcms_import:job", args=[job.pk])).content.decode()
    assert "Start it again" not in page  # queued a moment ago: the worker may be busy
    ImportJob.objects.filter(pk=job.pk).update(
        queued_at=timezone.now() - datetime.timedelta(hours=1)
    )
    page = client.get(reverse("bearcms_import:job", args=[job.pk])).content.decode()
    assert "Start it again" in page
    confirm(client, job)
    assert run_ready_tasks() == ["run_import", "run_import"]  # the lost run and the new one
    job.refresh_from_db()
    assert job.status == "done" and PostPage.objects.filter(blog=blog).count() == 3


def test_importing_brings_an_ignored_blog_back_to_the_review_queue(blogger):
    blog, client = blogger
    BlogPage.objects.filter(pk=blog.pk).update(ignored_at=timezone.now(), ignore_count=1)
    import_file(client, "a.csv", bear_csv(generated_rows(2)))
    assert BlogPage.objects.get(pk=blog.pk).ignored_at is None
    BlogPage.objects.filter(pk=blog.pk).update(ignored_at=timezone.now(), ignore_count=2)
    import_file(client, "b.csv", bear_csv(generated_rows(2)))
    assert BlogPage.objects.get(pk=blog.pk).ignored_at is not None  # ignored for good


def test_the_import_is_one_history_entry(blogger):
    blog, client = blogger
    import_file(client, "a.csv", bear_csv(generated_rows(5)))
    assert PageLogEntry.objects.filter(page__depth=3).count() == 0
    assert PageLogEntry.objects.filter(page=blog, action="bearcms.import").count() == 1


# --- Discovery: a file's dates never lift a post, nor hide it from the score ---------------


def discoverable_row(n, title, **fields):
    """A Bear row of a long, discoverable post."""
    row = {**next(generated_rows(1)), "title": title, "slug": f"row-{n}"}
    row.update(uid=f"row{n}", alias="", canonical_url="", lang="", is_page=False)
    return {**row, "content": LONG, "publish": True, "make_discoverable": True, **fields}


def test_a_first_published_date_far_ahead_does_not_pin_an_imported_post(
    blogger, make_blogger, make_post, platform_client
):
    blog, client = blogger
    set_blog_flags(blog, reviewed=True)
    make_post(set_blog_flags(make_blogger(), reviewed=True), title="Fresh", body=LONG)
    old = (timezone.now() - datetime.timedelta(days=300)).isoformat()
    far_ahead = "2999-01-01T00:00:00+00:00"
    row = discoverable_row(0, "Pinned", published_date=old, first_published_at=far_ahead)
    import_file(client, "pinned.csv", bear_csv([row]))
    assert titles(platform_client.get("/discover/")) == ["Fresh", "Pinned"]

    pinned = PostPage.objects.get(blog=blog, slug="row-0")
    reader = host_client(blog, HTTP_ORIGIN=f"http://{blog.subdomain}.localhost")
    for number in range(30):
        reader.post(f"/upvote/{pinned.id}/", REMOTE_ADDR=f"203.0.113.{number}")
    assert PostPage.objects.get(pk=pinned.pk).upvote_count == 30
    assert titles(platform_client.get("/discover/")) == ["Fresh", "Pinned"]
    # Bear's export gives the file's date back as it came.
    exported = bear_csv_rows(exported_csv(client))[0]
    assert exported["first_published_at"] == far_ahead


def test_imported_posts_count_towards_the_flood_from_when_they_arrive(
    blogger, make_blogger, make_post, platform_client
):
    blog, client = blogger
    set_blog_flags(blog, reviewed=True)
    make_post(set_blog_flags(make_blogger(), reviewed=True), title="Calm", body=LONG)
    yesterday = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    rows = [discoverable_row(n, f"Imported {n}", published_date=yesterday) for n in range(4)]
    import_file(client, "four.csv", bear_csv(rows))
    assert titles(platform_client.get("/discover/")) == ["Calm"]


def test_an_imported_spam_post_is_scored_whatever_its_date(blogger):
    blog, client = blogger
    moderation(blacklisted="casino")
    set_blog_flags(established(blog), reviewed=True)
    recent = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    rows = [discoverable_row(n, f"Harmless {n}", published_date=recent) for n in range(30)]
    spam = discoverable_row(30, "Old spam", published_date="2015-03-04T05:06:07+00:00")
    spam["content"] = "The best casino in town. " + LONG
    import_file(client, "archive.csv", bear_csv([spam, *rows]))
    blog = BlogPage.objects.get(pk=blog.pk)
    assert blog.dodginess == BLACKLISTED_TERM_POINTS and not blog.reviewed


def test_an_honest_archive_with_a_link_in_every_post_keeps_the_blog_approved(blogger):
    """Links to other sites count in the blog's top posts only, not summed over a whole
    imported archive: a hundred posts citing a source each are no spam."""
    blog, client = blogger
    set_blog_flags(established(blog), reviewed=True)
    rows = [discoverable_row(n, f"Notes {n}") for n in range(100)]
    for n, row in enumerate(rows):
        row["content"] = f"As [a source](https://source{n}.example/) says. " + LONG
    import_file(client, "archive.csv", bear_csv(rows))
    blog = BlogPage.objects.get(pk=blog.pk)
    assert blog.reviewed and blog.dodginess < ModerationSettings.load().threshold


def test_a_date_ahead_in_a_file_does_not_keep_an_ignored_blog_in_the_review_queue(
    blogger, staff_client
):
    blog, client = blogger
    row = discoverable_row(0, "Ahead", first_published_at="2999-01-01T00:00:00+00:00")
    import_file(client, "ahead.csv", bear_csv([row]))
    assert blog.subdomain in listed(staff_client)
    staff_client.post(action_url(blog, "ignore"))
    assert blog.subdomain not in listed(staff_client)  # until it publishes a post
