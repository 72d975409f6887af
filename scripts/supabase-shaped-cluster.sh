#!/usr/bin/env bash
# Creates (once) and starts a second PostgreSQL 15 cluster, `15 supabase` on port 5433, for
# scripts/supabase-shaped-db.ts. Its bootstrap superuser is supabase_admin, as on Supabase's own
# images (github.com/supabase/postgres ansible/tasks/setup-postgres.yml runs
# `initdb --username=supabase_admin`), so that no role called postgres is a superuser.
#
# Run as root on Debian 12 with the postgresql-15 package. Idempotent: a second run only rewrites
# pg_hba.conf if it differs and starts the cluster if it is down. The `15 main` cluster is left
# alone. Prints nothing but the admin URL on success; on failure, the failing command's output.
set -euo pipefail

version=15
name=supabase
port=5433
conf_dir="/etc/postgresql/$version/$name"
admin_url="postgresql://supabase_admin@127.0.0.1:$port/postgres"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The Debian tools are chatty; their output is only worth reading when they fail.
quiet() {
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "supabase-shaped-cluster: failed: $*" >&2
    exit 1
  fi
}

if [[ ! -f "$conf_dir/postgresql.conf" ]]; then
  # C.UTF-8 ships with Debian's libc, so the encoding is UTF8 without the locales package.
  quiet pg_createcluster "$version" "$name" --port="$port" --locale=C.UTF-8 --start-conf=auto -- \
    --username=supabase_admin --auth-local=trust --auth-host=scram-sha-256
fi

# supabase_admin connects from this machine without a password (the admin URL has none); every
# other role needs its password over TCP, as on a Supabase project, so a wrong or missing password
# in a URL fails here too. A local test cluster: listen_addresses stays at its default, localhost.
hba="$conf_dir/pg_hba.conf"
wanted_hba="# Written by scripts/supabase-shaped-cluster.sh, which rewrites it if it differs.
local   all   all                            trust
host    all   supabase_admin   127.0.0.1/32  trust
host    all   supabase_admin   ::1/128       trust
host    all   all              127.0.0.1/32  scram-sha-256
host    all   all              ::1/128       scram-sha-256"
hba_changed=false
if [[ "$(cat "$hba")" != "$wanted_hba" ]]; then
  printf '%s\n' "$wanted_hba" >"$hba"
  hba_changed=true
fi

# The test suites open many connections at once: Hyperdrive in local mode connects straight to the
# database (no pool of its own in front), and a hundred concurrent sends each flush behind. A real
# project sits behind Hyperdrive's pool; this one needs more than the default 100 slots instead.
conf="$conf_dir/conf.d/parley-tests.conf"
wanted_conf="# Written by scripts/supabase-shaped-cluster.sh.
max_connections = 400"
conf_changed=false
if [[ "$(cat "$conf" 2>/dev/null)" != "$wanted_conf" ]]; then
  printf '%s\n' "$wanted_conf" >"$conf"
  conf_changed=true
fi

status=$(pg_lsclusters --no-header | awk -v v="$version" -v n="$name" '$1 == v && $2 == n { print $4 }')
if [[ "$status" == online* ]]; then
  if [[ "$conf_changed" == true ]]; then
    quiet pg_ctlcluster "$version" "$name" restart
  elif [[ "$hba_changed" == true ]]; then
    quiet pg_ctlcluster "$version" "$name" reload
  fi
else
  # Until scripts/supabase-shaped-db.ts has created the role postgres, this takes some 5 s more:
  # pg_ctlcluster probes the server as postgres and, refused, falls back to a plainer check.
  quiet pg_ctlcluster "$version" "$name" start
fi

for _ in $(seq 1 60); do
  if pg_isready --quiet --host=127.0.0.1 --port="$port"; then
    echo "$admin_url"
    exit 0
  fi
  sleep 0.5
done
echo "supabase-shaped-cluster: not accepting connections on 127.0.0.1:$port after 30 s" >&2
exit 1
