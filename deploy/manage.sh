#!/usr/bin/env bash
# manage.py as the box runs it: with the env file loaded and the checkout's virtualenv.
# The worker unit, the crontab and operators (sudo -u bearcms) all go through here.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/env.sh
exec .venv/bin/python manage.py "$@"
