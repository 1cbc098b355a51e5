"""Migrating a database: the platform's landing page becomes the default Site's root, and
posts written before discovery learn their blog and their hot score."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    database = tmp_path / "posts.sqlite3"
    manage(database, "migrate", "--noinput", "-v0")
    manage(database, "seed_demo", DEBUG="true", CACHE_DIR=str(tmp_path / "cache"))
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
