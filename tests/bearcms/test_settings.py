"""Production configuration: `check --deploy` is clean, and nothing serves without a key."""

import json

import pytest
import requests

from tests.support import gunicorn_server, programs
from tests.support.ports import free_port
from tests.support.production_env import PRODUCTION_ENV, run


def test_check_deploy_is_clean_with_production_variables():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_a_missing_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env,
        drop=("DEBUG", "SECRET_KEY"),
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_the_web_server_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run(["-c", "import bearcms.wsgi"], env, drop=("DEBUG", "SECRET_KEY"))
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_cookies_are_host_only_and_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_DOMAIN, "
        "s.CSRF_COOKIE_DOMAIN, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = run(["-c", code], PRODUCTION_ENV)
    assert result.stdout.split() == [
        "__Host-sessionid", "__Host-csrftoken", "None", "None", "True", "True"
    ]  # fmt: skip


def test_production_trusts_the_proxys_scheme_and_the_platform_origin_and_sends_hsts():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = run(["-c", code], PRODUCTION_ENV)
    assert result.stdout.split() == [
        "('HTTP_X_FORWARDED_PROTO',", "'https')", "['https://blogs.example.org']", "True",
        "31536000", "True",
    ]  # fmt: skip


def test_production_requires_staff_to_use_a_second_factor_unless_told_not_to():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.STAFF_TWO_FACTOR_REQUIRED)"
    )
    assert run(["-c", code], PRODUCTION_ENV).stdout.split() == ["True"]
    off = dict(PRODUCTION_ENV, STAFF_TWO_FACTOR_REQUIRED="false")
    assert run(["-c", code], off).stdout.split() == ["False"]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """``collectstatic`` as the build runs it, into a folder of the tests' own."""
    root = tmp_path_factory.mktemp("staticfiles")
    result = run(["manage.py", "collectstatic", "--noinput", "-v0"], static_env(root))
    assert result.returncode == 0, result.stderr
    return root


def static_env(root):
    return dict(PRODUCTION_ENV, STATIC_ROOT=str(root))


def test_static_files_collect_into_the_compressed_manifest(static_root):
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/font-awesome/font-awesome-editor.css"]
    assert hashed != "vendor/font-awesome/font-awesome-editor.css"
    assert (static_root / f"{hashed}.gz").exists()


def test_whitenoise_serves_hashed_static_files_for_ever_and_compressed(static_root, tmp_path):
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/font-awesome/font-awesome-editor.css"]
    port = free_port()
    server = gunicorn_server.start(
        static_env(static_root), port, cwd=tmp_path, log_path=tmp_path / "gunicorn.log"
    )
    # As the platform's proxy sends it: the production host, over HTTPS.
    headers = {"Host": PRODUCTION_ENV["BLOG_DOMAIN"], "X-Forwarded-Proto": "https"}

    def get(name, encoding="identity"):
        url = f"http://127.0.0.1:{port}/static/{name}"
        return requests.get(url, headers={**headers, "Accept-Encoding": encoding}, timeout=10)

    try:
        plain, gzipped = get(hashed), get(hashed, encoding="gzip")
        unhashed = get("vendor/font-awesome/font-awesome-editor.css")
    finally:
        programs.stop(server)
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "Content-Encoding" not in plain.headers
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzipped.text == plain.text  # requests decompressed it
    assert int(gzipped.headers["Content-Length"]) < int(plain.headers["Content-Length"])
    # A name without a hash may change on the next deploy: cached briefly only.
    assert unhashed.status_code == 200
    assert "immutable" not in unhashed.headers["Cache-Control"]
