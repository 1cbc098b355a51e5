"""Renaming a blog (home.blog_address, blog.tenants.lifecycle.rename_blog): the blog moves
to its new subdomain at once, everything it links follows, the old subdomain redirects
there through the quarantine and is then free, and caches forget the old answers."""

import datetime
import html
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from blog.models import BlogPage, FormerSubdomain
from blog.moderation.flags import set_blog_flags
from blog.tenants.lifecycle import create_blog
from home.signup import blog_address, check_new_subdomain
from tests.support.clients import host_client
from tests.support.cloudflare import purged_urls
from tests.support.dashboard_forms import settings_form, settings_url
from tests.support.discovery import LONG

URL = "/dashboard/domain/address/"
NEW, OLD = blog_address("newname"), blog_address("oldname")


@pytest.fixture
def blog(make_blogger, make_post):
    blog = make_blogger("oldname", title="Names change")
    set_blog_flags(blog, reviewed=True)  # discovery lists its long posts a day on
    day_ago = timezone.now() - datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=day_ago):
        make_post(blog, title="Still here", slug="still-here", body=LONG)
    return blog


@pytest.fixture
def client(blog, login):
    return login(blog.owner)


def text(response):
    return html.unescape(response.content.decode())


def rename(client, subdomain):
    return client.post(URL, {"subdomain": subdomain})


def test_the_blog_moves_to_its_new_address_and_everything_follows(blog, client, platform_client):
    response = rename(client, "newname")
    assert response.status_code == 302 and response["Location"] == reverse("bearcms_blog_domain")
    blog.refresh_from_db()
    assert (blog.subdomain, blog.slug) == ("newname", "newname")
    assert Site.objects.get(root_page=blog).hostname == "newname.localhost"
    assert blog.group.name == "Blog: newname" and blog.collection.name == "Blog: newname"
    reader = host_client("newname.localhost")
    post = reader.get("/still-here/")
    assert post.status_code == 200
    page = post.content.decode()
    assert f'rel="canonical" href="{NEW}/still-here/"' in page
    assert f"{NEW}/still-here/" in reader.get("/feed/").content.decode()
    assert f"{NEW}/still-here/" in reader.get("/sitemap.xml").content.decode()
    assert "oldname" not in reader.get("/feed/").content.decode()
    assert f"{NEW}/still-here/" in platform_client.get("/discover/").content.decode()


def test_the_old_address_redirects_to_the_same_path_on_the_new_one(blog, client):
    old = host_client("oldname.localhost")
    assert old.get("/still-here/").status_code == 200  # now in the page cache
    rename(client, "newname")
    response = old.get("/still-here/?utm=x")
    assert response.status_code == 301
    assert response["Location"] == f"{NEW}/still-here/?utm=x"
    assert old.get("/feed/")["Location"] == f"{NEW}/feed/"


def test_the_old_address_is_held_for_the_quarantine_then_free(blog, client, settings):
    rename(client, "newname")
    with pytest.raises(Exception, match="another blog's address until recently"):
        check_new_subdomain("oldname")
    FormerSubdomain.objects.update(
        left_at=timezone.now() - datetime.timedelta(days=settings.SUBDOMAIN_QUARANTINE_DAYS + 1)
    )
    assert check_new_subdomain("oldname") == "oldname"
    assert host_client("oldname.localhost").get("/").status_code == 404


def test_a_new_blog_takes_an_address_whose_quarantine_is_over(blog, client, make_blogger, settings):
    rename(client, "newname")
    FormerSubdomain.objects.update(
        left_at=timezone.now() - datetime.timedelta(days=settings.SUBDOMAIN_QUARANTINE_DAYS + 1)
    )
    old = host_client("oldname.localhost")
    old.get("/")
    newcomer = create_blog(make_blogger("stranger").owner, "oldname", "A stranger's blog")
    assert not FormerSubdomain.objects.exists()
    home = old.get("/")
    assert home.status_code == 200 and "A stranger's blog" in text(home)
    assert newcomer.slug == "oldname"


def test_a_blog_takes_back_its_own_former_address_at_once(blog, client):
    rename(client, "newname")
    assert rename(client, "oldname").status_code == 302
    blog.refresh_from_db()
    assert blog.subdomain == "oldname"
    assert list(FormerSubdomain.objects.values_list("subdomain", flat=True)) == ["newname"]
    assert host_client("oldname.localhost").get("/still-here/").status_code == 200
    assert host_client("newname.localhost").get("/")["Location"] == f"{OLD}/"


