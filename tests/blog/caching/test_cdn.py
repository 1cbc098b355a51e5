"""Publishing purges the CDN: a local server stands in for Cloudflare's API."""

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from wagtail.documents import get_document_model

from blog.models import PostPage
from blog.moderation.flags import set_blog_flags
from tests.support.clients import host_client
from tests.support.cloudflare import purged_urls
from tests.support.paths import FONT


def test_publishing_a_post_purges_it_and_the_pages_that_list_it(
    cloudflare, make_blogger, make_post
):
    blog = make_blogger("cdnblog")
    make_post(blog, slug="fresh")
    urls = purged_urls(cloudflare)
    base = "http://cdnblog.localhost:8000/"
    assert {base + "fresh/", base, base + "blog/", base + "feed/", base + "sitemap.xml"} <= urls
    path, headers, _body = cloudflare.requests[0]
    assert path == "/client/v4/zones/zone1/purge_cache"
    assert headers["Authorization"] == "Bearer test-token"
    assert all(url.startswith(base) for url in urls)


def test_changing_the_blog_purges_every_post(cloudflare, make_blogger, make_post):
    blog = make_blogger("restyled")
    make_post(blog, slug="one")
    make_post(blog, slug="two")
    cloudflare.requests.clear()
    blog.theme = "dark"
    blog.save_revision().publish()
    base = "http://restyled.localhost:8000/"
    assert {base, base + "one/", base + "two/", base + "feed/"} <= purged_urls(cloudflare)


def test_publishing_a_post_purges_every_feed_path(cloudflare, make_blogger, make_post):
    blog = make_blogger("syndicated")
    make_post(blog, slug="fresh")
    base = "http://syndicated.localhost:8000/"
    assert {base + "feed/atom/", base + "feed/rss/", base + "rss.xml"} <= purged_urls(cloudflare)


def test_changing_the_blogs_icon_purges_the_icon_urls(cloudflare, make_blogger):
    blog = make_blogger("iconic")
    cloudflare.requests.clear()
    blog.favicon_emoji = "🐻"
    blog.save_revision().publish()
    base = "http://iconic.localhost:8000/"
    icons = {
        "favicon.svg",
        "favicon.ico",
        "apple-touch-icon.png",
        "apple-touch-icon-precomposed.png",
    }
    assert {base + icon for icon in icons} <= purged_urls(cloudflare)


def test_moving_to_a_custom_domain_purges_both_hosts(cloudflare, make_blogger, make_post):
    blog = make_blogger("moving")
    make_post(blog, slug="one")
    cloudflare.requests.clear()
    blog.custom_domain = "moving.example.com"
    blog.save_revision().publish()
    old, new = "http://moving.localhost:8000/", "http://moving.example.com:8000/"
    urls = purged_urls(cloudflare)
    # The old host's pages go, so that readers there meet the redirect at once.
    assert {old, old + "one/", old + "feed/", new, new + "one/"} <= urls


def test_a_scheduled_post_is_purged_when_its_date_has_come(cloudflare, make_blogger, make_post):
    blog = make_blogger("scheduler")
    later = timezone.now() + timezone.timedelta(hours=2)
    post = make_post(blog, slug="later", published_date=later)
    call_command("send_subscriber_mail")
    cloudflare.requests.clear()
    PostPage.objects.filter(pk=post.pk).update(published_date=timezone.now())
    call_command("send_subscriber_mail")
    base = "http://scheduler.localhost:8000/"
    assert {base + "later/", base, base + "feed/", base + "sitemap.xml"} <= purged_urls(cloudflare)
    cloudflare.requests.clear()
    call_command("send_subscriber_mail")
    assert not cloudflare.requests  # once, not on every run


def test_blocking_a_blog_purges_all_its_pages(
    cloudflare, make_blogger, make_post, django_capture_on_commit_callbacks
):
    blog = make_blogger("blockme")
    make_post(blog, slug="one")
    cloudflare.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        set_blog_flags(blog, blocked=True)
    base = "http://blockme.localhost:8000/"
    assert {base, base + "one/", base + "feed/"} <= purged_urls(cloudflare)


def test_a_cdn_that_is_down_does_not_stop_publishing(settings, make_blogger, make_post):
    settings.WAGTAILFRONTENDCACHE = {
        "cloudflare": {
            "BACKEND": "blog.wagtail_overrides.cloudflare.CloudflareBackend",
            "BEARER_TOKEN": "t",
            "ZONEID": "z",
            "API_URL": "http://127.0.0.1:9/",  # nothing listens on the discard port
        }
    }
    blog = make_blogger()
    make_post(blog, slug="still-here")
    assert host_client(blog).get("/still-here/").status_code == 200


def test_nothing_is_sent_without_a_cdn(cloudflare, settings, make_blogger, make_post):
    del settings.WAGTAILFRONTENDCACHE
    make_post(make_blogger(), slug="quiet")
    assert cloudflare.requests == []


def test_changing_or_deleting_a_font_purges_its_address(cloudflare, make_blogger):
    blog = make_blogger("typeset")
    file = ContentFile(FONT.read_bytes(), name=FONT.name)
    font = get_document_model().objects.create(title="Mono", file=file, collection=blog.collection)
    address = f"http://typeset.localhost:8000/fonts/{font.file.name.rsplit('/', 1)[-1]}"
    cloudflare.requests.clear()
    font.title = "Mono italic"
    font.save()
    assert purged_urls(cloudflare) == {address}
    cloudflare.requests.clear()
    font.delete()
    assert purged_urls(cloudflare) == {address}
