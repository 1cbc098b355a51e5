"""Host header attacks, open redirects and SSRF, tried the way an attacker would.

Every request here carries something hostile (a Host that is no blog's, a blog's host in
disguise, a forwarding header, a ``next=`` that leaves the site, a URL pointing at a
server we run) and the assertions are about what must never happen: a blog host
serving the platform (landing, login, dashboard) or another blog's words, a 500, a
session or CSRF cookie on a blog host, a redirect off the site, or the app fetching a
URL a blogger typed. The raw-socket tests at the end send what the test client cannot
(two Host headers, absolute-form request lines) to a real gunicorn.
"""

import http.server
import re
import socket
import sqlite3
import threading
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models import BlogPage, Subscriber
from blog.moderation.flags import set_blog_flags
from blog.tenants.lifecycle import delete_blog
from blog.transfer.export import CSV_COLUMNS
from tests.support import gunicorn_server, programs
from tests.support.clients import PASSWORD, host_client
from tests.support.dashboard_forms import add_post, blog_form, edit_url, form_errors, post_form
from tests.support.ports import free_port
from tests.support.scripts import without_json_ld
from tests.support.transfer import CSV_URL, ZIP_URL, import_file

# What only the platform host may ever show: the landing page, allauth's login form,
# Wagtail's admin.
PLATFORM_MARKERS = ("Start your blog", 'name="password"', "wagtail-sidebar", "csrfmiddlewaretoken")
FIRST, SECOND = "First Secret Blog", "Second Secret Blog"
SECOND_POST = "second-only-words"
PATHS = ("/", "/accounts/login/", "/dashboard/", "/blog/", "/feed/", f"/{SECOND_POST}/")


@pytest.fixture
def first(make_blogger):
    """One blog, for tests about the platform's own pages."""
    return make_blogger("first", title=FIRST)


@pytest.fixture
def blogs(make_blogger, make_post):
    """Two blogs, each with a post only it has; ``first`` is the one hosts try to reach."""
    first = make_blogger("first", title=FIRST)
    second = make_blogger("second", title=SECOND)
    make_post(first, title="First post", slug="first-post", body="first-only-words")
    make_post(second, title="Second post", slug=SECOND_POST, body=SECOND_POST)
    return first, second


def assert_harmless(response, may_show=()):
    """No platform page, no blog but ``may_show``, no 500, no cookie."""
    assert response.status_code < 500, response.status_code
    html = response.content.decode("utf-8", "replace")
    for marker in PLATFORM_MARKERS:
        assert marker not in html, marker
    for title, words in ((FIRST, "first-only-words"), (SECOND, SECOND_POST)):
        if title not in may_show:
            assert title not in html and words not in html, title
    assert not response.cookies, response.cookies
    assert not response.has_header("Set-Cookie")


# --- Hosts that are no blog and not the platform ----------------------------------------------

NO_BLOG_HOSTS = [
    "unknown.localhost",
    "evil.example",
    "first.localhost.evil.example",
    "localhost.evil.example",
    "evil.example.localhost",
    # IP literals, in every spelling browsers and libc accept for 127.0.0.1
    "127.0.0.1",
    "127.0.0.1:8000",
    "[::1]",
    "[::1]:8000",
    "[::ffff:127.0.0.1]",
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "127.1",
    "0",
    # overlong: a 300-character label, a 2,000-character host
    "a" * 300 + ".localhost",
    ("abcdefghi." * 200)[:1990] + "localhost",
    # userinfo, paths, NUL, whitespace: no valid host at all
    "evil@first.localhost",
    "first.localhost@evil.example",
    "evil.example/first.localhost",
    "evil.example#first.localhost",
    "first.localhost\x00",
    "first.localhost\x00.evil.example",
    " first.localhost",
    "first.localhost ",
    "first .localhost",
    "first.localhost\tevil",
    "first.localhost\r\nX-Injected: 1",
    "first.localhost:8000:8000",
    "first.localhost:http",
    ":8000",
    "",
    "first..localhost",
    ".first.localhost",
    "first.localhost..",
    "*.localhost",
    "first%2elocalhost",
    # look-alikes: unicode, and punycode of unicode, are other names
    "fïrst.localhost",
    "firѕt.localhost",  # Cyrillic "ѕ"
    "xn--frst-7na.localhost",
    "xn--first-.localhost",
    "ＦＩＲＳＴ.localhost",  # fullwidth letters
]