@pytest.mark.parametrize(
    "subdomain, message",
    [
        ("oldname", "is your blog's address already"),
        ("www", "is reserved"),
        ("taken", "is taken"),
        ("two_words", "Try “two-words”"),
    ],
)
def test_an_address_that_cannot_be_had_changes_nothing(
    blog, client, make_blogger, subdomain, message
):
    make_blogger("taken")
    response = rename(client, subdomain)
    assert response.status_code == 200
    assert message in text(response)
    assert "Your blog's address is unchanged" in text(response)
    blog.refresh_from_db()
    assert blog.subdomain == "oldname" and not FormerSubdomain.objects.exists()


def test_another_blogs_former_address_is_refused_to_everyone_else(
    blog, client, make_blogger, login
):
    rename(client, "newname")
    other = make_blogger("other")
    response = rename(login(other.owner), "oldname")
    assert "another blog's address until recently" in text(response)
    other.refresh_from_db()
    assert other.subdomain == "other"


def test_a_blog_changes_its_address_at_most_three_times_a_quarantine(blog, client):
    for name in ["one", "two", "three"]:
        assert rename(client, name).status_code == 302
    response = rename(client, "four")
    assert "changed its address 3 times" in text(response)
    assert BlogPage.objects.get(pk=blog.pk).subdomain == "three"
    assert rename(client, "oldname").status_code == 302  # going back is always allowed
    assert BlogPage.objects.get(pk=blog.pk).subdomain == "oldname"


def test_a_renamed_blogs_old_address_is_kept_by_browsers_briefly(blog, client, settings):
    rename(client, "newname")
    response = host_client("oldname.localhost").get("/")
    assert response["Cache-Control"] == f"public, max-age={settings.READER_MAX_AGE}"


def test_unblocking_a_renamed_blog_brings_its_old_address_back_at_once(blog, client):
    rename(client, "newname")
    blog = BlogPage.objects.get(pk=blog.pk)
    set_blog_flags(blog, blocked=True)
    assert host_client("oldname.localhost").get("/").status_code == 410
    set_blog_flags(blog, blocked=False)
    assert host_client("oldname.localhost").get("/").status_code == 301


def test_a_deleted_blogs_former_addresses_keep_their_quarantine(blog, client):
    rename(client, "newname")
    BlogPage.objects.get(pk=blog.pk).delete()
    for name in ("oldname", "newname"):
        with pytest.raises(ValidationError):
            check_new_subdomain(name)


def test_a_draft_saved_before_the_rename_keeps_the_new_address(blog, client):
    blog.title = "A draft title"
    revision = blog.save_revision(user=blog.owner)
    rename(client, "newname")
    revision.publish(user=blog.owner)
    blog.refresh_from_db()
    assert (blog.title, blog.subdomain, blog.slug) == ("A draft title", "newname", "newname")
    assert blog.url_path == "/newname/"  # where its posts are
    assert Site.objects.get(root_page=blog).hostname == "newname.localhost"
    reader = host_client("newname.localhost")
    assert reader.get("/feed/").status_code == 200
    assert reader.get("/still-here/").status_code == 200


def test_settings_saved_after_the_rename_keep_the_new_address(blog, client):
    rename(client, "newname")
    blog.refresh_from_db()
    response = client.post(settings_url(), settings_form(blog, title="Renamed twice"))
    assert response.status_code == 302
    assert host_client("newname.localhost").get("/").status_code == 200


def test_the_cdn_forgets_the_blog_under_its_old_address(blog, client, cloudflare):
    rename(client, "newname")
    purged = purged_urls(cloudflare)
    assert f"{OLD}/still-here/" in purged
    assert f"{OLD}/feed/" in purged
    assert f"{NEW}/" in purged


def test_a_blocked_blogs_old_address_shows_nothing_of_it(blog, client):
    rename(client, "newname")
    BlogPage.objects.filter(pk=blog.pk).update(blocked=True)
    response = host_client("oldname.localhost").get("/still-here/")
    assert response.status_code == 410 and "newname" not in text(response)
