"""Shared pieces of the browser tests: Debian's Chromium driven by Playwright for Python.

A pytest plugin (``pytest_plugins`` in conftest.py), so every test module can ask for
``browser_page``, ``shoot`` and ``artifacts``. Every browser test gets a folder of its
own under tests/artifacts/ (git-ignored) for its step screenshots (``shoot``) and its
console log (CSP violations show up there); when the test fails, the page it was on is
kept there too, as a screenshot and as HTML (``failure.png``, ``failure.html``), so a red
CI run can be read without running it again.
"""

import os
import re
import shutil
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from tests.support.paths import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP *.localhost 127.0.0.1",
]

needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.access(CHROMIUM, os.X_OK),
        reason=f"{CHROMIUM} is missing: install Debian's chromium "
        "(apt-get install --no-install-recommends chromium) to run the browser tests",
    ),
]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep the call phase's report on the test item: ``browser_page`` reads it when it
    is torn down, to know whether the test failed."""
    report = yield
    if report.when == "call":
        item.call_report = report
    return report


@pytest.fixture
def artifacts(request):
    """This test's own folder under tests/artifacts/, emptied first."""
    folder = ARTIFACTS / re.sub(r"[^\w-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def browser_page(request, monkeypatch, artifacts):
    """A Chromium page that remembers every host it requested and every console message.

    The console messages (CSP violations show up there) and the HTTP errors are written
    to console.log in the artifacts; a failed test leaves its last page there as
    failure.png/.html.
    """
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    # Playwright's sync API keeps an asyncio event loop on this thread. Django's
    # async-safety guard sees it and refuses the ORM calls the test makes directly
    # (reading the new blog and post), although they are ordinary synchronous calls on the
    # test's own thread. Lift the guard for these tests only; the live server's threads
    # never see that loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)
            page.requested_hosts = set()
            page.console = []
            page.on("request", lambda req: page.requested_hosts.add(urlsplit(req.url).hostname))
            page.on("console", lambda msg: page.console.append(f"{msg.type}: {msg.text}"))
            page.on("pageerror", lambda error: page.console.append(f"pageerror: {error}"))
            page.on("response", lambda response: note_http_error(page, response))
            yield page
            keep_failure(request.node, page, artifacts)
        finally:
            if page.console:
                (artifacts / "console.log").write_text("\n".join(page.console) + "\n")
            browser.close()


def note_http_error(page, response):
    """Name the resource in the log: Chromium's console says only "Failed to load"."""
    if response.status >= 400:
        page.console.append(f"http {response.status}: {response.request.method} {response.url}")


def keep_failure(item, page, artifacts):
    """If the test's call failed, keep the page it ended on: screenshot and HTML."""
    report = getattr(item, "call_report", None)
    if report is None or not report.failed:
        return
    (artifacts / "failure.html").write_text(page.content())
    page.screenshot(path=artifacts / "failure.png", full_page=True)


@pytest.fixture
def shoot(browser_page, artifacts):
    """``shoot("name")`` saves a numbered full-page screenshot of the current page, or
    of one element of it (``element=`` a locator)."""
    steps = []

    def shoot(name, element=None):
        steps.append(name)
        path = artifacts / f"{len(steps):02d}-{name}.png"
        if element is None:
            browser_page.screenshot(path=path, full_page=True)
        else:
            element.screenshot(path=path)

    return shoot


WIDTHS = (1280, 390)  # a laptop's window and a phone's


def photograph(page, shoot, name, reload=False):
    """``shoot`` the page at each of ``WIDTHS``. ``reload`` lays it out afresh at each
    (the dashboard's sidebar chooses its layout on load); never for a page that answers a
    POST, which reloading would send again."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if reload:
            page.reload()
        shoot(f"{name}-{width}")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    if reload:
        page.reload()


def log_in(page, platform, user):
    """Sign ``user`` in to the platform host by giving the browser a session cookie."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": platform}]
    )


def csp_violations(page):
    """The console messages in which the browser refused something for the CSP."""
    return [line for line in page.console if "Content Security Policy" in line]
