"""Bloggers add images while writing: the editor's upload endpoint and location stripping.

A blogger's upload from the Markdown editor lands in their own blog's collection, and
every image upload (editor, Wagtail's add and multiple-add views) loses its location.
"""

import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import ExifTags
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, UploadedFile

from tests.support.clients import host_client
from tests.support.paths import ROOT

GPS = {  # somewhere in Amsterdam
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (52.0, 22.0, 1.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (4.0, 53.0, 0.0),
}
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="52,22.01N"/></rdf:RDF></x:xmpmeta>'
)
ROTATE_90 = 6  # EXIF orientation: the camera was held upright


def photo_bytes(fmt="JPEG", size=(64, 48), gps=True, **options):
    """A small photo as a phone writes it: orientation, camera and GPS in EXIF, XMP."""
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = ROTATE_90
    exif[ExifTags.Base.Make] = "Phone"
    if gps:
        exif[ExifTags.IFD.GPSInfo] = GPS
    out = BytesIO()
    PILImage.new("RGB", size, (200, 80, 40)).save(out, fmt, exif=exif, xmp=XMP, **options)
    return out.getvalue()


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def assert_no_location(data):
    with PILImage.open(BytesIO(data)) as image:
        exif = image.getexif()
        assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert ExifTags.IFD.GPSInfo not in exif
        assert exif.get(ExifTags.Base.Make) is None
        assert exif.get(ExifTags.Base.Orientation) == ROTATE_90
        assert not image.info.get("xmp")
    assert b"GPSLatitude" not in data


def stored_bytes(image):
    with image.file.open("rb") as f:
        return f.read()


def upload_url(page):
    return reverse("bearcms_editor_image_upload", args=[page.pk])


@pytest.fixture
def blog_with_post(make_blogger, make_post):
    blog = make_blogger()
    return blog, make_post(blog)


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- The editor's upload --------------------------------------------------------------


def test_photo_from_editor_lands_in_own_collection_without_location(blog_with_post, login):
    blog, post = blog_with_post
    response = login(blog.owner).post(
        upload_url(post), {"image": upload("garden.jpg", photo_bytes())}
    )
    assert response.status_code == 200
    image = get_image_model().objects.get()
    assert image.collection_id == blog.collection_id
    assert image.uploaded_by_user == blog.owner
    assert image.title == "garden"
    assert_no_location(stored_bytes(image))
    # The editor inserts a rendition's address: a file that exists in storage.
    (rendition,) = image.renditions.all()
    assert response.json() == {"data": {"filePath": rendition.url}}
    assert rendition.url.endswith(".max-1600x1600.jpg")
    assert default_storage.exists(rendition.file.name)


def test_inserted_markdown_shows_the_image_to_readers(blog_with_post, login, make_post):
    blog, post = blog_with_post
    response = login(blog.owner).post(upload_url(post), {"image": upload("a.jpg", photo_bytes())})
    url = response.json()["data"]["filePath"]
    shown = make_post(blog, title="With a picture", body=f"![A garden]({url})")
    html = host_client(blog).get(f"/{shown.slug}/").content.decode()
    assert f'<img alt="A garden" src="{url}">' in html


def test_large_photo_spooled_to_disk_is_stripped_too(blog_with_post, login, settings):
    """Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE arrive as temporary files, which the
    file storage moves into place rather than copying."""
    blog, post = blog_with_post
    side = 1200
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = ROTATE_90
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = BytesIO()
    noise = PILImage.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    noise.save(out, "JPEG", quality=100, exif=exif)
    assert len(out.getvalue()) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    big = upload("big.jpg", out.getvalue())
    response = login(blog.owner).post(upload_url(post), {"image": big})
    assert response.status_code == 200
    assert_no_location(stored_bytes(get_image_model().objects.get()))


def test_upload_while_adding_a_post_goes_to_the_parent_blog(make_blogger, login):
    blog = make_blogger()
    response = login(blog.owner).post(upload_url(blog), {"image": upload("a.png", png_bytes())})
    assert response.status_code == 200
    assert get_image_model().objects.get().collection_id == blog.collection_id


def png_bytes(size=(32, 32), pixels=None):
    image = (
        PILImage.frombytes("RGB", size, pixels) if pixels else PILImage.new("RGB", size, "white")
    )
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_gif_is_inserted_as_its_original_so_animations_keep_playing(blog_with_post, login):
    blog, post = blog_with_post
    frames = [PILImage.new("P", (8, 8), colour) for colour in (1, 2)]
    out = BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100)
    response = login(blog.owner).post(upload_url(post), {"image": upload("a.gif", out.getvalue())})
    image = get_image_model().objects.get()
    assert response.json()["data"]["filePath"] == image.file.url
    assert stored_bytes(image) == out.getvalue()


