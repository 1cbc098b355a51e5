"""`make run` seeds a demo blog a newcomer can open and log in to."""

import pytest
from django.core.management import CommandError, call_command

from blog.models import BlogPage
from tests.support.clients import host_client


def test_the_demo_blog_is_seeded_once_and_served(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # a second `make run` changes nothing
    blog = BlogPage.objects.get(subdomain="demo")
    html = host_client("demo.localhost").get("/").content.decode()
    assert "Demo blog" in html and "Code, tables and footnotes" in html
    assert host_client("demo.localhost").get("/about/").status_code == 200
    assert blog.get_children().count() == 4


def test_the_demo_posts_are_listed_on_the_discovery_feed(db, settings, platform_client):
    settings.DEBUG = True
    call_command("seed_demo")
    html = platform_client.get("/discover/").content.decode()
    assert "Code, tables and footnotes" in html and "Hello, world" in html
    assert "About" not in html  # a page, not a post


def test_the_demo_login_works_on_the_platform(db, settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    client.defaults["HTTP_HOST"] = "localhost"
    response = client.post(
        "/accounts/login/", {"login": "demo@example.com", "password": "demo-blogger-pass"}
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"


def test_seeding_refuses_to_run_outside_development(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("seed_demo")
    assert not BlogPage.objects.exists()