def test_a_host_that_is_no_blog_gets_no_blog_and_no_platform_page(blogs):
    # One test for all of them: each would otherwise pay for two blogs of its own.
    for host in NO_BLOG_HOSTS:
        client = Client(HTTP_HOST=host)
        for path in PATHS:
            response = client.get(path)
            assert response.status_code in (400, 404), (host, path, response.status_code)
            assert_harmless(response)


FIRST_IN_DISGUISE = [
    "FIRST.LocalHost",
    "first.localhost.",
    "first.localhost:8000",
    "first.localhost:1",
    "FIRST.LOCALHOST.:443",
    "first.localhost:65536",
    "first.localhost:000080",
]


def test_a_blogs_host_in_any_case_with_a_dot_or_a_port_is_that_blog_and_only_it(blogs):
    for host in FIRST_IN_DISGUISE:
        client = Client(HTTP_HOST=host)
        home = client.get("/")
        assert home.status_code == 200 and FIRST in home.content.decode(), host
        assert_harmless(home, may_show=(FIRST,))
        for path in ("/accounts/login/", "/dashboard/", f"/{SECOND_POST}/"):
            response = client.get(path)
            assert response.status_code == 404, (host, path)
            assert_harmless(response, may_show=(FIRST,))  # its own themed 404


def test_no_reader_page_repeats_the_requests_spelling_of_the_host(blogs):
    """Reader pages are cached publicly (CDN, app cache): a host spelled with a port,
    capitals or a dot must not end up in links every later reader gets."""
    client = Client(HTTP_HOST="FIRST.LocalHost.:6666", HTTP_X_FORWARDED_HOST="evil.example")
    for path in ("/", "/first-post/", "/blog/", "/feed/", "/feed/?type=rss", "/sitemap.xml",
                 "/robots.txt", "/subscribe/", "/no-such-page/"):  # fmt: skip
        response = client.get(path)
        assert response.status_code in (200, 404), path
        text = response.content.decode()
        for spelling in ("6666", "LocalHost", "localhost./", "evil.example"):
            assert spelling not in text, (path, spelling)


def test_a_blocked_blogs_host_shows_none_of_it_on_any_path(blogs):
    first, _second = blogs
    set_blog_flags(first, blocked=True)
    for host in ("first.localhost", "FIRST.localhost.:8000"):
        for path in (*PATHS, "/first-post/"):
            response = Client(HTTP_HOST=host).get(path)
            assert response.status_code == 410, (host, path)
            assert_harmless(response)


def test_a_deleted_blogs_quarantined_subdomain_serves_nothing(blogs, settings):
    first, _second = blogs
    delete_blog(BlogPage.objects.get(pk=first.pk))
    for host in ("first.localhost", "First.localhost:8000"):
        for path in (*PATHS, "/first-post/"):
            response = Client(HTTP_HOST=host).get(path)
            assert response.status_code == 404, (host, path)
            assert_harmless(response)


# --- Forwarding headers are not believed ------------------------------------------------------

