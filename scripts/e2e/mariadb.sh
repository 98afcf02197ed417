# shellcheck shell=bash
# A throwaway MariaDB server for the MySQL scenario: Debian's mariadb-server (MySQL 8 is not in Debian), a temp data
# dir, a free port. Sourced by scripts/e2e.sh; mariadb_start sets MY_PORT and MY_SOCKET (free_port is pg.sh's).

MY_USER=e2e
# A password on TCP, as in production; not the PostgreSQL one, so a leak of either is told apart.
MY_PASSWORD='e2e-my-s3cret'
MY_HOST=127.0.0.1

# The server for the scenario, and what `pip install mysqlclient` builds against (the -mysql venvs).
mariadb_install_if_missing() {
  if [[ ! -x /usr/sbin/mariadbd ]] || ! pkg-config --exists libmariadb 2>/dev/null; then
    echo "e2e: installing Debian's mariadb-server, libmariadb-dev and pkg-config packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server libmariadb-dev \
      pkg-config >/dev/null
  fi
}

mariadb_start() {
  mariadb_install_if_missing
  # Under /tmp whatever TMPDIR says: the mysql user must reach it, and the socket path must stay short.
  MY_DIR=$(mktemp -d /tmp/e2e-mariadb.XXXXXX)
  MY_SOCKET=$MY_DIR/socket
  local as_mysql=()
  if [[ $(id -u) -eq 0 ]]; then chown mysql: "$MY_DIR"; as_mysql=(--user=mysql); fi
  # --no-defaults: the machine's /etc/mysql configuration (another server's port or socket) must not leak in.
  mariadb-install-db --no-defaults --datadir="$MY_DIR/data" "${as_mysql[@]}" --auth-root-authentication-method=normal \
    --skip-test-db >"$MY_DIR/install.log" 2>&1 || { cat "$MY_DIR/install.log" >&2; return 1; }
  MY_PORT=$(free_port)
  # Airflow's documented MySQL settings: utf8mb4 and explicit_defaults_for_timestamp (MariaDB's default is ON).
  /usr/sbin/mariadbd --no-defaults --datadir="$MY_DIR/data" "${as_mysql[@]}" --port="$MY_PORT" \
    --bind-address="$MY_HOST" --socket="$MY_SOCKET" --pid-file="$MY_DIR/pid" --log-error="$MY_DIR/server.log" \
    --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-flush-log-at-trx-commit=0 >/dev/null 2>&1 &
  local i
  for i in $(seq 300); do
    mariadb_root -e 'SELECT 1' >/dev/null 2>&1 && break
    [[ $i -lt 300 ]] || { cat "$MY_DIR/server.log" >&2; return 1; }
    sleep 0.2
  done
  mariadb_root -e "CREATE USER '$MY_USER'@'%' IDENTIFIED BY '$MY_PASSWORD'; GRANT ALL ON *.* TO '$MY_USER'@'%'"
  echo "e2e: MariaDB $(mariadb_root -N -e 'SELECT VERSION()') on $MY_HOST:$MY_PORT ($MY_DIR)" >&2
}

mariadb_stop() {
  [[ -n ${MY_DIR:-} && -d ${MY_DIR:-} ]] || return 0
  if [[ -f $MY_DIR/pid ]]; then
    local pid i
    pid=$(cat "$MY_DIR/pid")
    kill "$pid" 2>/dev/null || true
    for i in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$MY_DIR"
  MY_DIR=
}

# The mariadb client as root over the unix socket (root has no TCP account).
mariadb_root() {
  mariadb --no-defaults --user=root --socket="$MY_SOCKET" "$@"
}

# The SQLAlchemy URL Airflow and the chart's secret use, with mysqlclient (Airflow's documented driver).
mysql_url() {
  printf 'mysql+mysqldb://%s:%s@%s:%s/%s' "$MY_USER" "$MY_PASSWORD" "$MY_HOST" "$MY_PORT" "$1"
}
