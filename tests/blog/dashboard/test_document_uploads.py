"""A blogger's documents include the web fonts of their blog (blog.dashboard.document_uploads):
checked, within the size limit, and in their own collection alone. Sound, video and PDFs:
test_media_uploads.py."""

import importlib
import io
import json
import zipfile

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import GroupCollectionPermission

from blog.dashboard.document_uploads import MAX_FONTS_PER_BLOG, UNSUPPORTED
from blog.tenants.lifecycle import DOCUMENT_PERMISSIONS
from tests.support.paths import FONT


def upload(client, name, data, **fields):
    """Post one file to the dashboard's multiple upload; its JSON answer."""
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    response = client.post(reverse("wagtaildocs:add_multiple"), {"files[]": file, **fields})
    return json.loads(response.content)


NOT_A_FONT = "is not a font, or it is damaged. Upload a font in WOFF2, WOFF, TTF or OTF."


def test_a_blogger_uploads_only_what_a_blog_uses_and_each_font_is_checked(
    make_blogger, login, settings
):
    blog = make_blogger()
    client = login(blog.owner)
    assert upload(client, "notes.docx", b"PK\x03\x04")["error_message"] == UNSUPPORTED
    assert NOT_A_FONT in upload(client, "fake.woff2", b"<html>hello</html>")["error_message"]
    too_big = b"wOF2" + bytes(settings.FONT_MAX_UPLOAD_MB * 1024 * 1024)
    assert "larger than 5 MB" in upload(client, "big.woff2", too_big)["error_message"]
    # The single add view says so on its page, and says what to upload.
    file = SimpleUploadedFile("notes.docx", b"PK\x03\x04")
    page = client.post(reverse("wagtaildocs:add"), {"title": "Notes", "file": file})
    assert page.status_code == 200 and UNSUPPORTED in page.content.decode()
    assert "url(/fonts/&lt;file name&gt;)" in page.content.decode()
    assert not get_document_model().objects.exists()
    assert upload(client, FONT.name, FONT.read_bytes())["success"] is True


def archive():
    """A ZIP, as someone using the blog as a file host would glue to a font."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("payload.exe", b"MZ" * 100)
    return data.getvalue()


def test_a_font_with_anything_glued_to_it_is_no_font(make_blogger, login):
    client = login(make_blogger().owner)
    font = FONT.read_bytes()
    assert NOT_A_FONT in upload(client, "a.woff2", font + archive())["error_message"]
    assert NOT_A_FONT in upload(client, "b.woff2", b"wOF2" + archive())["error_message"]
    assert NOT_A_FONT in upload(client, "c.woff2", font[:-100])["error_message"]  # cut short
    assert not get_document_model().objects.exists()


def test_a_blog_keeps_a_family_of_fonts_not_a_file_store(make_blogger, login, settings):
    blog, other = make_blogger(), make_blogger()
    client = login(blog.owner)
    for n in range(MAX_FONTS_PER_BLOG):
        assert upload(client, f"font{n}.woff2", FONT.read_bytes())["success"] is True
    refused = upload(client, "one-more.woff2", FONT.read_bytes())["error_message"]
    assert refused.startswith(f"Your blog has {MAX_FONTS_PER_BLOG} fonts already")
    # Another blog's count is its own.
    assert upload(login(other.owner), FONT.name, FONT.read_bytes())["success"] is True


def test_staff_still_upload_every_document_kind(make_blogger, staff_client):
    blog = make_blogger()
    answer = upload(staff_client, "notes.docx", b"PK\x03\x04", collection=blog.collection_id)
    assert answer["success"] is True


def test_a_blogger_never_sees_another_blogs_font(make_blogger, login):
    a, b = make_blogger(), make_blogger()
    assert upload(login(a.owner), FONT.name, FONT.read_bytes())["success"] is True
    font = get_document_model().objects.get()
    assert font.collection_id == a.collection_id
    client = login(b.owner)
    for url in (reverse("wagtaildocs:index"), reverse("wagtaildocs_chooser:choose")):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert font.title not in body and FONT.name not in body
    # Wagtail turns the refusal into a redirect to the dashboard's home.
    edit = client.get(reverse("wagtaildocs:edit", args=[font.pk]))
    assert edit.status_code == 302 and FONT.name not in edit.content.decode()
    assert client.get("/dashboard/api/main/documents/").json()["items"] == []
    # Its owner does see it.
    assert font.title in login(a.owner).get(reverse("wagtaildocs:index")).content.decode()


def test_blogs_made_before_fonts_get_the_document_permissions(make_blogger):
    blog = make_blogger()
    own = GroupCollectionPermission.objects.filter(group=blog.group, collection=blog.collection)
    own.filter(permission__codename__in=DOCUMENT_PERMISSIONS).delete()
    migration = importlib.import_module("blog.migrations.0019_blog_groups_upload_fonts")
    migration.let_blogs_upload_fonts(apps, None)
    migration.let_blogs_upload_fonts(apps, None)  # twice is harmless
    codenames = own.values_list("permission__codename", flat=True)
    assert sorted(c for c in codenames if c.endswith("_document")) == sorted(DOCUMENT_PERMISSIONS)