FORWARDING_HEADERS = [
    {"HTTP_X_FORWARDED_HOST": "localhost"},
    {"HTTP_X_FORWARDED_HOST": "second.localhost"},
    {"HTTP_X_FORWARDED_HOST": "second.localhost, localhost"},
    {"HTTP_FORWARDED": "host=localhost"},
    {"HTTP_FORWARDED": 'for=1.2.3.4;host="second.localhost";proto=https'},
    {"HTTP_X_HOST": "localhost"},
    {"HTTP_X_FORWARDED_SERVER": "localhost"},
    {"HTTP_X_ORIGINAL_HOST": "second.localhost"},
    {"HTTP_X_ORIGINAL_URL": "/dashboard/", "HTTP_X_REWRITE_URL": "/dashboard/"},
]


def test_forwarding_headers_never_move_a_request_to_another_host(blogs, proxies):
    proxies("127.0.0.1")  # even from a proxy trusted for X-Forwarded-For
    for headers in FORWARDING_HEADERS:
        on_blog = Client(HTTP_HOST="first.localhost", **headers)
        home = on_blog.get("/")
        assert home.status_code == 200 and FIRST in home.content.decode(), headers
        assert_harmless(home, may_show=(FIRST,))
        for path in ("/accounts/login/", "/dashboard/", f"/{SECOND_POST}/"):
            response = on_blog.get(path)
            assert response.status_code == 404, (headers, path)
            assert_harmless(response, may_show=(FIRST,))
        on_nothing = Client(HTTP_HOST="unknown.localhost", **headers)
        for path in PATHS:
            response = on_nothing.get(path)
            assert response.status_code == 404, (headers, path)
            assert_harmless(response)


def test_forwarding_headers_do_not_change_the_platforms_own_links(db):
    response = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_HOST="evil.example").get(
        "/accounts/password/reset/"
    )
    assert response.status_code == 200
    assert "evil.example" not in response.content.decode()


def test_the_page_cache_cannot_be_poisoned_through_a_disguised_host(blogs, settings):
    settings.READER_PAGE_CACHE_SECONDS = 60
    for host in FIRST_IN_DISGUISE:
        Client(HTTP_HOST=host, HTTP_X_FORWARDED_HOST="second.localhost").get("/")
        Client(HTTP_HOST=host).get(f"/{SECOND_POST}/")
    for host, title in (("first.localhost", FIRST), ("second.localhost", SECOND)):
        html = Client(HTTP_HOST=host).get("/").content.decode()
        assert title in html and (FIRST if title == SECOND else SECOND) not in html
    assert Client(HTTP_HOST="first.localhost").get(f"/{SECOND_POST}/").status_code == 404


# --- The platform host in disguise: what a port, a case or a dot can and cannot do ----------

PLATFORM_IN_DISGUISE = ["localhost:1", "LOCALHOST", "localhost.", "LocalHost.:6666", "localhost:80"]


def log_in(host, ip, email, password):
    client = Client(HTTP_HOST=host, REMOTE_ADDR=ip)
    return client, client.post("/accounts/login/", {"login": email, "password": password})


