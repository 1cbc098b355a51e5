"""Sound, video and PDFs: a blogger uploads them in Documents or drops them into the editor
(blog.dashboard.document_uploads, blog.dashboard.editor_uploads). Each is checked by its
content, kept within its kind's limit and the blog's, stored with its extension's type,
and only ever in the blog's own collection; the editor inserts a player or a link that
readers get intact."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from blog.dashboard.document_uploads import UNSUPPORTED
from tests.support.clients import host_client
from tests.support.media_storage import CDN
from tests.support.paths import FILES, FONT, ROOT

MEDIA = ["tone.mp3", "tone.m4a", "tone.opus", "clip.mp4", "clip.webm", "notes.pdf"]


def file(name, content=None, content_type="application/octet-stream"):
    content = (FILES / name).read_bytes() if content is None else content
    return SimpleUploadedFile(name, content, content_type=content_type)


def upload(client, name, content=None, **fields):
    """Post one file to Documents' multiple upload; its JSON answer."""
    response = client.post(
        reverse("wagtaildocs:add_multiple"), {"files[]": file(name, content), **fields}
    )
    return json.loads(response.content)


def a_pdf(megabytes):
    """A PDF of about ``megabytes``: a header, a long comment, the end."""
    return b"%PDF-1.4\n%" + b"x" * int(megabytes * 1024 * 1024) + b"\n%%EOF\n"


def editor_upload(client, page, name, content=None, content_type="application/octet-stream"):
    url = reverse("bearcms_editor_image_upload", args=[page.pk])
    return client.post(url, {"image": file(name, content, content_type)})


@pytest.fixture
def blog_with_post(make_blogger, make_post):
    blog = make_blogger()
    return blog, make_post(blog)


# --- Documents ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", MEDIA)
def test_a_blogger_uploads_sound_video_and_pdfs_into_their_own_collection(
    name, make_blogger, login
):
    blog = make_blogger()
    assert upload(login(blog.owner), name)["success"] is True
    document = get_document_model().objects.get()
    assert (document.collection_id, document.uploaded_by_user) == (blog.collection_id, blog.owner)
    assert document.file_size == (FILES / name).stat().st_size


def test_a_file_named_as_another_kind_is_refused_saying_what_it_is(make_blogger, login):
    client = login(make_blogger().owner)
    pdf = (FILES / "notes.pdf").read_bytes()
    assert upload(client, "talk.mp3", pdf)["error_message"] == (
        "“talk.mp3” is a PDF, not an MP3 file: rename it to end in .pdf, then upload it again."
    )
    assert (
        "rename it to end in .m4a or .mp4"
        in upload(client, "clip.webm", (FILES / "clip.mp4").read_bytes())["error_message"]
    )
    assert upload(client, "talk.mp3", b"<html><script>alert(1)</script>")["error_message"] == (
        "“talk.mp3” is not an MP3 file, or it is damaged. Upload a sound file in "
        "MP3, M4A, OGG, OGA or Opus."
    )
    assert upload(client, "voice.wav", b"RIFF\x00\x00\x00\x00WAVE")["error_message"] == UNSUPPORTED
    assert not get_document_model().objects.exists()


def test_each_kind_has_its_own_size_limit(make_blogger, login, settings):
    settings.PDF_MAX_UPLOAD_MB = 1
    client = login(make_blogger().owner)
    refused = upload(client, "big.pdf", a_pdf(1.2))["error_message"]
    assert refused == (
        "“big.pdf” is 1.2 MB: larger than 1 MB, the limit for PDFs. Export it again with "
        "smaller pictures."
    )
    assert upload(client, "small.pdf", a_pdf(0.9))["success"] is True
    settings.AUDIO_MAX_UPLOAD_MB = 0
    assert "the limit for sound files" in upload(client, "tone.mp3")["error_message"]


