"""The repo's Caddyfiles, run by the real Caddy in front of the app (pytest-django's live
server), as readers and scanners would meet them.

``caddy/Caddyfile`` (production: custom domains only) and ``deploy/Caddyfile`` (the
staging box: also the platform host and blog subdomains) run as they are, with test
values in their environment placeholders (``tests/support/caddy.py``). Certificates come from
Caddy's local CA, which the client trusts, so every handshake is verified for its name.
"""

import gzip
import http.client
import json
import socket
import ssl
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.http import JsonResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from blog.core import reader_requests
from tests.support import caddy as caddy_server
from tests.support.paths import ROOT as REPO

CUSTOM_DOMAIN = "blog.example.test"
APP_URLCONF = __name__

# Caddy reaches the app through a live server, so the test's data must be committed; the
# platform Site (created by a migration) must survive, for the ask endpoint.
live_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class LoopbackHTTPSConnection(http.client.HTTPConnection):
    """HTTPS to a name only Caddy knows: the TCP connection goes to 127.0.0.1, while SNI,
    the certificate check and the Host header (which keeps the port) use the name."""

    def __init__(self, host, port, context):
        super().__init__(host, port, timeout=10)
        self.context = context

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self.context.wrap_socket(sock, server_hostname=self.host)


def get(caddy, host, path="/", headers=None):
    """GET ``https://host:PORT/path`` through Caddy, as a browser that sends a
    User-Agent; a header given as None is not sent. Return the response, its body read."""
    headers = {"User-Agent": "test-browser", **(headers or {})}
    connection = LoopbackHTTPSConnection(host, caddy.https_port, caddy.ssl_context())
    try:
        connection.request("GET", path, headers={k: v for k, v in headers.items() if v is not None})
        response = connection.getresponse()
        response.body = response.read()
        return response
    finally:
        connection.close()


def permission_answers(caddy, domain):
    """The statuses Caddy's log says the app's ask endpoint gave for ``domain``."""
    return [
        record["status"]
        for record in caddy.log_records()
        if record.get("msg") == "response from permission endpoint"
        and record.get("domain") == domain
    ]


@csrf_exempt
def what_the_app_saw(request):
    """A test-only view (``APP_URLCONF``): the path and forwarding headers that reached
    the app, and what it made of them; of a POST, how much body it could read."""
    seen = {
        "path": request.path,
        "scheme": request.scheme,
        "host": request.get_host(),
        "client_ip": reader_requests.client_ip(request),
        "x_forwarded_for": request.headers.get("X-Forwarded-For"),
        "x_real_ip": request.headers.get("X-Real-IP"),
    }
    if request.method == "POST":
        try:
            seen["body_bytes"] = sum(upload.size for upload in request.FILES.values())
        except OSError:  # the proxy gave up on the body: what the app gets then
            seen["body_bytes"] = None
    REQUESTS_SEEN.append(seen)
    return JsonResponse(seen)


REQUESTS_SEEN = []
urlpatterns = [re_path(r"", what_the_app_saw)]


@pytest.fixture
def app(live_server, settings, proxies):
    """The app behind Caddy, trusting Caddy (on loopback) as its proxy; the environment
    that points a Caddyfile at it."""
    proxies("127.0.0.1")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return {
        "APP_UPSTREAM": f"127.0.0.1:{urlsplit(live_server.url).port}",
        "CADDY_ASK_URL": f"{live_server.url}/caddy/ask/",
    }


@pytest.fixture
def production_caddy(app, tmp_path):
    caddy = caddy_server.start(REPO / "caddy/Caddyfile", tmp_path / "caddy", app)
    yield caddy
    caddy_server.stop(caddy)


