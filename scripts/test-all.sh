#!/usr/bin/env bash
# Runs every test: unit tests, integration tests (real PostgreSQL, fabric8 mock cluster, real Helm library).
# Installs what a fresh machine lacks: JDK 17 and Maven are assumed present.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -ntp verify
