"""Production configuration: `check --deploy` is clean, and nothing serves without a key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "x7Jq2pL9vR4tZ8mN1bC6fH3kW5yD0sA-" * 2,
    "BLOG_DOMAIN": "blogs.example.org",
    "DATABASE_URL": "sqlite:////tmp/bearcms-deploy-check.sqlite3",
}


def run(code_or_args, env_overrides, drop=("DEBUG",)):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "bearcms.settings"
    return subprocess.run(
        [sys.executable, *code_or_args], cwd=ROOT, env=env, capture_output=True, text=True
    )


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


def test_static_files_collect_into_the_compressed_manifest(tmp_path):
    env = dict(PRODUCTION_ENV, STATIC_ROOT=str(tmp_path))
    result = run(["manage.py", "collectstatic", "--noinput", "-v0"], env)
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/font-awesome/font-awesome-editor.css" in manifest
    assert list(tmp_path.glob("vendor/font-awesome/font-awesome-editor.*.css.gz"))
