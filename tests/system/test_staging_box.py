"""The staging box in miniature: deploy/run.sh starts the app from an env file made from
deploy/bearcms.env.example, Litestream replicates its SQLite database to a real S3 server
(SeaweedFS) with deploy/litestream.yml, and a restore holds the writes made through the
app (deploy/manage.sh, as the crontab and operators use it).

Everything the box keeps under /srv/bearcms/var lives in a temporary directory instead.
"""

import os
import signal
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tests.support.paths import ROOT
from tests.support.ports import free_port
from tests.support.programs import program

# The box's SQLite database is its own: this runs once, in the SQLite pass.
pytestmark = pytest.mark.database_independent

DEPLOY = ROOT / "deploy"
VAR = "/srv/bearcms/var"


def read_env_file(path):
    """KEY=value lines, as systemd's EnvironmentFile= and deploy/env.sh both read them."""
    env = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            assert key.isidentifier() and " " not in value and '"' not in value, line
            env[key] = value
    return env


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def box(tmp_path_factory, seaweedfs):
    """deploy/run.sh serving on a free port, its data in a temporary var/; yields the
    environment the box's programs see (the env file's variables)."""
    tmp = tmp_path_factory.mktemp("box")
    (tmp / "var").mkdir()
    example = (DEPLOY / "bearcms.env.example").read_text().replace(VAR, str(tmp / "var"))
    (tmp / "example.env").write_text(example)
    settings = read_env_file(tmp / "example.env") | {
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "BLOG_DOMAIN": "localhost",
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "1",
        "EMAIL_HOST": "",
        "AWS_ACCESS_KEY_ID": seaweedfs.access_key,
        "AWS_SECRET_ACCESS_KEY": seaweedfs.secret_key,
        "AWS_S3_REGION_NAME": seaweedfs.region,
        "AWS_S3_ENDPOINT_URL": seaweedfs.endpoint_url,
        "BACKUP_BUCKET": seaweedfs.create_bucket(f"box-{uuid.uuid4().hex[:12]}"),
    }
    env_file = tmp / "bearcms.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
    env = {"PATH": os.environ["PATH"], "BEARCMS_ENV_FILE": str(env_file)}
    log = open(tmp / "run.log", "wb")  # noqa: SIM115 - closed after the process
    web = subprocess.Popen([DEPLOY / "run.sh"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(web, settings["PORT"], tmp / "run.log")
        yield {**settings, **env, "tmp": tmp}
    finally:
        stop(web)
        log.close()


def healthz(port):
    """GET /healthz as Caddy forwards it: platform host, HTTPS said in X-Forwarded-Proto."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": "localhost", "X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
        return response.status


def wait_until_serving(process, port, log, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            healthz(port)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise AssertionError(f"run.sh did not start serving:\n{log.read_text()[-3000:]}")


def manage(box, *args):
    result = subprocess.run(
        [DEPLOY / "manage.sh", *args],
        env={"PATH": box["PATH"], "BEARCMS_ENV_FILE": box["BEARCMS_ENV_FILE"]},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def blog_rows(database):
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT b.subdomain, u.email, s.hostname FROM blog_blogpage b "
            "JOIN wagtailcore_page p ON p.id = b.page_ptr_id JOIN auth_user u ON u.id = p.owner_id "
            "JOIN wagtailcore_site s ON s.root_page_id = b.page_ptr_id ORDER BY b.subdomain"
        ).fetchall()


def test_run_sh_migrates_collects_static_files_and_serves_on_loopback(box):
    assert healthz(box["PORT"]) == 200
    database = box["tmp"] / "var" / "db.sqlite3"
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 50
    assert (box["tmp"] / "var" / "static" / "staticfiles.json").exists()


def test_litestream_restores_the_writes_made_through_the_app(box):
    tmp, database = box["tmp"], box["tmp"] / "var" / "db.sqlite3"
    config = tmp / "litestream.yml"
    config.write_text((DEPLOY / "litestream.yml").read_text().replace(VAR, str(tmp / "var")))
    litestream_env = {
        key: value for key, value in box.items() if isinstance(value, str) and key.isupper()
    }  # the env file, as litestream.service gets it; AWS_CA_BUNDLE is not among them
    command = [program("litestream"), "replicate", "-config", str(config)]
    log = tmp / "litestream.log"
    with open(log, "wb") as output:
        replicate = subprocess.Popen(
            command, env=litestream_env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        manage(
            box,
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model\n"
            "from blog.tenants.lifecycle import create_blog\n"
            "for name in ('replicated', 'streamed'):\n"
            "    user = get_user_model().objects.create_user(name, f'{name}@example.com')\n"
            "    create_blog(user, name)\n",
        )
        expected = blog_rows(database)
        assert [row[0] for row in expected] == ["replicated", "streamed"]

        restored, deadline = [], time.monotonic() + 30
        while restored != expected and time.monotonic() < deadline:
            time.sleep(1)
            copy = tmp / f"restored-{uuid.uuid4().hex}.sqlite3"
            restore = subprocess.run(
                [program("litestream"), "restore", "-config", str(config), "-o", str(copy),
                 str(database)],
                env=litestream_env, capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            if restore.returncode == 0:
                restored = blog_rows(copy)
    finally:
        stop(replicate)
    assert restored == expected, log.read_text()[-3000:]
