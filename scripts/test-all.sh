#!/usr/bin/env bash
# Runs every test: unit and integration tests (real PostgreSQL and PgBouncer, fabric8 mock cluster, the chart with a
# real helm binary), the bump script, the release scripts, the end-to-end scenarios on real Airflow releases, and the
# same on a real single-node Kubernetes cluster. Installs what a fresh machine lacks; JDK 17, Maven and Go are assumed
# present.
set -euo pipefail
cd "$(dirname "$0")/.."

# The *IT tests start throwaway PostgreSQL clusters, a PgBouncer and a MariaDB server from Debian's server binaries.
./scripts/test-deps.sh

# helm for the chart tests, and the cluster's binaries for e2e-k8s.sh: built from the Go module proxy, cached.
./scripts/k8s/build.sh

mvn -B -ntp verify

# The image verify packaged: built again from the same inputs it must be the same bytes.
./scripts/test-image.sh

# The chart bump on fixture wheels, no network (uses the mapgen jar packaged by verify).
./scripts/test-bump.sh

# The release scripts: the version check, and the image and the chart published to a local registry.
./scripts/test-release.sh

# End to end on real Airflow releases from PyPI and a throwaway PostgreSQL, and MariaDB for one scenario (the jar was
# packaged by verify).
./scripts/e2e.sh

# The chart's hooks, RBAC and the downgrade in a running pod, on a real cluster built here with a real helm.
./scripts/e2e-k8s.sh
