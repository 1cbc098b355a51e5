# Sourced by run.sh, manage.sh and backup.sh. The box keeps its settings in one env file;
# the services, cron jobs and an operator's shell all read it, so they never disagree.
# systemd's EnvironmentFile= (caddy.service, litestream.service) takes each KEY=value
# line literally, so the file is read line by line here too, never run as shell code: a
# password with $, &, quotes or spaces means the same to every reader.
env_file=${BEARCMS_ENV_FILE:-/etc/bearcms/bearcms.env}
[ -r "$env_file" ] || { echo "env.sh: cannot read $env_file" >&2; exit 2; }
while IFS= read -r line || [ -n "$line" ]; do
  case $line in
    '' | '#'*) continue ;;
    *=*) export "${line%%=*}=${line#*=}" ;;
    *) echo "env.sh: not a KEY=value line in $env_file: $line" >&2; exit 2 ;;
  esac
done < "$env_file"
unset env_file line
