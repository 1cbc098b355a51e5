"""gunicorn.conf.py as gunicorn itself resolves it (``--print-config`` loads the file and
the app, and exits): the dyno's config vars reach the settings that scale and protect it."""

import os
import subprocess

import pytest

from tests.support.gunicorn_server import NOT_INHERITED
from tests.support.paths import ROOT
from tests.support.programs import program

CONFIG_VARS = {"WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "GUNICORN_TIMEOUT"}


def resolved_config(**config_vars):
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED | CONFIG_VARS}
    env.update(config_vars, SECRET_KEY="a-key-for-loading-the-app-only-" * 2)
    result = subprocess.run(
        [program("gunicorn"), "bearcms.wsgi", "--config", "gunicorn.conf.py", "--print-config"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    settings = {}
    for line in result.stdout.splitlines():
        name, _, value = line.partition(" = ")
        settings[name.strip()] = value.strip()
    return settings


@pytest.fixture(scope="module")
def defaults():
    return resolved_config()


def test_workers_port_timeout_and_trusted_proxies_follow_the_dynos_variables():
    config = resolved_config(
        WEB_CONCURRENCY="5", PORT="8123", GUNICORN_TIMEOUT="25", FORWARDED_ALLOW_IPS="*"
    )
    assert config["workers"] == "5"
    assert config["bind"] == "['0.0.0.0:8123']"
    assert config["timeout"] == "25"
    assert config["forwarded_allow_ips"] == "['*']"


def test_without_variables_two_workers_a_core_serve_port_8000_trusting_only_loopback(defaults):
    assert defaults["workers"] == str(2 * os.cpu_count())
    assert defaults["bind"] == "['0.0.0.0:8000']"
    assert defaults["timeout"] == "30"
    assert defaults["forwarded_allow_ips"] == "['127.0.0.1']"


def test_workers_are_recycled_with_jitter_and_stop_before_the_platform_kills_them(defaults):
    assert int(defaults["max_requests"]) > 0
    assert 0 < int(defaults["max_requests_jitter"]) < int(defaults["max_requests"])
    # Forked from a master that loaded the app and warmed it: a recycled worker is ready
    # at once.
    assert defaults["preload_app"] == "True"
    assert 0 < int(defaults["graceful_timeout"]) < 30  # Heroku: SIGKILL 30 s after SIGTERM


def test_access_log_goes_to_stdout_and_no_control_socket_is_left_on_disk(defaults):
    assert defaults["accesslog"] == "-"
    assert defaults["control_socket_disable"] == "True"
