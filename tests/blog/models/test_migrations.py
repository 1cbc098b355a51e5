"""Migrating a database: the platform's landing page becomes the default Site's root, and
posts written before discovery learn their blog and their hot score, and later when they
went public, which caps the date they are ranked by."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from blog.core.discovery import hot_score
from tests.support.paths import ROOT


def manage(database, *args, **environ):
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="bearcms.settings",
        **environ,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result


def demo_database(database):
    """A migrated SQLite ``database`` holding the demo blog."""
    manage(database, "migrate", "--noinput", "-v0")
    manage(database, "seed_demo", DEBUG="true", CACHE_DIR=str(database.parent / "cache"))
    return database


def pages(database):
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT p.path, p.slug, p.numchild, ct.model FROM wagtailcore_page p "
            "JOIN django_content_type ct ON ct.id = p.content_type_id ORDER BY p.path"
        ).fetchall()


def default_site_root(database):
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT ct.model FROM wagtailcore_site s JOIN wagtailcore_page p "
            "ON p.id = s.root_page_id JOIN django_content_type ct ON ct.id = p.content_type_id "
            "WHERE s.is_default_site"
        ).fetchone()[0]


def test_a_fresh_database_gets_the_home_page_in_place_of_the_welcome_page(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    manage(database, "migrate", "--noinput", "-v0")
    assert pages(database) == [("0001", "root", 1, "page"), ("00010001", "home", 0, "homepage")]
    assert default_site_root(database) == "homepage"


def test_an_edited_welcome_page_is_kept_beside_the_home_page(tmp_path):
    database = tmp_path / "edited.sqlite3"
    manage(database, "migrate", "wagtailcore", "--noinput", "-v0")
    with sqlite3.connect(database) as db:  # someone made the welcome page their own
        db.execute("UPDATE wagtailcore_page SET slug = 'about', numchild = 1 WHERE depth = 2")
    manage(database, "migrate", "--noinput", "-v0")
    assert [(path, slug) for path, slug, *_ in pages(database)] == [
        ("0001", "root"),
        ("00010001", "about"),
        ("00010002", "home"),
    ]
    assert pages(database)[0][2] == 2  # the root counts both children
    assert default_site_root(database) == "homepage"


def test_posts_written_before_discovery_learn_their_blog_and_score(tmp_path):
    database = demo_database(tmp_path / "posts.sqlite3")
    manage(database, "migrate", "blog", "0005", "--noinput", "-v0")  # before discovery
    manage(database, "migrate", "--noinput", "-v0")
    with sqlite3.connect(database) as db:
        posts = db.execute(
            "SELECT post.blog_id, blog.page_ptr_id, post.score, post.in_discovery, "
            "post.discovery_lang, post.subscribers_notified_at "
            "FROM blog_postpage post JOIN wagtailcore_page p ON p.id = post.page_ptr_id "
            "JOIN wagtailcore_page b ON b.path = substr(p.path, 1, 8) "
            "JOIN blog_blogpage blog ON blog.page_ptr_id = b.id"
        ).fetchall()
    assert posts
    for blog_id, expected_blog_id, score, in_discovery, language, notified in posts:
        assert blog_id == expected_blog_id
        assert score > 150  # (2026 - 2020) years of 14-day freshness units
        assert not in_discovery  # no blog was reviewed before moderation existed
        assert language == "en"  # the demo blog's
        assert notified  # already public: never mailed as new when next edited


def moment(value):
    """A datetime as SQLite holds it (UTC, no zone), or None."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


