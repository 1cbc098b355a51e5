"""A blogger makes a token in a real Chromium, copies it, and posts with it using curl,
as docs/api.md says; then revokes it. The page is checked by axe-core and photographed
at 1280 and 390 px (tests/artifacts/)."""

import json
import re
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from blog.core.names import blog_hostname
from blog.models import PostPage
from tests.support.accessibility import serious_violations
from tests.support.browser import csp_violations, log_in, needs_chromium, photograph

CURL = shutil.which("curl")
pytestmark = [
    *needs_chromium,
    pytest.mark.skipif(CURL is None, reason="curl is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def curl(port, host, *args):
    """curl, reaching the live server under the blog's host name."""
    result = subprocess.run(
        [CURL, "-sS", "--resolve", f"{host}:{port}:127.0.0.1", "-w", "\n%{http_code}", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    body, _, status = result.stdout.rpartition("\n")
    return int(status), body


def test_a_blogger_makes_a_token_and_posts_with_curl(
    live_server, browser_page, shoot, settings, make_blogger
):
    page = browser_page
    port = urlsplit(live_server.url).port
    settings.SITE_PORT = port
    platform = f"http://localhost:{port}"
    blog = make_blogger("lark", title="Lark's notes")
    log_in(page, platform, blog.owner)

    page.goto(f"{platform}/dashboard/")
    page.get_by_role("link", name="Apps and tokens").click()
    page.wait_for_url(f"{platform}/dashboard/tokens/")
    expect(page.locator("main")).to_contain_text("No tokens yet")
    photograph(page, shoot, "tokens-none", reload=True)
    page.fill("#id_name", "my laptop")
    page.get_by_label("Read and write posts").check()
    page.get_by_role("button", name="Make token").click()
    token_box = page.get_by_label("Copy it now")
    expect(token_box).to_have_value(re.compile(r"^bear_[A-Za-z0-9_-]{43}$"))
    token = token_box.input_value()
    assert serious_violations(page) == []
    photograph(page, shoot, "tokens-new")

    host = blog_hostname(blog.subdomain)
    site = f"http://{host}:{port}"
    status, body = curl(
        port, host,
        "-H", f"Authorization: Bearer {token}", "-H", "Content-Type: application/json",
        "-d", json.dumps({"title": "Hello", "body": "Written with *curl*.", "tags": ["cli"]}),
        f"{site}/api/posts/",
    )  # fmt: skip
    assert status == 201, body
    assert json.loads(body)["url"] == f"{site}/hello/"
    status, body = curl(
        port, host,
        "-H", f"Authorization: Bearer {token}", "-d", "h=entry",
        "-d", "content=Hello from Micropub", "-d", "category[]=notes", f"{site}/micropub",
    )  # fmt: skip
    assert status == 201, body
    assert PostPage.objects.filter(blog=blog).count() == 2
    page.goto(f"{site}/hello/")
    expect(page.locator("main")).to_contain_text("Written with curl.")

    page.goto(f"{platform}/dashboard/tokens/")
    expect(page.locator("table.listing")).to_contain_text("my laptop")
    photograph(page, shoot, "tokens-listed", reload=True)
    page.get_by_role("button", name="Revoke “my laptop”").click()
    expect(page.locator(".messages")).to_contain_text("no longer works")
    status, _body = curl(port, host, "-H", f"Authorization: Bearer {token}", f"{site}/api/posts/")
    assert status == 401
    assert csp_violations(page) == []