def test_the_failed_login_lock_holds_whatever_host_spelling_the_guesses_use(first):
    """allauth keys its per-account lock by the request's host: each spelling of the
    platform's host would otherwise get five guesses of its own."""
    for n, host in enumerate(PLATFORM_IN_DISGUISE):
        _client, response = log_in(host, f"198.51.100.{n}", first.owner.email, "guess")
        assert response.status_code == 200
    owner, response = log_in("localhost", "203.0.113.50", first.owner.email, PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in owner.session


def test_a_port_in_the_platforms_host_reaches_mail_links_but_never_another_host(first):
    """Known and accepted: the platform answers on any port, and allauth builds mail links
    from the request, so the port shows in them. The host cannot be changed, so a link
    can lead nowhere but to the platform (on a port nobody else can listen on there)."""
    for host in PLATFORM_IN_DISGUISE:
        mail.outbox.clear()
        cache.clear()  # three reset mails an hour per address: start each host afresh
        client = Client(HTTP_HOST=host, HTTP_X_FORWARDED_HOST="evil.example")
        response = client.post("/accounts/password/reset/", {"email": first.owner.email})
        assert response.status_code == 302, host
        (message,) = mail.outbox
        links = re.findall(r"https?://[^\s\"'<>]+", message.body)
        assert links
        for link in links:
            assert urlsplit(link).hostname.rstrip(".") == "localhost", link


def test_the_public_discovery_feed_names_the_platforms_address_not_the_requests(blogs):
    """It is cached publicly: one request's spelling of the host must not become the id
    and links every feed reader gets."""
    first, _second = blogs
    set_blog_flags(first, reviewed=True)
    for host in PLATFORM_IN_DISGUISE:
        client = Client(HTTP_HOST=host, HTTP_X_FORWARDED_HOST="evil.example")
        for path in ("/discover/feed/", "/discover/feed/?newest=1"):
            response = client.get(path)
            assert response.status_code == 200 and "public" in response["Cache-Control"]
            links = re.findall(r"https?://[^\s\"'<>]+", response.content.decode())
            own = [link for link in links if ".localhost" not in link and "w3.org" not in link]
            assert own, links
            assert all(link.startswith("http://localhost:8000/discover/") for link in own), own


# --- Open redirects ---------------------------------------------------------------------------

OFFSITE = [
    "//evil.example/",
    "///evil.example/",
    "////evil.example/",
    "https://evil.example/",
    "http://evil.example",
    "HTTPS://evil.example",
    "/\\evil.example/",
    "\\\\evil.example/",
    "\\/evil.example/",
    "/\\/evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    " //evil.example/",
    "\x00//evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "http:\\\\evil.example",
    "http://localhost@evil.example/",
    "http://evil.example\\@localhost/",
    "http://evil.example%23@localhost/",
    "http://first.localhost/",  # a blog: a page any blogger controls
    "//first.localhost/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "\tjavascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "%2f%5cevil.example",
    "/%5Cevil.example",
    "%09//evil.example",
    "/%09/evil.example",
    "http%3A%2F%2Fevil.example",
    "//evil.example%2F@localhost/",
    "//%65vil.example/",
    "/.//evil.example/",
]


def browser_destination(location, base):
    """Where a browser goes for ``Location: location`` from ``base``, parsed as WHATWG
    URL parsing does: C0 controls and spaces trimmed, tabs and newlines dropped,
    backslashes read as slashes in http(s) URLs."""
    cleaned = re.sub(r"[\t\n\r]", "", location.strip("".join(map(chr, range(33)))))
    target = urlsplit(urljoin(base, cleaned.replace("\\", "/")))
    return target.scheme.lower(), (target.hostname or "").rstrip(".")


def assert_stays_on(response, host, base_path="/"):
    assert response.status_code in (301, 302, 303), response.status_code
    location = response["Location"]
    scheme, hostname = browser_destination(location, f"http://{host}{base_path}")
    assert (scheme, hostname) in (("http", host), ("https", host)), location


def test_login_never_sends_a_person_off_the_platform(first):
    for target in OFFSITE:
        cache.clear()  # ten logins a minute per address
        client = Client(HTTP_HOST="localhost")
        response = client.post(
            "/accounts/login/?next=" + quote(target, safe=""),
            {"login": first.owner.email, "password": PASSWORD, "next": target},
        )
        assert_stays_on(response, "localhost", "/accounts/login/")


def test_logout_never_sends_a_person_off_the_platform(first, login):
    for target in OFFSITE:
        client = login(first.owner)
        response = client.post("/accounts/logout/", {"next": target})
        assert_stays_on(response, "localhost", "/accounts/logout/")


def test_confirming_ones_password_again_never_sends_a_person_off_the_platform(first, login):
    for target in OFFSITE:
        cache.clear()
        client = login(first.owner)
        response = client.post(
            "/accounts/reauthenticate/?next=" + quote(target, safe=""),
            {"password": PASSWORD, "next": target},
        )
        assert_stays_on(response, "localhost", "/accounts/reauthenticate/")


def test_the_dashboards_login_address_passes_next_on_to_the_login_that_checks_it(first):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example/"):
        response = Client(HTTP_HOST="localhost").get("/dashboard/login/", {"next": target})
        assert_stays_on(response, "localhost")
        assert response["Location"].startswith("/accounts/login/?")


def test_signing_up_and_confirming_never_sends_a_person_off_the_platform(db):
    for n, target in enumerate(("//evil.example/", "https://evil.example/", "/\\evil.example/")):
        cache.clear()
        mail.outbox.clear()
        client = Client(HTTP_HOST="localhost")
        data = {
            "email": f"new{n}@example.com",
            "subdomain": f"newblog{n}",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": target,
        }
        response = client.post("/accounts/signup/?next=" + quote(target, safe=""), data)
        assert_stays_on(response, "localhost", "/accounts/signup/")
        (link,) = re.findall(
            r"http://localhost[^\s]*/accounts/confirm-email/\S+/", mail.outbox[0].body
        )
        path = urlsplit(link).path
        assert_stays_on(client.post(path), "localhost", path)


def test_wagtails_admin_actions_never_send_a_blogger_off_the_platform(first, login, make_post):
    admin = login(first.owner)
    for n, target in enumerate(("//evil.example/", "https://evil.example/", "/\\evil.example/")):
        post = make_post(first, title=f"Doomed {n}", slug=f"doomed-{n}")
        for action in ("unpublish", "delete"):
            response = admin.post(
                f"/dashboard/pages/{post.id}/{action}/?next=" + quote(target, safe=""),
                {"next": target},
            )
            assert_stays_on(response, "localhost", "/dashboard/")


def test_hiding_a_blog_from_discovery_never_redirects_off_the_platform(blogs, login):
    first, second = blogs
    reader = login(first.owner)
    for target in OFFSITE:
        response = reader.post(f"/discover/blogs/{second.id}/hide/", {"next": target})
        assert_stays_on(response, "localhost", "/discover/")


DOMAIN = "first.example.com"


def test_the_custom_domain_redirect_keeps_every_path_on_the_blogs_domain(first):
    first.custom_domain = DOMAIN
    first.save_revision().publish()
    for host in ("first.localhost", "FIRST.localhost.:1"):
        client = Client(HTTP_HOST=host)
        for target in OFFSITE:
            path = target if target.startswith("/") else "/" + target
            for sent in (path, quote(path, safe="/%:@\\")):
                response = client.get(sent)
                if response.status_code == 404:  # "/./": a dotfile, refused as a probe
                    assert sent.startswith("/."), sent
                    continue
                assert_stays_on(response, DOMAIN)
                assert response["Location"].startswith(f"http://{DOMAIN}:8000/"), sent


def test_an_upvote_leads_back_to_the_post_on_its_own_blog_whatever_the_host(blogs):
    first, _second = blogs
    post = first.get_children().specific().get(slug="first-post")
    for n, host in enumerate(FIRST_IN_DISGUISE):
        client = Client(
            HTTP_HOST=host,
            HTTP_ORIGIN=f"http://{host}",
            REMOTE_ADDR=f"198.51.100.{n}",
            HTTP_X_FORWARDED_HOST="evil.example",
        )
        response = client.post(f"/upvote/{post.id}/")
        assert response.status_code == 303, host
        assert_stays_on(response, "first.localhost")
        assert not response.cookies


def test_subscription_mail_links_name_the_blogs_own_host_not_the_requests(
    first, django_capture_on_commit_callbacks
):
    for n, host in enumerate(("FIRST.localhost.:6666", "first.localhost:1")):
        mail.outbox.clear()
        client = Client(
            HTTP_HOST=host,
            HTTP_ORIGIN=f"http://{host}".lower(),
            REMOTE_ADDR=f"198.51.100.{n}",
            HTTP_X_FORWARDED_HOST="evil.example",
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/subscribe/", {"email": f"reader{n}@example.com"})
        assert response.status_code == 200, host
        assert_harmless(response, may_show=(FIRST,))
        (message,) = mail.outbox
        links = re.findall(r"https?://[^\s\"'<>]+", message.body)
        assert links
        assert all(link.startswith("http://first.localhost:8000/") for link in links), links


def test_a_posts_old_address_redirects_to_the_post_on_its_own_blog(first, make_post):
    make_post(first, title="Moved", slug="moved", alias="/evil-example/x/")
    for host in ("first.localhost", "FIRST.localhost.:1"):
        for path in ("/evil-example/x/", "//evil-example/x/", "/evil-example//x/"):
            response = Client(HTTP_HOST=host, HTTP_X_FORWARDED_HOST="evil.example").get(path)
            if response.status_code == 404 and "//" in path:
                continue  # not the alias, then
            assert_stays_on(response, "first.localhost")
            assert response["Location"] in ("/moved/", "http://first.localhost:8000/moved/")


# --- No server-side request to a URL a blogger typed ------------------------------------------


class Recorder(http.server.ThreadingHTTPServer):
    """Counts every connection made to it, HTTP or not, and answers 200."""

    def __init__(self, port):
        self.connections = []
        super().__init__(("127.0.0.1", port), RecordingHandler)

    def verify_request(self, request, client_address):
        self.connections.append(client_address)
        return True


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    do_POST = do_HEAD = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    server = Recorder(free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def hostile_markdown(url):
    """Every way Markdown, HTML and CSS can name a URL a browser (or a server) might load."""
    host = urlsplit(url).netloc
    return f"""
![image]({url}/md-image.png) [link]({url}/md-link) <{url}/autolink>

[ref]: {url}/reference "title"
A [reference link][ref] and ![a reference image][ref].

<img src="{url}/img.png" srcset="{url}/srcset.png 2x"> <a href="{url}/a">a</a>
<link rel="stylesheet" href="{url}/link.css"> <script src="{url}/script.js"></script>
<iframe src="{url}/iframe"></iframe> <video poster="{url}/poster.png" src="{url}/v.mp4"></video>
<object data="{url}/object"></object> <embed src="{url}/embed">
<div style="background:url({url}/style.png)">styled</div>
<svg><image href="{url}/svg.png"/></svg> <form action="{url}/form"><button>go</button></form>
<meta http-equiv="refresh" content="0;url={url}/refresh">
<base href="{url}/base/">
//{host}/protocol-relative and \\\\{host}\\unc
"""


def test_no_field_a_blogger_fills_in_makes_the_app_fetch_a_url(
    blogs, login, recorder, dns_records, django_capture_on_commit_callbacks
):
    first, _second = blogs
    url = recorder.url
    admin = login(first.owner)
    markdown = hostile_markdown(url)
    first.refresh_from_db()
    css = f"@import url({url}/import.css);\n@import '{url}/import2.css';\n"
    css += f"body {{ background: url({url}/bg.png) }}\n@font-face {{ src: url({url}/f.woff) }}"
    response = admin.post(
        edit_url(first),
        blog_form(
            first,
            home_content=markdown + "\n{{ posts }}",
            nav=f"[Home](/) [Off]({url}/nav) ![nav]({url}/nav.png)",
            meta_description=f"{url}/meta-description",
            custom_css=css,
            robots_txt=f"Sitemap: {url}/sitemap.xml\nUser-agent: *\nAllow: /",
            email_notifications="on",
        ),
    )
    assert response.status_code == 302, form_errors(response)
    # The custom domain field: a URL or an address is refused, never fetched; a proper
    # domain is looked up in DNS (our own server here), never over HTTP.
    host = urlsplit(url).netloc
    for domain in (url, f"{url}/x", host, f"localhost:{host.split(':')[1]}", "127.0.0.1"):
        first.refresh_from_db()
        response = admin.post(edit_url(first), blog_form(first, custom_domain=domain))
        assert response.status_code == 200 and "custom_domain" in form_errors(response), domain
    first.refresh_from_db()
    response = admin.post(edit_url(first), blog_form(first, custom_domain="recorded.example"))
    assert "custom_domain" in form_errors(response)  # no TXT record: refused
    Subscriber.objects.create(blog=first, email="reader@example.com", confirmed_at=timezone.now())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post = add_post(
            admin, first, title="Hostile", slug="hostile", body=markdown, canonical_url=url + "/c"
        )
    assert [message.to for message in mail.outbox] == [["reader@example.com"]]  # mailed
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[post.id])
    admin.post(preview, post_form(slug="hostile", body=markdown))
    assert admin.get(preview).status_code == 200
    header = f"title: Imported\nlink: imported\ncanonical_url: {url}/ic\nmeta_image: {url}/mi.png"
    import_file(admin, "post.md", f"{header}\n\n{markdown}".encode())
    row = ",".join(["", "From CSV", "from-csv", "", "", "[]", "True", "True", "False"])
    row += f',"![x]({url}/csv.png)",{url}/cc,,{url}/csv-meta.png,,,'
    import_file(admin, "posts.csv", ("\n".join([",".join(CSV_COLUMNS), row]) + "\n").encode())
    set_blog_flags(first, reviewed=True)
    for path in (CSV_URL, ZIP_URL, edit_url(post), edit_url(first), "/dashboard/"):
        assert admin.get(path).status_code == 200, path
    for path in ("/discover/?newest=1", "/discover/feed/"):
        assert Client(HTTP_HOST="localhost").get(path).status_code == 200, path
    reader = host_client(first)
    for path in ("/", "/hostile/", "/imported/", "/from-csv/", "/blog/", "/feed/",
                 "/feed/?type=rss", "/sitemap.xml", "/robots.txt", "/favicon.ico"):  # fmt: skip
        assert reader.get(path).status_code in (200, 302, 404), path
    html = reader.get("/hostile/").content.decode()
    assert "<script" not in without_json_ld(html)
    assert "<iframe" not in html and "<base" not in html
    assert recorder.connections == []
    # The recorder does record: a request of our own shows up.
    with socket.create_connection(("127.0.0.1", recorder.server_address[1]), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.0 200")
    assert len(recorder.connections) == 1


# --- What only a raw socket can send, to a real gunicorn ---------------------------------------


@pytest.fixture
def gunicorn_app(blogs, tmp_path):
    """gunicorn (``gunicorn.conf.py``) serving this test's blogs: a copy of the in-memory
    SQLite test database, or the PostgreSQL test database itself."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        path = tmp_path / "db.sqlite3"
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        database_url = f"sqlite:///{path}"
    else:
        params = connection.settings_dict
        database_url = (
            f"postgres://{params['USER']}:{params['PASSWORD'] or ''}@{params['HOST']}:"
            f"{params['PORT'] or 5432}/{params['NAME']}"
        )
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "raw-socket-tests-" * 4,
        "BLOG_DOMAIN": "localhost",
        "SITE_PORT": "8000",
        "CACHE_DIR": str(tmp_path / "cache"),
        "WEB_CONCURRENCY": "1",
        "TASKS_BACKEND": "immediate",
    }
    port = free_port()
    process = gunicorn_server.start(env, port, cwd=tmp_path, log_path=tmp_path / "gunicorn.log")
    yield port
    programs.stop(process)


def raw_request(port, request):
    """Send ``request`` (bytes, as is) and return (status, headers, body) of the answer;
    status 0 when the server closed the connection without one."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else 0
    headers = [line.split(":", 1) for line in lines[1:] if ":" in line]
    return status, {name.strip().lower(): value.strip() for name, value in headers}, body


def request_bytes(target, *header_lines, version="HTTP/1.1"):
    lines = [f"GET {target} {version}".encode(), *header_lines, b"Connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n"


RAW_ATTACKS = [
    # (request target, header lines, the blog the answer may show: the one the Host header
    # names, whose own 404 page shows its title; "one" when either but not both may show)
    # Two Host headers: gunicorn answers 400 (as Caddy's Go server does).
    ("/", [b"Host: first.localhost", b"Host: second.localhost"], "one"),
    ("/", [b"Host: second.localhost", b"Host: first.localhost"], "one"),
    ("/accounts/login/", [b"Host: first.localhost", b"Host: localhost"], FIRST),
    ("/dashboard/", [b"Host: first.localhost", b"Host: localhost"], FIRST),
    ("/", [b"Host: first.localhost, localhost"], None),
    # Forwarding headers, also from 127.0.0.1 (gunicorn's forwarded_allow_ips)
    ("/", [b"Host: first.localhost", b"X-Forwarded-Host: second.localhost"], FIRST),
    ("/accounts/login/", [b"Host: first.localhost", b"X-Forwarded-Host: localhost"], FIRST),
    ("/accounts/login/", [b"Host: first.localhost", b"Forwarded: host=localhost"], FIRST),
    ("/accounts/login/", [b"Host: first.localhost", b"X_Forwarded_Host: localhost"], FIRST),
    # Absolute-form request lines: gunicorn routes by the Host header, whatever the line
    # names (Caddy in front uses the line's host for both), so one blog answers, whole.
    ("http://second.localhost/", [b"Host: first.localhost"], "one"),
    ("http://localhost/accounts/login/", [b"Host: first.localhost"], FIRST),
    ("http://localhost/dashboard/", [b"Host: first.localhost"], FIRST),
    (f"http://first.localhost/{SECOND_POST}/", [b"Host: second.localhost"], "one"),
    ("http://evil.example@first.localhost/", [b"Host: first.localhost"], FIRST),
    ("//second.localhost/", [b"Host: first.localhost"], FIRST),
    # Bytes no host has
    ("/", [b"Host: first.localhost\x00.evil.example"], None),
    ("/", [b"Host: evil.example", b" first.localhost"], None),  # obs-fold
    ("/", [b"Host: first.localhost evil"], None),
    ("/", [b"Host: \xef\xbd\x86irst.localhost"], None),  # UTF-8 bytes
    ("/", [b"Host: " + b"a" * 2000 + b".localhost"], None),
    ("/", [b"Host:"], None),
    ("/", [], None),
    ("/accounts/login/", [b"Host: 127.0.0.1"], None),
    ("/accounts/login/", [b"Host: [::1]"], None),
    ("/accounts/login/", [b"Host: 2130706433"], None),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_what_only_a_raw_socket_can_send_reaches_no_other_blog_and_no_platform(gunicorn_app):
    for target, header_lines, may_show in RAW_ATTACKS:
        for version in ("HTTP/1.1", "HTTP/1.0"):
            status, headers, body = raw_request(
                gunicorn_app, request_bytes(target, *header_lines, version=version)
            )
            case = (target, header_lines, version, status)
            assert status == 0 or 200 <= status < 500, case
            assert "set-cookie" not in headers, case
            html = body.decode("utf-8", "replace")
            for marker in PLATFORM_MARKERS:
                assert marker not in html, (case, marker)
            shown = {title for title in (FIRST, SECOND) if title in html}
            if may_show == "one":
                assert len(shown) <= 1, case
            else:
                assert shown <= {may_show}, case
    # The server is up and serves blogs and the platform all along.
    status, _headers, body = raw_request(gunicorn_app, request_bytes("/", b"Host: first.localhost"))
    assert status == 200 and FIRST.encode() in body
    status, _headers, body = raw_request(gunicorn_app, request_bytes("/", b"Host: localhost"))
    assert status == 200 and b"Start your blog" in body
