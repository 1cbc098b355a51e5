#!/usr/bin/env bash
# The start script of bearblog.service: load the env file, bring the schema and the static
# files up to date, then become gunicorn. Migrating on every start makes a deploy "pull,
# restart", and gunicorn never serves against an older schema.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/env.sh
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
# Caddy, on the same box, is the only client: gunicorn listens on loopback only.
exec .venv/bin/gunicorn bearcms.wsgi --config gunicorn.conf.py --bind "127.0.0.1:${PORT:-8000}"
