"""The Content-Security-Policy as Chromium enforces it (bearcms/security_headers.py).

The sanitiser is the first defence against a blogger's script; the reader policy is the
second. These tests take the sanitiser away (the stored HTML is written directly, as a
sanitiser bug would leave it) and check that Chromium still runs nothing. The dashboard
policy must let Wagtail's own scripts run: the editor works with no violation logged.
"""

from urllib.parse import urlsplit

import pytest

from blog.models import PostPage
from tests.support.browser import csp_violations, log_in, needs_chromium

pytestmark = needs_chromium

HOSTILE_HTML = (
    "<p id='still-here'>Text stays.</p>"
    "<script>document.title = 'ran: script'</script>"
    "<img src='/nowhere.png' onerror=\"document.title = 'ran: onerror'\">"
    "<a id='link' href=\"javascript:document.title = 'ran: link'\">link</a>"
    "<iframe srcdoc=\"<script>parent.document.title = 'ran: srcdoc'</script>\"></iframe>"
    "<object data='javascript:document.title = &quot;ran: object&quot;'></object>"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_script_past_the_sanitiser_still_does_not_run_on_a_reader_page(
    live_server, browser_page, shoot, make_blogger, make_post
):
    blog = make_blogger("hostile")
    post = make_post(blog, title="Hostile", slug="hostile")
    PostPage.objects.filter(pk=post.pk).update(body_html=HOSTILE_HTML)
    port = urlsplit(live_server.url).port
    page = browser_page
    page.goto(f"http://hostile.localhost:{port}/hostile/", wait_until="networkidle")
    page.click("#link")
    page.wait_for_timeout(300)
    shoot("hostile-post")
    assert page.locator("#still-here").inner_text() == "Text stays."
    assert not page.title().startswith("ran:")
    assert len(csp_violations(page)) >= 3, page.console


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_dashboard_editor_runs_wagtail_s_scripts_with_no_violation(
    live_server, browser_page, shoot, make_blogger, make_post
):
    blog = make_blogger("editor")
    post = make_post(blog, title="Edited", slug="edited")
    page = browser_page
    log_in(page, live_server.url, blog.owner)
    page.goto(f"{live_server.url}/dashboard/pages/{post.id}/edit/", wait_until="networkidle")
    # EasyMDE comes from a script file, the date-time picker from one of Wagtail's inline
    # scripts (initDateTimeChooser): both ran.
    page.wait_for_selector(".EasyMDEContainer .CodeMirror")
    page.click("#tab-label-post_settings")
    page.click("#id_published_date")
    page.wait_for_selector(".xdsoft_datetimepicker", state="visible")
    shoot("editor")
    page.goto(f"{live_server.url}/dashboard/images/multiple/add/", wait_until="networkidle")
    page.goto(f"{live_server.url}/dashboard/pages/{blog.id}/", wait_until="networkidle")
    shoot("explorer")
    assert csp_violations(page) == []
