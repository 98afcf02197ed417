#!/usr/bin/env bash
# Installs what the tests need and a fresh machine lacks: the *IT tests start throwaway PostgreSQL clusters, a PgBouncer
# and a MariaDB server from Debian's (or Ubuntu's) server binaries; the e2e's MariaDB scenario builds mysqlclient
# against libmariadb-dev with pkg-config; the image build (Maven's package phase) strips the runtime's native libraries
# with binutils. Needs root or sudo when something is missing.
set -euo pipefail
sudo=(); [[ $EUID -eq 0 ]] || sudo=(sudo)
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || ! command -v pgbouncer >/dev/null \
    || [[ ! -x /usr/sbin/mariadbd ]] || ! pkg-config --exists libmariadb 2>/dev/null || ! command -v strip >/dev/null; then
  echo "installing the postgresql, pgbouncer, mariadb-server, libmariadb-dev, pkg-config and binutils packages" >&2
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql pgbouncer mariadb-server \
    libmariadb-dev pkg-config binutils >/dev/null
fi