def test_too_big_image_is_refused_with_the_limit_and_nothing_stored(
    blog_with_post, login, settings
):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024 * 1024
    blog, post = blog_with_post
    noise = png_bytes((800, 800), os.urandom(800 * 800 * 3))
    assert len(noise) > 1024 * 1024
    response = login(blog.owner).post(upload_url(post), {"image": upload("big.png", noise)})
    assert response.status_code == 400
    assert "larger than 1 MB" in response.json()["error"]
    assert not get_image_model().objects.exists()
    assert media_files(settings) == []


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(
    blog_with_post, login, settings
):
    blog, post = blog_with_post
    out = BytesIO()
    PILImage.new("1", (8000, 7000)).save(out, "PNG")  # 56 megapixels in a few kB
    response = login(blog.owner).post(
        upload_url(post), {"image": upload("flat.png", out.getvalue())}
    )
    assert response.status_code == 400
    assert "has 56000000 pixels, more than 50000000" in response.json()["error"]
    assert not get_image_model().objects.exists()
    assert media_files(settings) == []


NOT_FOR_A_POST = "can't go into a post. Add an image (JPEG, PNG, GIF or WebP), sound"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("notes.txt", b"just some text", NOT_FOR_A_POST),
        (
            "notes.jpg",
            b"just some text, named like a photo",
            "Only JPEG, PNG, GIF and WebP images can be uploaded.",
        ),
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            NOT_FOR_A_POST,
        ),
    ],
)
def test_non_images_and_svg_are_refused_with_the_formats_allowed(
    blog_with_post, login, settings, name, data, reason
):
    blog, post = blog_with_post
    response = login(blog.owner).post(upload_url(post), {"image": upload(name, data)})
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not get_image_model().objects.exists()
    assert media_files(settings) == []


