"""Python processes run with production's environment variables."""

import os
import subprocess
import sys

from tests.support.paths import ROOT

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
