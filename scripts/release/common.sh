# shellcheck shell=bash disable=SC2034 # the settings are for the scripts that source this
# Settings and helpers of the release scripts (sourced). Exit codes of every release script: 0 done, 1 a tool or a
# registry failed, 2 bad usage or a bad value, 3 the repository's versions disagree with the release asked for.
set -euo pipefail
RELEASE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/release/versions.env
source "$RELEASE_DIR/versions.env"
ROOT=$(cd "${AIRFLOW_DB_RECONCILE_ROOT:-$RELEASE_DIR/../..}" && pwd)
# The name of the image and of the chart in their registries.
ARTIFACT=airflow-db-reconcile
HELM=${HELM:-$HOME/.cache/airflow-db-reconcile/k8s/bin/helm}
CRANE=${CRANE:-}

release_log() { printf 'release: %s\n' "$*" >&2; }
release_die() { local code=$1; shift; printf 'release: %s\n' "$*" >&2; exit "$code"; }
# crane from the cache tools.sh fills, unless CRANE names one. Its progress log is shown only when it fails.
crane() {
  [[ -n $CRANE ]] || CRANE=$("$RELEASE_DIR/tools.sh" crane)/crane
  local log rc=0
  log=$(mktemp)
  "$CRANE" "$@" 2>"$log" || rc=$?
  [[ $rc -eq 0 ]] || cat "$log" >&2
  rm -f "$log"
  return "$rc"
}