def test_a_blog_keeps_so_much_and_says_what_to_delete(make_blogger, login, settings, staff_client):
    settings.BLOG_FILES_MAX_MB = 2
    blog, other = make_blogger(), make_blogger()
    client = login(blog.owner)
    assert upload(client, "one.pdf", a_pdf(0.9))["success"] is True
    assert upload(client, "two.pdf", a_pdf(0.9))["success"] is True
    assert upload(client, "three.pdf", a_pdf(0.9))["error_message"] == (
        "Your blog's files take 1.8 MB of the 2 MB it may keep, and this one is 0.9 MB. "
        "Delete files you no longer use here in Documents, then upload it again."
    )
    # Another blog's files are its own; staff are not counted.
    assert upload(login(other.owner), "one.pdf", a_pdf(0.9))["success"] is True
    answer = upload(staff_client, "three.pdf", a_pdf(0.9), collection=blog.collection_id)
    assert answer["success"] is True
    # Deleting one makes room.
    one = get_document_model().objects.get(collection=blog.collection, title="one.pdf")
    assert client.post(reverse("wagtaildocs:delete", args=[one.pk])).status_code == 302
    assert upload(client, "four.pdf", a_pdf(0.1))["success"] is True


def test_fonts_count_as_fonts_only(make_blogger, login, settings):
    blog = make_blogger()
    client = login(blog.owner)
    for name in ("tone.mp3", "clip.mp4", "notes.pdf"):
        assert upload(client, name)["success"] is True
    assert upload(client, FONT.name, FONT.read_bytes())["success"] is True


def test_the_add_and_edit_pages_check_and_explain(make_blogger, login):
    blog = make_blogger()
    client = login(blog.owner)
    page = client.get(reverse("wagtaildocs:add")).content.decode()
    assert "Drop the file into the editor" in page and "MP4 or WebM, up to 15 MB" in page
    added = client.post(reverse("wagtaildocs:add"), {"title": "Tone", "file": file("tone.mp3")})
    assert added.status_code == 302
    document = get_document_model().objects.get()
    edit = reverse("wagtaildocs:edit", args=[document.pk])
    pdf = (FILES / "notes.pdf").read_bytes()
    refused = client.post(edit, {"title": "Tone", "file": file("tone.mp3", pdf)})
    assert refused.status_code == 200
    assert "“tone.mp3” is a PDF, not an MP3 file" in refused.content.decode()
    assert client.post(edit, {"title": "A tone"}).status_code == 302  # the file stays
    assert client.post(edit, {"title": "A clip", "file": file("clip.webm")}).status_code == 302
    document.refresh_from_db()
    assert (document.title, document.file.name.endswith(".webm")) == ("A clip", True)


def test_staff_pdfs_are_checked_too(make_blogger, staff_client):
    blog = make_blogger()
    fake = upload(staff_client, "notes.pdf", b"%PDF-1.7", collection=blog.collection_id)
    assert "is not a PDF, or it is damaged" in fake["error_message"]


def test_another_blogs_documents_cannot_be_edited_or_deleted(make_blogger, login):
    a, b = make_blogger(), make_blogger()
    assert upload(login(b.owner), "notes.pdf")["success"] is True
    document = get_document_model().objects.get()
    client = login(a.owner)
    for url in (
        reverse("wagtaildocs:edit", args=[document.pk]),
        reverse("wagtaildocs:delete", args=[document.pk]),
    ):
        for response in (client.get(url), client.post(url, {"title": "Mine now"})):
            # Wagtail's refusal: back to the dashboard, with nothing of B's on the way.
            assert response.status_code in {302, 403, 404}
            assert response.get("Location", "") in {"", "/dashboard/"}
            assert "notes" not in response.content.decode()
    document.refresh_from_db()
    assert document.title == "notes.pdf"


def test_the_media_limits_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AUDIO_MAX_UPLOAD_MB, s.VIDEO_MAX_UPLOAD_MB, s.PDF_MAX_UPLOAD_MB, "
        "s.BLOG_FILES_MAX_MB)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bearcms.settings",
        "AUDIO_MAX_UPLOAD_MB": "7",
        "VIDEO_MAX_UPLOAD_MB": "8",
        "PDF_MAX_UPLOAD_MB": "9",
        "BLOG_FILES_MAX_MB": "300",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["7", "8", "9", "300"], result.stderr


# --- The editor ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "markdown"),
    [
        ("tone.mp3", '<audio controls preload="metadata" src="{}"></audio>'),
        ("clip.webm", '<video controls preload="metadata" src="{}"></video>'),
        ("notes.pdf", "[notes.pdf]({})"),
    ],
)
def test_the_editor_inserts_a_player_or_a_link_readers_get_intact(
    name, markdown, blog_with_post, login, make_post
):
    blog, post = blog_with_post
    response = editor_upload(login(blog.owner), post, name)
    assert response.status_code == 200, response.content
    document = get_document_model().objects.get()
    assert (document.collection_id, document.uploaded_by_user) == (blog.collection_id, blog.owner)
    # The file's own address on the blog's host: never the platform's /documents/.
    url = f"{blog.get_full_url()}media/{document.file.name}"
    assert url.startswith(f"http://{blog.subdomain}.localhost:")
    assert response.json() == {"data": {"filePath": url, "markdown": markdown.format(url)}}
    shown = make_post(blog, title="Listen", body=f"Here:\n\n{markdown.format(url)}")
    html = host_client(blog).get(f"/{shown.slug}/").content.decode()
    assert f'src="{url}"' in html or f'href="{url}"' in html


