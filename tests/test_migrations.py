"""Migrating a database: the platform's landing page becomes the default Site's root."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(database, *args):
    env = dict(
        os.environ, DATABASE_URL=f"sqlite:///{database}", DJANGO_SETTINGS_MODULE="bearcms.settings"
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
