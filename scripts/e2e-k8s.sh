#!/usr/bin/env bash
# End to end on a real single-node Kubernetes cluster built here (scripts/k8s), with a real helm binary, real Airflow
# images (the e2e virtualenvs of real releases), the reconciler image and a PostgreSQL on the node's bridge. The
# Airflow side is a stand-in for the official chart (scripts/k8s/fixtures/airflow); an umbrella chart combines it
# with chart/, the way an operator would.
#
# Usage: scripts/e2e-k8s.sh [SCENARIO...]   (default: all; scenarios 1-5 are one release's history, run in order)
# Env:   E2E_KEEP=1 keeps the work dir and the cluster up (then `scripts/k8s/cluster.sh down` removes it).
# Prints one `PASS scenario N: ...` / `FAIL scenario N: ...` line per scenario and `N passed, M failed`.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/k8s/common.sh
source "$REPO/scripts/k8s/common.sh"
# shellcheck source=scripts/e2e/pg.sh
source "$REPO/scripts/e2e/pg.sh"
# shellcheck source=scripts/e2e/venvs.sh
source "$REPO/scripts/e2e/venvs.sh"
# shellcheck source=scripts/e2e/lib.sh
source "$REPO/scripts/e2e/lib.sh"
# shellcheck source=scripts/k8s/scenarios.sh
source "$REPO/scripts/k8s/scenarios.sh"

OLD2=2.10.5   # the 2.x release of the cross-major scenario
A=3.0.6       # the older 3.x release
B=3.1.8       # the newer 3.x release
RELEASES=("$OLD2" "$A" "$B")

say() { printf 'e2e-k8s: %s\n' "$*" >&2; }
started=$SECONDS
while read -r variable; do unset "$variable"; done < <(compgen -e | grep '^AIRFLOW' || true)
if [[ $# -gt 0 ]]; then SELECTED=("$@"); else mapfile -t SELECTED < <(printf '%s\n' "${!SCENARIO_NAMES[@]}" | sort -n); fi
for n in "${SELECTED[@]}"; do
  [[ -n ${SCENARIO_NAMES[$n]:-} ]] || { echo "e2e-k8s: no scenario '$n' (${!SCENARIO_NAMES[*]})" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/e2e-k8s.XXXXXX)
cleanup() {
  local rc=$?
  jobs -p | xargs -r kill 2>/dev/null || true
  if [[ ${E2E_KEEP:-} == 1 ]]; then
    say "kept: work dir $WORK, the cluster ($REPO/scripts/k8s/cluster.sh env), PostgreSQL in ${PG_DIR:-?}"
  else
    "$REPO/scripts/k8s/cluster.sh" down >/dev/null 2>&1 || say "LOUD: cluster.sh down failed: run it by hand"
    pg_stop
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SETUP_ERROR=
setup_failed() { [[ -n $SETUP_ERROR ]] || SETUP_ERROR=$*; say "LOUD: $*"; }
MAP=$(compgen -G "$REPO/maps/airflow-*.json" | sort -V | tail -n 1)

step() { # step WHAT COMMAND...: runs it logged; a failure is the setup error every scenario reports
  local what=$1 log; log=$WORK/setup-${1// /-}.log; shift
  [[ -z $SETUP_ERROR ]] || return 0
  local t=$SECONDS
  if "$@" >"$log" 2>&1; then say "$what: $((SECONDS - t)) s"; else setup_failed "$what failed: $(tail -n 3 "$log" | paste -sd ' ')"; fi
}

# The image users run is the one Maven's package phase writes (with the jar it carries).
RECONCILER_TAR=$REPO/resolver/target/airflow-db-reconcile-image.tar
build_image() { [[ -f $RECONCILER_TAR ]] || mvn -B -q -ntp -pl resolver -am package -DskipTests; }
build_venvs() {
  ensure_uv
  local version
  for version in "${RELEASES[@]}"; do ensure_venv "$version" "$WORK/venv-$version.log" || { cat "$WORK/venv-$version.log"; return 1; }; done
}
build_images() {
  mkdir -p "$WORK/images"
  local version
  for version in "${RELEASES[@]}"; do
    "$REPO/scripts/k8s/airflow-image.sh" "$version" "$WORK/images/airflow-$version.tar"
  done
}
import_images() {
  local image
  for image in "$WORK"/images/*.tar; do ctr_k8s images import "$image"; done
  rm -rf "$WORK/images"
  local built
  built=$(ctr_k8s images import "$RECONCILER_TAR" | grep -o 'airflow-db-reconcile:[^ ]*' | head -n 1)
  [[ -n $built ]] || { echo "no airflow-db-reconcile image in $RECONCILER_TAR" >&2; return 1; }
  ctr_k8s images tag --force "docker.io/library/$built" "docker.io/$RECONCILER_IMAGE"
}
start_postgres() {
  PG_HOST=$NODE_IP pg_start
  # Pods reach the node's address from the pod network.
  echo "host all all $POD_CIDR scram-sha-256" >>"$PG_DIR/data/pg_hba.conf"
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" reload
}

step "cluster" "$REPO/scripts/k8s/cluster.sh" up
step "reconciler image" build_image
step "Airflow venvs" build_venvs
step "images" build_images
step "image import" import_images
step "PostgreSQL on $NODE_IP" start_postgres
HELM=$K8S_BIN/helm
export KUBECONFIG=$K8S_STATE/pki/admin.kubeconfig
say "ready after $((SECONDS - started)) s"

# A release no later scenario continues goes, so that its Airflow pods stop competing for the node's two cores
# (with E2E_KEEP=1 a failed one stays, to look at).
retire_after() { # retire_after INDEX_IN_SELECTED
  local n=${SELECTED[$1]} next=${SELECTED[$1 + 1]:-}
  [[ -z $next || ${SCENARIO_AFTER[$next]:-} != "$n" ]] || return 0
  [[ ${E2E_KEEP:-} == 1 && ${outcome[$n]} == fail ]] && return 0
  kubectl delete namespace "${SCENARIO_NAMESPACE[$n]}" --ignore-not-found --wait=false >/dev/null 2>&1 || true
}

passed=0
failed=0
declare -A outcome
for i in "${!SELECTED[@]}"; do
  n=${SELECTED[$i]}
  name=${SCENARIO_NAMES[$n]}
  scenario_started=$SECONDS
  prerequisite=${SCENARIO_AFTER[$n]:-}
  if [[ -n $SETUP_ERROR ]]; then
    why="cannot run: $SETUP_ERROR"
  elif [[ -n $prerequisite && ${outcome[$prerequisite]:-} != pass ]]; then
    # A step of one release's history: it starts from where scenario $prerequisite left the release.
    why="needs scenario $prerequisite to pass first (run them in order: ${!SCENARIO_AFTER[*]})"
  else
    why=
    run_scenario "$n" || why=$(cat "$WORK/s$n/why")
  fi
  took="$((SECONDS - scenario_started)) s"
  if [[ -z $why ]]; then
    passed=$((passed + 1)); outcome[$n]=pass
    echo "PASS scenario $n: $name ($took)"
    grep '^MEASURE' "$WORK/s$n.log" | sed 's/^MEASURE/    measured:/' || true
  else
    failed=$((failed + 1)); outcome[$n]=fail
    echo "FAIL scenario $n: $name: $why ($took)"
    [[ -f $WORK/s$n.log ]] && sed 's/^/    | /' "$WORK/s$n.log" | tail -n 60
  fi
  retire_after "$i"
done

say "total $((SECONDS - started)) s"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