def test_posts_learn_when_they_went_public_and_a_files_date_cannot_pin_them(tmp_path):
    database = demo_database(tmp_path / "public.sqlite3")
    manage(database, "migrate", "blog", "0013", "--noinput", "-v0")  # before public_since
    with sqlite3.connect(database) as db:
        pinned, scheduled, draft = (
            row[0]
            for row in db.execute(
                "SELECT page_ptr_id FROM blog_postpage WHERE NOT is_page ORDER BY page_ptr_id"
            ).fetchmany(3)
        )
        # An import that claimed to be first published in 2999, and was upvoted.
        db.execute(
            "UPDATE wagtailcore_page SET first_published_at = '2999-01-01 00:00:00' WHERE id = ?",
            [pinned],
        )
        db.execute("UPDATE blog_postpage SET upvote_count = 12 WHERE page_ptr_id = ?", [pinned])
        db.execute(
            "UPDATE blog_postpage SET published_date = '2999-06-01 00:00:00' WHERE page_ptr_id = ?",
            [scheduled],
        )
        db.execute(
            "UPDATE wagtailcore_page SET live = 0, first_published_at = NULL, "
            "last_published_at = NULL WHERE id = ?",
            [draft],
        )
    before = datetime.now(UTC)
    manage(database, "migrate", "--noinput", "-v0")
    after = datetime.now(UTC)
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT id, first_published_at, published_date, public_since, discovery_date, "
            "upvote_count, score FROM blog_postpage JOIN wagtailcore_page ON id = page_ptr_id"
        ).fetchall()
        listed = db.execute(
            "SELECT count(*), count(listed_since = public_since OR NULL) FROM blog_postpage "
            "WHERE in_discovery"
        ).fetchone()
    # Listed posts count for the anti-flood rule from when they went public.
    assert listed[0] > 0 and listed[0] == listed[1]
    posts = {row[0]: [moment(value) for value in row[1:5]] + list(row[5:]) for row in rows}
    first, published, public, date, upvotes, score = posts.pop(pinned)
    assert before <= public <= after  # not 2999: it is public now, and was no later
    assert date == published and score == pytest.approx(hot_score(12, published))
    first, published, public, date, upvotes, score = posts.pop(scheduled)
    assert public == date == published == datetime(2999, 6, 1, tzinfo=UTC)
    assert score == pytest.approx(hot_score(0, published))
    assert posts.pop(draft)[2:] == [None, None, 0, 0]
    assert posts
    for first, published, public, date, upvotes, score in posts.values():
        assert public == max(first, published) and date == published
        assert score == pytest.approx(hot_score(upvotes, published))


def blog_home_lists(database):
    """Each blog's home-list choice, in its row and in every one of its revisions."""
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT home_post_list FROM blog_blogpage").fetchall()
        revisions = db.execute(
            "SELECT json_extract(r.content, '$.home_post_list'), ct.model "
            "FROM wagtailcore_revision r JOIN django_content_type ct ON ct.id = r.content_type_id"
        ).fetchall()
    return [row[0] for row in rows], revisions


def test_blogs_made_before_the_home_list_choice_keep_listing_their_posts(tmp_path):
    database = demo_database(tmp_path / "home.sqlite3")
    assert blog_home_lists(database)[0] == [0]  # made now: Bear's way
    manage(database, "migrate", "blog", "0015", "--noinput", "-v0")  # before the choice
    manage(database, "migrate", "--noinput", "-v0")
    rows, revisions = blog_home_lists(database)
    assert rows == [1]
    blog_revisions = [value for value, model in revisions if model == "blogpage"]
    assert blog_revisions and all(value == 1 for value in blog_revisions)
    # A post's revisions have no such field and are left alone.
    assert {value for value, model in revisions if model == "postpage"} == {None}


def test_posts_learn_their_tag_names_in_the_order_they_were_tagged(tmp_path):
    database = demo_database(tmp_path / "tags.sqlite3")
    manage(database, "migrate", "blog", "0025", "--noinput", "-v0")  # before tag_names
    manage(database, "migrate", "--noinput", "-v0")
    with sqlite3.connect(database) as db:
        stored = dict(db.execute("SELECT page_ptr_id, tag_names FROM blog_postpage"))
        tagged = db.execute(
            "SELECT pt.content_object_id, t.name FROM blog_posttag pt "
            "JOIN taggit_tag t ON t.id = pt.tag_id ORDER BY pt.content_object_id, pt.id"
        ).fetchall()
    expected = {post_id: [] for post_id in stored}
    for post_id, name in tagged:
        expected[post_id].append(name)
    assert any(expected.values())  # the demo's posts are tagged
    assert {post_id: json.loads(names) for post_id, names in stored.items()} == expected
