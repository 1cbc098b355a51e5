# Sourced by run.sh, manage.sh and backup.sh. The box keeps its settings in one env file;
# the services, cron jobs and an operator's shell all read it, so they never disagree.
# Its lines are plain KEY=value (no quotes, no spaces), so that systemd's EnvironmentFile=
# (caddy.service, litestream.service) reads it exactly as the shell does.
set -a
# shellcheck source=/dev/null
. "${BEARCMS_ENV_FILE:-/etc/bearcms/bearcms.env}"
set +a
