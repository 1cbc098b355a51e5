"""Media on S3: with AWS_STORAGE_BUCKET_NAME set, images, their renditions and documents
live in a bucket and readers get them from the CDN domain.

Proven against a real S3 server (SeaweedFS, which refuses anonymous requests), with the
storage options ``bearcms.settings`` builds from the environment. Each test has its own
bucket.
"""

import urllib.error
import urllib.request

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from storages.backends.s3 import S3Storage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file, get_test_image_file_jpeg

from bearcms.settings import s3_media_storage
from tests.support.clients import host_client
from tests.support.media_storage import CDN
from tests.support.production_env import PRODUCTION_ENV, run


def upload_image(client, blog, file):
    return client.post(
        reverse("wagtailimages:add"),
        {"title": "A cat", "file": file, "collection": blog.collection_id},
    )


@pytest.fixture
def uploaded(make_blogger, login, bucket):
    """A blogger's image, uploaded through the dashboard's add-image form."""
    blog = make_blogger()
    client = login(blog.owner)
    png = get_test_image_file().file.getvalue()
    response = upload_image(client, blog, SimpleUploadedFile("cat.png", png))
    assert response.status_code == 302, response.content.decode()
    return blog, client, get_image_model().objects.get()


def fetch_anonymously(seaweedfs, bucket, key):
    try:
        with urllib.request.urlopen(f"{seaweedfs.endpoint_url}/{bucket}/{key}") as response:  # noqa: S310 - http://127.0.0.1
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_an_uploaded_image_is_stored_in_the_bloggers_collection_in_the_bucket(
    uploaded, bucket, seaweedfs
):
    blog, _, image = uploaded
    assert image.collection_id == blog.collection_id
    assert image.file.name.startswith("original_images/cat")
    assert seaweedfs.keys(bucket) == [image.file.name]
    stored = seaweedfs.client().head_object(Bucket=bucket, Key=image.file.name)
    assert stored["ContentType"] == "image/png"
    assert stored["CacheControl"] == "public, max-age=31536000"


def test_the_bucket_refuses_anonymous_reads_without_a_public_policy(uploaded, bucket, seaweedfs):
    """Readers get media through the CDN; the bucket itself stays private. (Found here:
    SeaweedFS ignores a public-read ACL and honours a bucket policy instead, while
    DigitalOcean Spaces' CDN serves only objects stored with AWS_DEFAULT_ACL=public-read.)"""
    _, _, image = uploaded
    assert fetch_anonymously(seaweedfs, bucket, image.file.name) == 403


def test_a_post_links_its_images_on_the_cdn(uploaded, bucket, seaweedfs, make_post):
    blog, _, image = uploaded
    make_post(blog, title="Cat", slug="cat", body=f"![A cat]({image.file.url})", meta_image=image)
    html = host_client(blog).get("/cat/").content.decode()
    assert image.file.url.startswith(f"https://{CDN}/original_images/cat")
    assert f'src="{image.file.url}"' in html
    # The OpenGraph image is a rendition, made on the first view and stored in the bucket.
    rendition = image.renditions.get()
    assert rendition.url.startswith(f"https://{CDN}/images/cat")
    assert f'content="{rendition.url}"' in html
    assert rendition.file.name in seaweedfs.keys(bucket)


def test_deleting_an_image_in_the_dashboard_deletes_its_objects(
    uploaded, bucket, seaweedfs, django_capture_on_commit_callbacks
):
    _, client, image = uploaded
    rendition = image.get_rendition("fill-100x100")
    assert sorted(seaweedfs.keys(bucket)) == sorted([image.file.name, rendition.file.name])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailimages:delete", args=[image.id]))
    assert response.status_code == 302
    assert not get_image_model().objects.exists()
    assert seaweedfs.keys(bucket) == []


JPEG = get_test_image_file_jpeg().file.getvalue()