@pytest.fixture
def staging_caddy(app, tmp_path, settings):
    settings.CADDY_ASK_SUBDOMAINS = True
    env = {**app, "BLOG_DOMAIN": settings.BLOG_DOMAIN, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    caddy = caddy_server.start(REPO / "deploy/Caddyfile", tmp_path / "caddy", env)
    caddy.wait_for_certificate(settings.BLOG_DOMAIN)
    yield caddy
    caddy_server.stop(caddy)


@pytest.fixture
def custom_domain_blog(make_blogger):
    blog = make_blogger("bear", title="Bear's Own Domain")
    blog.custom_domain = CUSTOM_DOMAIN
    blog.save_revision().publish()
    return blog


def test_every_caddyfile_in_the_repo_is_valid_for_production(tmp_path):
    caddyfiles = sorted(
        path.relative_to(REPO)
        for path in REPO.rglob("Caddyfile*")
        if not any(part.startswith(".") for part in path.relative_to(REPO).parts)
    )
    assert caddyfiles == [Path("caddy/Caddyfile"), Path("deploy/Caddyfile")]
    production = {
        "CADDY_EXTRA_OPTIONS": None,
        "CADDY_ASK_URL": "https://bearblog.example/caddy/ask/",
        "BLOG_DOMAIN": "bearblog.example",
    }
    for caddyfile in caddyfiles:
        result = caddy_server.validate(REPO / caddyfile, tmp_path / caddyfile.parent, production)
        assert result.returncode == 0, result.stderr
        assert "Valid configuration" in result.stdout + result.stderr


@live_db
def test_an_allowed_custom_domain_gets_a_certificate_and_its_blog(
    production_caddy, custom_domain_blog
):
    response = get(production_caddy, CUSTOM_DOMAIN)

    assert response.status == 200
    assert "Bear&#x27;s Own Domain" in response.body.decode()
    assert permission_answers(production_caddy, CUSTOM_DOMAIN) == [200]
    access = [json.loads(line) for line in production_caddy.access_log.read_text().splitlines()]
    assert [(line["request"]["host"], line["status"]) for line in access] == [
        (f"{CUSTOM_DOMAIN}:{production_caddy.https_port}", 200)
    ]


@live_db
@pytest.mark.parametrize("blocked", [False, True])
def test_a_domain_no_live_blog_claims_gets_no_certificate(
    production_caddy, custom_domain_blog, blocked
):
    domain = "unknown.example.test"
    if blocked:
        domain = CUSTOM_DOMAIN
        custom_domain_blog.blocked = True
        custom_domain_blog.save(update_fields=["blocked"])

    with pytest.raises(ssl.SSLError):
        get(production_caddy, domain)

    assert permission_answers(production_caddy, domain) == [404]
    assert not list(Path(production_caddy.env["CADDY_STORAGE_DIR"]).glob(f"**/{domain}*"))


@live_db
def test_a_blog_subdomain_redirects_to_its_custom_domain_through_caddy(
    staging_caddy, custom_domain_blog
):
    response = get(staging_caddy, "bear.localhost", "/some/path/?x=1")

    assert response.status == 301
    location = urlsplit(response.headers["Location"])
    assert (location.hostname, location.path, location.query) == (
        CUSTOM_DOMAIN,
        "/some/path/",
        "x=1",
    )


@live_db
def test_the_staging_box_serves_uploads_from_disk_on_every_host(
    staging_caddy, custom_domain_blog, settings
):
    settings.ROOT_URLCONF = APP_URLCONF
    REQUESTS_SEEN.clear()
    image = settings.MEDIA_ROOT / "images" / "photo.max-1600x1600.png"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"\x89PNG\r\n\x1a\n not really")

    for host in ("localhost", CUSTOM_DOMAIN):
        response = get(staging_caddy, host, "/media/images/photo.max-1600x1600.png")
        assert response.status == 200
        assert response.body == image.read_bytes()
        assert response.headers["Cache-Control"] == "public, max-age=86400"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert get(staging_caddy, "localhost", "/media/images/missing.png").status == 404
    assert get(staging_caddy, "localhost", "/media/images/x.php").status == 403
    # None of it reached the app (which did answer Caddy's certificate question).
    assert not [seen for seen in REQUESTS_SEEN if seen["path"].startswith("/media/")]


@live_db
def test_responses_are_compressed_for_readers_that_accept_gzip(
    production_caddy, custom_domain_blog
):
    response = get(production_caddy, CUSTOM_DOMAIN, headers={"Accept-Encoding": "gzip"})

    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Bear&#x27;s Own Domain" in gzip.decompress(response.body).decode()


@live_db
@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/x.php", {}),
        ("/wp-admin/setup-config.PHP", {}),
        ("/.env", {}),
        ("/.env.local", {}),
        ("/config/.env.production", {}),
        ("/", {"User-Agent": ""}),
        ("/", {"User-Agent": None}),
    ],
)
def test_probes_and_clients_without_user_agent_are_refused_by_caddy(
    staging_caddy, settings, path, headers
):
    settings.ROOT_URLCONF = APP_URLCONF
    REQUESTS_SEEN.clear()

    assert get(staging_caddy, "localhost", "/a-normal-page/").status == 200
    assert get(staging_caddy, "localhost", path, headers).status == 403

    assert [seen["path"] for seen in REQUESTS_SEEN] == ["/a-normal-page/"]


@live_db
def test_a_body_larger_than_any_upload_is_refused_by_caddy(staging_caddy, settings):
    settings.ROOT_URLCONF = APP_URLCONF
    REQUESTS_SEEN.clear()
    connection = LoopbackHTTPSConnection(
        "localhost", staging_caddy.https_port, staging_caddy.ssl_context()
    )
    try:
        boundary = "bearcms-test-boundary"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; '
            'filename="huge.png"\r\nContent-Type: image/png\r\n\r\n'.encode()
            + b"x" * (21 * 1000 * 1000)
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {
            "User-Agent": "test-browser",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        }
        connection.request("POST", "/upload/", body=body, headers=headers)
        assert connection.getresponse().status == 413
    finally:
        connection.close()
    # The app never got the whole body: at most the limit's worth, then the end of it.
    received = [seen.get("body_bytes") for seen in REQUESTS_SEEN if seen["path"] == "/upload/"]
    assert all(size is None or size <= 20 * 1000 * 1000 for size in received)


@live_db
def test_the_app_learns_the_reader_address_and_scheme_from_caddy_alone(staging_caddy, settings):
    settings.ROOT_URLCONF = APP_URLCONF
    forged = "203.0.113.9"

    response = get(
        staging_caddy,
        "localhost",
        "/whoami/",
        {"X-Forwarded-For": forged, "X-Real-IP": forged, "X-Forwarded-Proto": "http"},
    )

    seen = json.loads(response.body)
    assert seen == {
        "path": "/whoami/",
        "scheme": "https",
        "host": f"localhost:{staging_caddy.https_port}",
        "client_ip": "127.0.0.1",
        "x_forwarded_for": "127.0.0.1",
        "x_real_ip": "127.0.0.1",
    }


@live_db
def test_a_compressed_page_still_answers_conditional_gets_with_304(
    production_caddy, custom_domain_blog
):
    gzip_only = {"Accept-Encoding": "gzip"}
    first = get(production_caddy, CUSTOM_DOMAIN, headers=gzip_only)

    again = get(
        production_caddy,
        CUSTOM_DOMAIN,
        headers={**gzip_only, "If-None-Match": first.headers["ETag"]},
    )

    assert first.headers["Content-Encoding"] == "gzip"
    assert again.status == 304
