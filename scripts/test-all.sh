#!/usr/bin/env bash
# Runs every test: unit tests, integration tests (real PostgreSQL, fabric8 mock cluster, real Helm library).
# Installs what a fresh machine lacks; JDK 17 and Maven are assumed present.
set -euo pipefail
cd "$(dirname "$0")/.."

# The *IT tests start throwaway PostgreSQL clusters and a PgBouncer from Debian's server binaries.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || ! command -v pgbouncer >/dev/null; then
  echo "installing Debian's postgresql and pgbouncer packages for the integration tests" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql pgbouncer >/dev/null
fi

mvn -B -ntp verify

# The chart bump on fixture wheels, no network (uses the mapgen jar packaged by verify).
./scripts/test-bump.sh

# End to end on real Airflow releases from PyPI and a throwaway PostgreSQL (the jar was packaged by verify).
./scripts/e2e.sh
