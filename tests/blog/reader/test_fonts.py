"""Web fonts from the blog's own uploads: ``/fonts/<file name>`` on the blog's host.

A blogger uploads a real font (Source Code Pro, tests/files/) through the dashboard's
document upload, and readers get its bytes from the blog's own host, and from no other.
"""

import json

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model

from blog.reader.themes import safe_custom_css
from tests.support.clients import host_client
from tests.support.paths import FONT


def upload_font(client):
    """Upload the test font as the dashboard's "Add a document" does; its stored document."""
    upload = SimpleUploadedFile(FONT.name, FONT.read_bytes(), content_type="font/woff2")
    response = client.post(reverse("wagtaildocs:add_multiple"), {"files[]": upload})
    assert json.loads(response.content)["success"] is True, response.content
    return get_document_model().objects.latest("pk")


def test_a_font_uploaded_in_the_dashboard_is_served_from_the_blogs_host(make_blogger, login):
    blog = make_blogger()
    document = upload_font(login(blog.owner))
    assert document.collection_id == blog.collection_id and document.filename == FONT.name

    response = host_client(blog).get(f"/fonts/{FONT.name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "font/woff2"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == FONT.read_bytes()
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "s-maxage" in cache_control
    assert "Location" not in response and not response.cookies
    # The browser's revalidation after max-age: the file's hash as its ETag.
    again = host_client(blog).get(f"/fonts/{FONT.name}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_only_this_blogs_fonts_are_served_and_nothing_else(make_blogger, login):
    blog, other = make_blogger(), make_blogger()
    theirs = upload_font(login(other.owner))
    get_document_model().objects.create(
        title="notes",
        file=ContentFile(b"wOF2 not a font", name="notes.txt"),
        collection=blog.collection,
    )
    reader = host_client(blog)
    assert reader.get(f"/fonts/{theirs.filename}").status_code == 404  # another blog's
    assert host_client(other).get(f"/fonts/{theirs.filename}").status_code == 200
    for path in [
        "/fonts/notes.txt",  # a document, not a font
        "/fonts/missing.woff2",
        f"/fonts/{theirs.filename.lower()}",  # the name, case and all
        f"/fonts/%2E%2E%2F{theirs.filename}",
        f"/fonts/..%2Fdocuments%2F{theirs.filename}",
        f"/fonts/documents/{theirs.filename}",
        "/fonts/",
    ]:
        assert reader.get(path).status_code == 404, path
    # No blog, no fonts: the platform's host and unknown hosts.
    assert host_client("localhost").get(f"/fonts/{theirs.filename}").status_code == 404
    assert host_client("nowhere.example").get(f"/fonts/{theirs.filename}").status_code == 404


def test_custom_css_keeps_a_font_face_from_the_blogs_fonts_and_drops_another_hosts():
    own = '@font-face { font-family: Bear Mono; src: url(/fonts/Bear.woff2) format("woff2"); }'
    assert safe_custom_css(own) == own
    remote = (
        "@font-face { font-family: Bear Mono; "
        'src: url(https://fonts.example/Bear.woff2) format("woff2"); }'
    )
    kept = safe_custom_css(remote)
    assert "fonts.example" not in kept and "src" not in kept
    assert "font-family: Bear Mono;" in kept
