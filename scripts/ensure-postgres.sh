#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 with user postgres (trust auth):
# starts the local cluster if it is stopped, installs it from Debian's packages if it is missing.
set -euo pipefail
HOST=${MERIDIAN_PG_HOST:-127.0.0.1}
PORT=${MERIDIAN_PG_PORT:-5432}
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo

ready() { command -v pg_isready >/dev/null && pg_isready -q -h "$HOST" -p "$PORT"; }
wait_ready() { for _ in $(seq 1 60); do ready && return 0; sleep 0.5; done; return 1; }

ready && exit 0
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "ensure-postgres: installing PostgreSQL from Debian's packages" >&2
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q postgresql
fi
ver=$(ls /etc/postgresql | sort -V | tail -1)
conf=/etc/postgresql/$ver/main
# trust auth on loopback for the test user, as on the machines this project runs on
if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$conf/pg_hba.conf"; then
  $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$conf/pg_hba.conf"
fi
$SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
$SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main reload || true  # if it was already running: new pg_hba
wait_ready || { echo "ensure-postgres: PostgreSQL did not come up on $HOST:$PORT" >&2; exit 1; }