@pytest.mark.parametrize(
    "content",
    [b"plain text, not a picture", JPEG[:300], JPEG[: len(JPEG) // 2]],
    ids=["not-an-image", "jpeg-cut-in-its-header", "jpeg-cut-in-its-pixels"],
)
def test_a_broken_upload_is_a_form_error_and_stores_nothing(
    make_blogger, login, bucket, seaweedfs, content
):
    blog = make_blogger()
    response = upload_image(login(blog.owner), blog, SimpleUploadedFile("broken.jpg", content))
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "not an image" in error or "damaged" in error
    assert error in response.content.decode()
    assert not get_image_model().objects.exists()
    assert seaweedfs.keys(bucket) == []


def test_a_document_link_on_the_platform_redirects_to_the_cdn(bucket, seaweedfs, platform_client):
    """Wagtail serves documents from remote storage by redirecting to the file's URL."""
    document = get_document_model().objects.create(
        title="Notes", file=ContentFile(b"some notes", name="notes.txt")
    )
    assert seaweedfs.keys(bucket) == [document.file.name]
    response = platform_client.get(f"/documents/{document.id}/notes.txt")
    assert response.status_code == 302
    assert response["Location"] == f"https://{CDN}/{document.file.name}"


def test_a_blogs_font_in_the_bucket_is_served_by_the_blogs_host_itself(
    bucket, seaweedfs, make_blogger
):
    """Not redirected to the CDN: the reader policy takes fonts from the page's origin only."""
    blog = make_blogger()
    data = b"wOF2" + bytes(60)  # a font's start is all the serving view needs
    font = get_document_model().objects.create(
        title="Bear", file=ContentFile(data, name="bear.woff2"), collection=blog.collection
    )
    assert seaweedfs.keys(bucket) == [font.file.name]
    response = host_client(blog).get(f"/fonts/{font.filename}")
    assert response.status_code == 200 and response["Content-Type"] == "font/woff2"
    assert b"".join(response.streaming_content) == data


SPACES = {
    "AWS_STORAGE_BUCKET_NAME": "bearcms-media",
    "AWS_S3_ENDPOINT_URL": "https://ams3.digitaloceanspaces.com",
    "AWS_S3_REGION_NAME": "ams3",
    "AWS_ACCESS_KEY_ID": "spaces-key",
    "AWS_SECRET_ACCESS_KEY": "spaces-secret-never-in-options",
}


def default_storage_in_a_fresh_process(environment, drop=()):
    code = (
        "import django; django.setup(); from django.core.files.storage import storages; "
        "s = storages['default']; print(type(s).__name__); print(s.url('a.png')); "
        "print(s.deconstruct())"
    )
    result = run(["-c", code], {**PRODUCTION_ENV, **environment}, drop=("DEBUG", *drop))
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_without_a_bucket_uploads_stay_on_the_filesystem():
    kind, url, _ = default_storage_in_a_fresh_process({}, drop=("AWS_STORAGE_BUCKET_NAME",))
    assert (kind, url) == ("FileSystemStorage", "/media/a.png")


def test_with_a_bucket_and_a_cdn_uploads_go_to_s3_with_plain_cdn_urls():
    kind, url, options = default_storage_in_a_fresh_process(
        {**SPACES, "AWS_S3_CUSTOM_DOMAIN": "media.blogs.example.org"}
    )
    assert (kind, url) == ("MediaS3Storage", "https://media.blogs.example.org/a.png")
    # Wagtail stores a storage's options in each file-deletion task: no secret there.
    assert "bearcms-media" in options and SPACES["AWS_SECRET_ACCESS_KEY"] not in options


@pytest.mark.parametrize(
    "extra", [{"AWS_DEFAULT_ACL": "public-read"}, {"AWS_S3_CUSTOM_DOMAIN": CDN}], ids=["acl", "cdn"]
)
def test_image_urls_are_plain_so_that_they_never_expire(monkeypatch, extra):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", SPACES["AWS_ACCESS_KEY_ID"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SPACES["AWS_SECRET_ACCESS_KEY"])
    options = s3_media_storage({**SPACES, **extra})["OPTIONS"]
    url = S3Storage(**options).url("original_images/cat.png")
    assert "X-Amz-Signature=" not in url and url.endswith("/original_images/cat.png")


def test_a_bucket_readers_cannot_reach_is_refused_at_start():
    # Signed URLs would expire inside posts: the settings say what to set instead.
    with pytest.raises(ImproperlyConfigured, match="AWS_S3_CUSTOM_DOMAIN"):
        s3_media_storage(SPACES)