def test_the_editor_refuses_what_a_post_cannot_show(blog_with_post, login, settings):
    blog, post = blog_with_post
    client = login(blog.owner)
    pdf = (FILES / "notes.pdf").read_bytes()
    misnamed = editor_upload(client, post, "talk.mp3", pdf)
    assert misnamed.status_code == 400
    assert misnamed.json()["error"].startswith("“talk.mp3” is a PDF, not an MP3 file")
    font = editor_upload(client, post, FONT.name, FONT.read_bytes())
    assert font.status_code == 400 and "can't go into a post" in font.json()["error"]
    settings.VIDEO_MAX_UPLOAD_MB = 0
    assert "the limit for videos" in editor_upload(client, post, "clip.mp4").json()["error"]
    assert not get_document_model().objects.exists()


def test_the_editor_uploads_only_into_the_blog_being_written(make_blogger, make_post, login):
    a, b = make_blogger(), make_blogger()
    a_post, b_post = make_post(a), make_post(b)
    client = login(a.owner)
    assert editor_upload(client, b_post, "tone.mp3").status_code == 404
    assert editor_upload(client, b, "tone.mp3").status_code == 404
    url = reverse("bearcms_editor_image_upload", args=[a_post.pk])
    response = client.post(
        f"{url}?collection={b.collection_id}",
        {"image": file("tone.mp3"), "collection": b.collection_id},
    )
    assert response.status_code == 200
    assert get_document_model().objects.get().collection_id == a.collection_id


def test_staff_need_the_document_permission_on_the_blog(blog_with_post, login, staff_client):
    blog, post = blog_with_post
    moderator = get_user_model().objects.create_user("mod", "mod@example.com", "x", is_staff=True)
    moderator.user_permissions.add(*Permission.objects.filter(codename="access_admin"))
    refused = editor_upload(login(moderator), post, "tone.mp3")
    assert (refused.status_code, refused.json()) == (
        403,
        {"error": "You cannot add files to this blog."},
    )
    assert editor_upload(staff_client, post, "tone.mp3").status_code == 200
    assert get_document_model().objects.get().collection_id == blog.collection_id


def test_the_editor_knows_what_it_may_upload(blog_with_post, login):
    blog, post = blog_with_post
    html = login(blog.owner).get(reverse("wagtailadmin_pages:edit", args=[post.pk])).content
    html = html.decode()
    assert 'data-file-accept=".mp3, .m4a, .ogg, .oga, .opus, .mp4, .webm, .pdf"' in html
    assert "data-file-max-sizes=" in html and "&quot;pdf&quot;: 10485760" in html


# --- On S3 ---------------------------------------------------------------------------------


def test_on_s3_the_editor_inserts_the_cdn_address_and_the_type_is_the_extensions(
    blog_with_post, login, bucket
):
    blog, post = blog_with_post
    # A browser says what type a file has; an uploader can say text/html.
    response = editor_upload(login(blog.owner), post, "tone.mp3", content_type="text/html")
    assert response.status_code == 200
    document = get_document_model().objects.get()
    url = f"https://{CDN}/{document.file.name}"
    assert response.json()["data"]["filePath"] == url
    stored = default_storage.bucket.Object(document.file.name)
    assert stored.content_type == "audio/mpeg"


def test_on_s3_an_image_is_stored_with_its_extensions_type_too(blog_with_post, login, bucket):
    blog, post = blog_with_post
    data = io.BytesIO()
    PILImage.new("RGB", (4, 4), "teal").save(data, "GIF")  # GIFs are shown as uploaded
    response = editor_upload(login(blog.owner), post, "dot.gif", data.getvalue(), "text/html")
    assert response.status_code == 200
    image = get_image_model().objects.get()
    assert default_storage.bucket.Object(image.file.name).content_type == "image/gif"
