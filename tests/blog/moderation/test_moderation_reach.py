"""Staff's review-queue actions reach every place a reader, Caddy or the blogger looks.

``tests/blog/moderation/test_review_queue.py`` checks what each action does to the blog's
flags and ``tests/blog/moderation/test_moderation.py`` what the flags do when set directly.
Here staff click the queue's buttons (HTTP POSTs) on a blog with a long live post and its
own domain, and each effect is read where people meet it: the platform's ``/discover/``
page and its feed, the blog's hosts (custom domain and subdomain), Caddy's ``/caddy/ask/``
and the owner's dashboard; and each action leaves its entry in the blog's audit log.
"""

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry

from blog.core.discovery import MIN_DISCOVERY_LENGTH
from tests.support.clients import host_client
from tests.support.custom_domains import DOMAIN, on_domain, prove_ownership
from tests.support.dashboard_forms import blog_form, edit_url, form_errors

TITLE = "Reach Blog"
SLUG = "reachable"
POST_URL = f"http://{DOMAIN}:8000/{SLUG}/"  # as discovery links it: on the custom domain
READER_PATHS = ["/", f"/{SLUG}/", "/feed/", "/sitemap.xml"]
NOTICE = f"{TITLE} is blocked"


@pytest.fixture
def blog(make_blogger, make_post, login, dns_records):
    """An unreviewed blog on its own domain (set in the dashboard, as its owner would)
    with one live post long enough for discovery."""
    blog = make_blogger("reach", title=TITLE)
    make_post(blog, title="A reachable post", slug=SLUG, body="word " * MIN_DISCOVERY_LENGTH)
    blog.refresh_from_db()
    prove_ownership(dns_records, blog, DOMAIN)
    response = login(blog.owner).post(edit_url(blog), blog_form(blog, custom_domain=DOMAIN))
    assert response.status_code == 302, form_errors(response)
    return blog


@pytest.fixture
def moderate(staff, login, blog):
    """Click one of the review queue's buttons as staff; returns the audit entry it wrote."""
    client = login(staff)

    def click(action):
        log = PageLogEntry.objects.filter(page_id=blog.pk, action="bearcms.moderate")
        earlier = list(log.values_list("pk", flat=True))
        url = reverse("bearcms_review:moderate", args=[blog.pk, action])
        assert client.post(url).status_code == 302
        [entry] = log.exclude(pk__in=earlier)
        assert entry.user == staff and entry.timestamp is not None
        return entry

    return click


def discovered(platform_client):
    """Whether the post is listed on ``/discover/`` and in its feed (newest first, so that
    the score plays no part)."""
    page = platform_client.get(reverse("discover"), {"newest": "1"})
    feed = platform_client.get(reverse("discover_feed"), {"newest": "1"})
    assert page.status_code == feed.status_code == 200
    return POST_URL in page.content.decode(), POST_URL in feed.content.decode()


def reader_answers(client):
    return {path: client.get(path).status_code for path in READER_PATHS}


def caddy_may_certify(platform_client):
    response = platform_client.get(reverse("caddy_ask"), {"domain": DOMAIN})
    assert response.status_code in (200, 404)
    return response.status_code == 200


def dashboard(login, blog):
    return login(blog.owner).get(reverse("wagtailadmin_home")).content.decode()


ONLINE = dict.fromkeys(READER_PATHS, 200)
GONE = dict.fromkeys(READER_PATHS, 410)


def test_approving_lists_the_post_on_discover_and_in_its_feed(moderate, platform_client):
    assert discovered(platform_client) == (False, False)  # not before staff looked
    entry = moderate("approve")
    assert entry.data == {"flags": {"reviewed": True}}
    assert discovered(platform_client) == (True, True)


def test_hiding_drops_the_post_from_discovery_but_the_blog_stays_online(moderate, platform_client):
    moderate("approve")
    entry = moderate("hide")
    assert entry.data == {"flags": {"hidden": True}}
    assert discovered(platform_client) == (False, False)
    assert reader_answers(on_domain()) == ONLINE
    assert caddy_may_certify(platform_client)


def test_blocking_takes_the_blog_offline_on_its_hosts_and_out_of_discovery(
    moderate, platform_client, login, blog
):
    moderate("approve")
    subdomain = host_client(blog)
    assert subdomain.get(f"/{SLUG}/").status_code == 301  # and the host cache holds it
    entry = moderate("block")
    assert entry.data == {"flags": {"blocked": True}}
    reader = on_domain()
    assert reader_answers(reader) == GONE
    assert TITLE not in reader.get("/").content.decode()
    # The subdomain no longer redirects to the domain: it answers 410 itself.
    assert reader_answers(subdomain) == GONE
    assert not caddy_may_certify(platform_client)
    assert discovered(platform_client) == (False, False)
    assert NOTICE in dashboard(login, blog)


def test_unblocking_brings_everything_back(moderate, platform_client, login, blog):
    moderate("approve")
    moderate("block")
    entry = moderate("unblock")
    assert entry.data == {"flags": {"blocked": False}}
    assert reader_answers(on_domain()) == ONLINE
    assert host_client(blog).get(f"/{SLUG}/")["Location"] == POST_URL
    assert caddy_may_certify(platform_client)
    assert discovered(platform_client) == (True, True)
    assert NOTICE not in dashboard(login, blog)
    history = PageLogEntry.objects.filter(page_id=blog.pk, action="bearcms.moderate")
    assert [entry.data["flags"] for entry in history.order_by("pk")] == [
        {"reviewed": True},
        {"blocked": True},
        {"blocked": False},
    ]
