"""A blogger's own web font, end to end in a real Chromium: uploaded in the dashboard's
Documents, named in the custom CSS's ``@font-face`` as ``url(/fonts/<file name>)``, and
loaded by reader pages under their policy (``font-src 'self'``) with no violation."""

from urllib.parse import urlsplit

import pytest

from tests.support.browser import csp_violations, log_in, needs_chromium
from tests.support.paths import FONT

pytestmark = needs_chromium

CSS = (
    '@font-face { font-family: "Bear Mono"; src: url(/fonts/%s) format("woff2"); }\n'
    'body { font-family: "Bear Mono", monospace; }'
)
# Every font face of the page, once the one the body asks for has loaded (or failed).
FONT_FACES = """async () => {
    await document.fonts.load('16px "Bear Mono"');
    await document.fonts.ready;
    return {
        faces: [...document.fonts].map(face => [face.family, face.status]),
        check: document.fonts.check('16px "Bear Mono"'),
    };
}"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_font_uploaded_in_the_dashboard_loads_on_the_blog(
    live_server, browser_page, shoot, make_blogger
):
    blog = make_blogger("fonts", title="Set in type")
    page = browser_page
    log_in(page, live_server.url, blog.owner)
    page.goto(f"{live_server.url}/dashboard/documents/multiple/add/", wait_until="networkidle")
    page.set_input_files("#fileupload", FONT)
    page.wait_for_selector("#upload-list li.upload-complete")
    shoot("uploaded")
    assert page.locator("#upload-list li.upload-success").count() == 1

    blog.custom_css = CSS % FONT.name
    blog.save_revision().publish()
    origin = f"http://fonts.localhost:{urlsplit(live_server.url).port}"
    assert page.goto(origin + "/", wait_until="networkidle").status == 200
    fonts = page.evaluate(FONT_FACES)
    shoot("home")
    assert fonts == {"faces": [["Bear Mono", "loaded"]], "check": True}, page.console
    assert csp_violations(page) == []
