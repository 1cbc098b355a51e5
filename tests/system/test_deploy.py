"""The staging box's files (deploy/): systemd units that systemd accepts as they are, and a
crontab whose every job names a script and a management command that exist."""

import re
import shutil
import subprocess

import pytest
from django.core.management import get_commands

from tests.support.paths import ROOT
from tests.support.programs import program

# It checks files and uses no database: once, in the SQLite pass.
pytestmark = pytest.mark.database_independent

DEPLOY = ROOT / "deploy"
PREFIX = "/srv/bearcms"  # where the runbook puts the checkout
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


@pytest.fixture
def box_layout(tmp_path):
    """A stand-in for /srv/bearcms: this checkout's deploy/ and a .venv/bin holding the
    programs the units start, so systemd can check every ExecStart."""
    (tmp_path / "deploy").symlink_to(DEPLOY)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    for name in ("python", "gunicorn", "caddy", "litestream"):
        (tmp_path / ".venv" / "bin" / name).symlink_to(program(name))
    return tmp_path


def test_there_is_a_unit_for_each_process_of_the_box():
    assert [unit.name for unit in UNITS] == [
        "bearblog-worker.service",
        "bearblog.service",
        "caddy.service",
        "litestream.service",
    ]


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_systemd_accepts_the_unit_without_a_word(unit, box_layout, tmp_path_factory):
    units = tmp_path_factory.mktemp("units")
    installed = units / unit.name
    installed.write_text(unit.read_text().replace(PREFIX, str(box_layout)))
    result = subprocess.run(
        [shutil.which("systemd-analyze"), "verify", str(installed)],
        capture_output=True,
        text=True,
        cwd=units,
    )
    # Unknown keys only warn, so any output at all is a failure.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_each_cron_job_runs_an_existing_script_as_the_service_user():
    commands = get_commands()
    jobs = [
        line.split(maxsplit=6)
        for line in (DEPLOY / "crontab").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not re.match(r"^[A-Z]+=", line)
    ]
    scheduled = set()
    for *schedule, user, command in jobs:
        assert len(schedule) == 5 and user == "bearcms", command
        script, *args = command.split()[3:]  # after `systemd-cat -t TAG`
        assert script.startswith(f"{PREFIX}/deploy/")
        path = ROOT / script.removeprefix(f"{PREFIX}/")
        assert path.is_file() and path.stat().st_mode & 0o111, script
        if path.name == "manage.sh":
            assert args[0] in commands, args
        scheduled.add(args[0] if args else path.name)
    assert scheduled == {
        "send_subscriber_mail",
        "send_activities",
        "scrub_analytics",
        "rollup_analytics",
        "prune_db_task_results",
        "backup.sh",
    }


def source_env_file(env_file, then=""):
    """Run ``. deploy/env.sh`` (then ``then``) in bash with ``env_file`` as the env file."""
    return subprocess.run(  # noqa: S603 - bash, found by program(), with our own script
        [program("bash"), "-c", f". deploy/env.sh; {then}"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "BEARCMS_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
    )


def test_the_env_file_is_read_literally_as_systemd_reads_it(tmp_path):
    # A password may hold $, &, quotes or spaces: the scripts must see what systemd sees.
    env_file = tmp_path / "bearcms.env"
    env_file.write_text('# settings\n\nSECRET_KEY=k3y&x(-y$HOME=z\nEMAIL_HOST_PASSWORD=a b "c"\n')
    result = source_env_file(env_file, 'printf "%s|%s" "$SECRET_KEY" "$EMAIL_HOST_PASSWORD"')
    assert (result.returncode, result.stdout) == (0, 'k3y&x(-y$HOME=z|a b "c"')
    env_file.write_text("not a setting\n")
    result = source_env_file(env_file)
    assert result.returncode == 2 and "not a KEY=value line" in result.stderr