def test_truncated_photo_is_refused_and_nothing_stored(blog_with_post, login, settings):
    blog, post = blog_with_post
    data = photo_bytes(size=(400, 300))
    response = login(blog.owner).post(
        upload_url(post), {"image": upload("cut.jpg", data[: len(data) // 2])}
    )
    assert response.status_code == 400
    assert "damaged or incomplete" in response.json()["error"]
    assert not get_image_model().objects.exists()
    assert media_files(settings) == []


def test_missing_file_is_refused(blog_with_post, login):
    blog, post = blog_with_post
    response = login(blog.owner).post(upload_url(post), {})
    assert response.status_code == 400
    assert response.json() == {"error": "Choose an image to upload."}


def test_anonymous_upload_is_refused(blog_with_post, platform_client):
    _, post = blog_with_post
    response = platform_client.post(upload_url(post), {"image": upload("a.jpg", photo_bytes())})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not get_image_model().objects.exists()


def test_upload_without_csrf_token_is_refused(blog_with_post):
    blog, post = blog_with_post
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(blog.owner)
    response = client.post(upload_url(post), {"image": upload("a.jpg", photo_bytes())})
    assert response.status_code == 403
    assert not get_image_model().objects.exists()


def test_get_is_not_an_upload(blog_with_post, login):
    blog, post = blog_with_post
    assert login(blog.owner).get(upload_url(post)).status_code == 405


# --- Tenancy: only ever into one's own blog -------------------------------------------


@pytest.fixture
def two_blogs(make_blogger, make_post):
    a, b = make_blogger(), make_blogger()
    return (a, make_post(a)), (b, make_post(b))


@pytest.mark.parametrize("target", ["blog", "post"])
def test_blogger_cannot_upload_into_another_blog(two_blogs, login, target):
    (a, _), (b, b_post) = two_blogs
    page = b if target == "blog" else b_post
    response = login(a.owner).post(upload_url(page), {"image": upload("a.jpg", photo_bytes())})
    assert response.status_code == 404
    assert not get_image_model().objects.exists()


def test_collection_named_in_the_request_is_ignored(two_blogs, login):
    (a, a_post), (b, _) = two_blogs
    response = login(a.owner).post(
        upload_url(a_post) + f"?collection={b.collection_id}&collection_id={b.collection_id}",
        {"image": upload("a.jpg", photo_bytes()), "collection": b.collection_id},
    )
    assert response.status_code == 200
    assert get_image_model().objects.get().collection_id == a.collection_id


def test_blogger_cannot_upload_at_the_tree_root(two_blogs, login):
    (a, _), _ = two_blogs
    response = login(a.owner).post(
        reverse("bearcms_editor_image_upload", args=[Page.get_first_root_node().pk]),
        {"image": upload("a.jpg", photo_bytes())},
    )
    assert response.status_code == 404  # the root is outside every blogger's tree
    assert not get_image_model().objects.exists()


def test_staff_upload_into_the_blog_whose_post_they_edit(two_blogs, login):
    _, (b, b_post) = two_blogs
    staff = get_user_model().objects.create_superuser("staff", "staff@example.com", "x")
    response = login(staff).post(upload_url(b_post), {"image": upload("a.jpg", photo_bytes())})
    assert response.status_code == 200
    image = get_image_model().objects.get()
    assert (image.collection_id, image.uploaded_by_user) == (b.collection_id, staff)


def test_staff_without_image_permission_on_the_blog_are_refused(two_blogs, login):
    _, (_, b_post) = two_blogs
    moderator = get_user_model().objects.create_user("mod", "mod@example.com", "x", is_staff=True)
    moderator.user_permissions.add(*access_admin_permission())
    response = login(moderator).post(upload_url(b_post), {"image": upload("a.jpg", photo_bytes())})
    assert response.status_code == 403
    assert response.json() == {"error": "You cannot add images to this blog."}
    assert not get_image_model().objects.exists()


def access_admin_permission():
    return Permission.objects.filter(codename="access_admin")


# --- The editor is wired to the endpoint ----------------------------------------------


def test_post_editor_carries_upload_address_and_limits(blog_with_post, login, settings):
    blog, post = blog_with_post
    html = login(blog.owner).get(reverse("wagtailadmin_pages:edit", args=[post.pk])).content
    html = html.decode()
    assert f'data-image-upload-url="{upload_url(post)}"' in html
    assert f'data-image-max-size="{settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE}"' in html
    assert 'data-image-accept="image/gif, image/jpeg, image/png, image/webp"' in html


def test_add_post_editor_uploads_into_the_parent_blog(make_blogger, login):
    blog = make_blogger()
    url = reverse("wagtailadmin_pages:add", args=["blog", "postpage", blog.pk])
    html = login(blog.owner).get(url).content.decode()
    assert f'data-image-upload-url="{upload_url(blog)}"' in html


def test_upload_limit_comes_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.IMAGE_MAX_UPLOAD_MB, s.WAGTAILIMAGES_MAX_UPLOAD_SIZE)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bearcms.settings", "IMAGE_MAX_UPLOAD_MB": "3"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["3", str(3 * 1024 * 1024)], result.stderr


# --- Location is stripped from every upload -------------------------------------------


def test_wagtail_add_image_view_strips_location(make_blogger, login):
    blog = make_blogger()
    response = login(blog.owner).post(
        reverse("wagtailimages:add"),
        {"title": "Garden", "file": upload("garden.jpg", photo_bytes())},
    )
    assert response.status_code == 302
    assert_no_location(stored_bytes(get_image_model().objects.get()))


def test_wagtail_multiple_upload_strips_location(make_blogger, login):
    blog = make_blogger()
    response = login(blog.owner).post(
        reverse("wagtailimages:add_multiple"), {"files[]": upload("garden.jpg", photo_bytes())}
    )
    assert json.loads(response.content)["success"] is True
    assert_no_location(stored_bytes(get_image_model().objects.get()))


def test_multiple_upload_kept_for_later_is_stripped_too(make_blogger, login):
    """An invalid title makes Wagtail keep the raw upload to finish later."""
    blog = make_blogger()
    response = login(blog.owner).post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": upload("garden.jpg", photo_bytes()), "title": "x" * 300},
    )
    assert json.loads(response.content)["success"] is True
    with UploadedFile.objects.get().file.open("rb") as f:
        assert_no_location(f.read())


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_location_is_stripped_from_png_and_webp(blog_with_post, login, fmt):
    blog, post = blog_with_post
    name = f"garden.{fmt.lower()}"
    response = login(blog.owner).post(upload_url(post), {"image": upload(name, photo_bytes(fmt))})
    assert response.status_code == 200
    assert_no_location(stored_bytes(get_image_model().objects.get()))


def test_jpeg_keeps_its_quality_tables(blog_with_post, login):
    blog, post = blog_with_post
    original = photo_bytes(size=(160, 120), quality=95)
    login(blog.owner).post(upload_url(post), {"image": upload("a.jpg", original)})
    stored = stored_bytes(get_image_model().objects.get())
    with PILImage.open(BytesIO(original)) as before, PILImage.open(BytesIO(stored)) as after:
        assert after.quantization == before.quantization
        assert after.size == before.size


def test_photo_without_metadata_is_stored_byte_for_byte(blog_with_post, login):
    blog, post = blog_with_post
    out = BytesIO()
    PILImage.new("RGB", (40, 30), "blue").save(out, "JPEG")
    login(blog.owner).post(upload_url(post), {"image": upload("plain.jpg", out.getvalue())})
    assert stored_bytes(get_image_model().objects.get()) == out.getvalue()
