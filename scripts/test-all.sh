#!/usr/bin/env bash
# Runs every test: unit and integration tests (real PostgreSQL and PgBouncer, fabric8 mock cluster, the chart with a
# real helm binary), the bump script, the end-to-end scenarios on real Airflow releases, and the same on a real
# single-node Kubernetes cluster. Installs what a fresh machine lacks; JDK 17, Maven and Go are assumed present.
set -euo pipefail
cd "$(dirname "$0")/.."

# The *IT tests start throwaway PostgreSQL clusters, a PgBouncer and a MariaDB server from Debian's server binaries;
# the e2e's MariaDB scenario builds mysqlclient against libmariadb-dev with pkg-config.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || ! command -v pgbouncer >/dev/null \
    || [[ ! -x /usr/sbin/mariadbd ]] || ! pkg-config --exists libmariadb 2>/dev/null; then
  echo "installing Debian's postgresql, pgbouncer, mariadb-server, libmariadb-dev and pkg-config packages for the" \
    "integration tests" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql pgbouncer mariadb-server \
    libmariadb-dev pkg-config >/dev/null
fi

# helm for the chart tests, and the cluster's binaries for e2e-k8s.sh: built from the Go module proxy, cached.
./scripts/k8s/build.sh

mvn -B -ntp verify

# The chart bump on fixture wheels, no network (uses the mapgen jar packaged by verify).
./scripts/test-bump.sh

# End to end on real Airflow releases from PyPI and a throwaway PostgreSQL, and MariaDB for one scenario (the jar was
# packaged by verify).
./scripts/e2e.sh

# The chart's hooks, RBAC and the downgrade in a running pod, on a real cluster built here with a real helm.
./scripts/e2e-k8s.sh
