# shellcheck shell=bash
# A throwaway PostgreSQL cluster for the e2e run: Debian's server binaries, a temp data dir, a free port.
# Sourced by scripts/e2e.sh; pg_start sets PG_HOST, PG_PORT, PG_USER, PG_PASSWORD, PG_SOCKET_DIR.

PG_USER=e2e
# A password (not trust) on TCP, so URLs carry a secret as in production and masking is exercised.
PG_PASSWORD='e2e-s3cret'
PG_HOST=127.0.0.1

pg_bin_dir() {
  local dir
  dir=$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1 || true)
  [[ -n $dir ]] && dirname "$dir"
}

pg_install_if_missing() {
  if [[ -z $(pg_bin_dir) ]]; then
    echo "e2e: installing Debian's postgresql package" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
}

# Runs a server binary as postgres when we are root (initdb and postgres refuse to run as root).
pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_start() {
  pg_install_if_missing
  PG_BIN=$(pg_bin_dir)
  [[ -n $PG_BIN ]] || { echo "e2e: no PostgreSQL server binaries under /usr/lib/postgresql" >&2; return 1; }
  # Under /tmp whatever TMPDIR says: the postgres user must reach it, and the socket path must stay short.
  PG_DIR=$(mktemp -d /tmp/e2e-pg.XXXXXX)
  PG_SOCKET_DIR=$PG_DIR/socket
  mkdir -p "$PG_SOCKET_DIR"
  printf '%s\n' "$PG_PASSWORD" >"$PG_DIR/pwfile"
  [[ $(id -u) -eq 0 ]] && chown -R postgres: "$PG_DIR"
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" --pwfile="$PG_DIR/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  PG_PORT=$(free_port)
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_SOCKET_DIR -c listen_addresses=$PG_HOST -c max_connections=200 -c fsync=off" start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  echo "e2e: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on $PG_HOST:$PG_PORT ($PG_DIR)" >&2
}

pg_stop() {
  [[ -n ${PG_DIR:-} && -d ${PG_DIR:-} ]] || return 0
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=
}

# psql as the superuser over the unix socket: psql_db DB [psql args...]
psql_db() {
  local db=$1; shift
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U "$PG_USER" -d "$db" "$@"
}

# The single value of a query: sql_value DB SQL
sql_value() {
  psql_db "$1" -At -c "$2"
}

createdb_from() { # createdb_from NAME [TEMPLATE]
  "$PG_BIN/createdb" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U "$PG_USER" ${2:+-T "$2"} "$1"
}

# The SQLAlchemy URL Airflow and the chart's secret use.
sqlalchemy_url() {
  printf 'postgresql+psycopg2://%s:%s@%s:%s/%s' "$PG_USER" "$PG_PASSWORD" "$PG_HOST" "$PG_PORT" "$1"
}
