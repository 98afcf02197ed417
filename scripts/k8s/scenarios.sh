# shellcheck shell=bash
# Scenarios of scripts/e2e-k8s.sh and the helpers they share. Each scenario runs in a subshell with `set -eE` and an
# ERR trap; `fail` records why. Needs from e2e-k8s.sh: REPO, WORK, MAP, HELM, KUBECONFIG, a started PostgreSQL.

RECONCILER_IMAGE=local/airflow-db-reconcile:e2e
declare -A SCENARIO_NAMES=(
  [1]="install at 3.1.8 -> Ready, schema at 3.1.8's head"
  [2]="helm upgrade to 3.0.6 without allowDowngrade -> the upgrade fails and says why, DB and pods untouched"
  [3]="helm upgrade to 3.0.6 with allowDowngrade -> writers at 0, downgrade in the running 3.1.8 pod, restored"
  [4]="helm rollback to the 3.1.8 revision -> schema migrated forward after the rollback, 3.1.8 Ready"
  [5]="helm rollback to the 3.0.6 revision -> the pre-rollback hook downgrades"
)
# Scenarios that continue the release another one left: scenario -> the one before it.
declare -A SCENARIO_AFTER=([2]=1 [3]=2 [4]=3 [5]=4)
HISTORY=hist   # release, namespace and database of scenarios 1-5

fail() {
  printf '%s\n' "$*" >"$SDIR/why"
  echo "FAILED: $*"
  exit 1
}
scenario_begin() { SDIR=$WORK/s$1; mkdir -p "$SDIR"; }
measure() { echo "MEASURE $*"; }

# The operator's umbrella chart: the Airflow chart and chart/ as dependencies, versions set once in global.
umbrella() {
  local dir=$WORK/umbrella
  if [[ ! -f $dir/Chart.lock ]]; then
    mkdir -p "$dir"
    cat >"$dir/Chart.yaml" <<YAML
apiVersion: v2
name: airflow-platform
version: 1.0.0
dependencies:
  - {name: airflow, version: 0.0.0-standin, repository: "file://$REPO/scripts/k8s/fixtures/airflow"}
  - {name: airflow-db-reconcile, version: "*", repository: "file://$REPO/chart"}
YAML
    "$HELM" dependency build "$dir" >/dev/null
  fi
  echo "$dir"
}

# values RELEASE ALLOW_DOWNGRADE: the umbrella's values for a release whose database is named like it.
values() {
  cat >"$SDIR/values.yaml" <<YAML
airflow:
  metadataConnection: "$(PG_HOST=$NODE_IP sqlalchemy_url "$1")"
  fernetKey: "$(python3 -c 'import base64; print(base64.urlsafe_b64encode(b"e2e-k8s-fernet-key-32-bytes-long").decode())')"
  triggerer: {hpa: {enabled: true}}
airflow-db-reconcile:
  image: {repository: ${RECONCILER_IMAGE%:*}, tag: ${RECONCILER_IMAGE##*:}, pullPolicy: Never}
  airflow:
    image: {repository: local/airflow, pullPolicy: Never}
  migrateDatabaseJob:
    allowDowngrade: $2
    # Keep succeeded hook Jobs until the next run, so that the scenario can read their logs.
    jobAnnotations: {helm.sh/hook-delete-policy: before-hook-creation}
    timeouts: {podSeconds: 180}
YAML
  echo "$SDIR/values.yaml"
}

# helm_run NAME ARGS...: a real helm command, its output kept in $SDIR/NAME.log; returns helm's exit code.
helm_run() {
  local name=$1 rc=0 t=$SECONDS; shift
  echo "+ helm $*"
  "$HELM" "$@" >"$SDIR/$name.log" 2>&1 || rc=$?
  sed 's/^/  helm: /' "$SDIR/$name.log"
  echo "  helm exited $rc after $((SECONDS - t)) s"
  return $rc
}

map_head() { python3 "$REPO/scripts/e2e/e2e_json.py" head "$MAP" "$1"; }
db_head() {
  if [[ $(sql_value "$1" "SELECT to_regclass('public.alembic_version') IS NULL") == t ]]; then echo "<no table>"
  else sql_value "$1" "SELECT coalesce(string_agg(version_num, ',' ORDER BY version_num), '<empty>') FROM alembic_version"; fi
}
expect_head() { # expect_head DB VERSION
  local want have; want=$(map_head "$2"); have=$(db_head "$1")
  [[ $have == "$want" ]] || fail "alembic_version holds $have, not $2's head $want"
  echo "schema at $2's head $want"
}

# The writers' replicas (spec.replicas of every Airflow workload but the API server / webserver), sorted.
writers() {
  kubectl get deployments,statefulsets -n "$1" -l "release=$1,tier=airflow" \
    -o jsonpath='{range .items[*]}{.metadata.labels.component}={.spec.replicas}{"\n"}{end}' \
    | grep -v -e '^api-server=' -e '^webserver=' | sort | paste -sd ' '
}

# expect_serving RELEASE VERSION: every Airflow Deployment rolled out, all its pods Ready on VERSION's image.
expect_serving() {
  local deployment images
  for deployment in $(kubectl get deployments -n "$1" -l "release=$1,tier=airflow" -o name); do
    kubectl rollout status -n "$1" "$deployment" --timeout=300s >/dev/null \
      || fail "$deployment of $1 did not roll out: $(kubectl get pods -n "$1" -o wide | tail -n +2 | paste -sd ';')"
  done
  images=$(kubectl get pods -n "$1" -l "release=$1,tier=airflow" --field-selector=status.phase=Running \
    -o jsonpath='{range .items[*]}{.spec.containers[0].image}{"\n"}{end}' | sort -u | paste -sd ' ')
  [[ $images == "local/airflow:$2" ]] || fail "the running Airflow pods of $1 run $images, not local/airflow:$2 only"
  local unready
  unready=$(kubectl get pods -n "$1" -l "release=$1,tier=airflow" --field-selector=status.phase=Running \
    -o jsonpath='{range .items[*]}{.metadata.name} {.status.containerStatuses[0].ready}{"\n"}{end}' | grep -v ' true$' || true)
  [[ -z $unready ]] || fail "pods of $1 not Ready: $unready"
  echo "$1 serves Airflow $2: $(kubectl get pods -n "$1" -l "release=$1,tier=airflow" --no-headers | awk '{print $1}' | paste -sd ' ')"
}

api_pods() { kubectl get pods -n "$1" -l "release=$1,component=$2" -o jsonpath='{.items[*].metadata.name}'; }

# The reconciler's log: the downgrade Job's, kept by the values' hook-delete-policy.
reconciler_log() { kubectl logs -n "$1" "job/$1-airflow-db-reconcile-${2:-db-downgrade}" --timestamps 2>&1; }

# While a helm command runs: the schema head and the writers' replicas twice a second, one sample a line.
sample_start() { # sample_start RELEASE DB
  (
    while true; do
      printf '%s head=%s %s\n' "${EPOCHREALTIME}" "$(db_head "$2" 2>/dev/null)" "$(writers "$1" 2>/dev/null)"
      sleep 0.5
    done
  ) >"$SDIR/samples" 2>/dev/null &
  SAMPLER=$!
}
sample_stop() { kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null || true; }

# expect_quiet_downgrade FROM TO: every sample whose head is neither release's head (the downgrade under way) shows
# all the writers at 0, and at least one sample saw it under way or the writers at 0 just before.
expect_quiet_downgrade() {
  local from to; from=$(map_head "$1"); to=$(map_head "$2")
  local during writing
  during=$(grep -v -e "head=$from " -e "head=$to " "$SDIR/samples" || true)
  writing=$(grep -E '=[1-9]' <<<"$during" || true)
  [[ -z $writing ]] || fail "writers were running while the schema was between $1 and $2: $(head -n 3 <<<"$writing" | paste -sd ';')"
  grep -q "head=$from .*scheduler=0" "$SDIR/samples" \
    || fail "no sample saw the writers at 0 before the downgrade (samples in $SDIR/samples)"
  echo "writers at 0 in all $(grep -c . <<<"$during") samples taken while the schema moved from $1 to $2"
}

expect_log() { # expect_log LOG_FILE TEXT WHAT
  grep -qF -- "$2" "$1" || fail "$3: the log does not say '$2' ($(tail -n 3 "$1" | paste -sd ';'))"
}

# --- scenarios 1-5: one release's history --------------------------------------------------------------------

scenario_1() {
  createdb_from "$HISTORY"
  helm_run install install "$HISTORY" "$(umbrella)" -n "$HISTORY" --create-namespace \
    -f "$(values "$HISTORY" false)" --set global.airflowVersion=3.1.8 --timeout 10m \
    || fail "helm install exited non-zero: $(tail -n 2 "$SDIR/install.log" | paste -sd ' ')"
  expect_head "$HISTORY" 3.1.8
  expect_serving "$HISTORY" 3.1.8
  [[ $(writers "$HISTORY") == "dag-processor=1 scheduler=1 triggerer=1" ]] \
    || fail "writers after install: $(writers "$HISTORY"), not dag-processor=1 scheduler=1 triggerer=1"
  # The triggerer is HPA-managed: its manifest leaves replicas to the autoscaler, so Helm never puts them back.
  kubectl get hpa -n "$HISTORY" "$HISTORY-triggerer" >/dev/null || fail "no HPA for the triggerer"
  [[ -z $("$HELM" get manifest "$HISTORY" -n "$HISTORY" | awk '/^kind: Deployment/{d=1} /^---/{d=0;t=0} d && $0 ~ "name: '"$HISTORY"'-triggerer$" {t=1} t && /replicas:/') ]] \
    || fail "the triggerer's manifest sets replicas, so it is not HPA-managed"
  reconciler_log "$HISTORY" >"$SDIR/reconciler.log"
  expect_log "$SDIR/reconciler.log" "install" "the pre-install hook"
}

scenario_2() {
  local before; before=$(writers "$HISTORY")
  if helm_run upgrade upgrade "$HISTORY" "$(umbrella)" -n "$HISTORY" -f "$(values "$HISTORY" false)" \
      --set global.airflowVersion=3.0.6 --timeout 10m; then
    fail "helm upgrade to 3.0.6 without allowDowngrade succeeded"
  fi
  expect_log "$SDIR/upgrade.log" "pre-upgrade hooks failed" "helm's output"
  reconciler_log "$HISTORY" >"$SDIR/reconciler.log"
  expect_log "$SDIR/reconciler.log" "downgrade from 3.1.8 to 3.0.6 needed" "the hook's log"
  expect_log "$SDIR/reconciler.log" "allowDowngrade=true" "the hook's log"
  expect_head "$HISTORY" 3.1.8
  expect_serving "$HISTORY" 3.1.8
  [[ $(writers "$HISTORY") == "$before" ]] || fail "writers changed from $before to $(writers "$HISTORY")"
}

scenario_3() {
  local before pods t
  before=$(writers "$HISTORY")
  pods=$(api_pods "$HISTORY" api-server)
  sample_start "$HISTORY" "$HISTORY"
  t=$SECONDS
  helm_run upgrade upgrade "$HISTORY" "$(umbrella)" -n "$HISTORY" -f "$(values "$HISTORY" true)" \
    --set global.airflowVersion=3.0.6 --timeout 10m || fail "helm upgrade to 3.0.6 with allowDowngrade exited non-zero"
  local wall=$((SECONDS - t))
  sample_stop
  reconciler_log "$HISTORY" >"$SDIR/reconciler.log"
  cat "$SDIR/reconciler.log"
  expect_head "$HISTORY" 3.0.6
  expect_quiet_downgrade 3.1.8 3.0.6
  local ran_in
  ran_in=$(sed -n 's/.*running the downgrade in pod \([^ ]*\) .*/\1/p' "$SDIR/reconciler.log")
  [[ -n $ran_in && " $pods " == *" $ran_in "* ]] \
    || fail "the downgrade ran in '${ran_in:-no pod}', not in a running 3.1.8 api-server pod ($pods)"
  expect_serving "$HISTORY" 3.0.6
  [[ $(writers "$HISTORY") == "$before" ]] || fail "writers are $(writers "$HISTORY") after the upgrade, not $before"
  measure "helm upgrade with the downgrade: $wall s wall; $(downgrade_seconds "$SDIR/reconciler.log") s of it was airflow db downgrade"
}

# Seconds between the reconciler's 'running the downgrade' line and the next line after airflow's own output.
downgrade_seconds() {
  python3 - "$1" <<'PY'
import sys, datetime
stamp = lambda line: datetime.datetime.fromisoformat(line.split(" ", 1)[0][:26])
lines = open(sys.argv[1]).read().splitlines()
start = next(stamp(l) for l in lines if "running the downgrade in pod" in l)
end = next(stamp(l) for l in lines if "airflow-db-reconcile: done:" in l or "verified" in l)
print(round((end - start).total_seconds(), 1))
PY
}

scenario_4() {
  local before; before=$(writers "$HISTORY")
  helm_run rollback rollback "$HISTORY" 1 -n "$HISTORY" --timeout 10m || fail "helm rollback to revision 1 exited non-zero"
  reconciler_log "$HISTORY" >"$SDIR/reconciler.log"
  expect_log "$SDIR/reconciler.log" "upgrade" "the pre-rollback hook"
  reconciler_log "$HISTORY" db-migrate >"$SDIR/migrate.log"
  expect_head "$HISTORY" 3.1.8
  expect_serving "$HISTORY" 3.1.8
  [[ $(writers "$HISTORY") == "$before" ]] || fail "writers are $(writers "$HISTORY") after the rollback, not $before"
}

scenario_5() {
  local before pods
  before=$(writers "$HISTORY")
  pods=$(api_pods "$HISTORY" api-server)
  sample_start "$HISTORY" "$HISTORY"
  helm_run rollback rollback "$HISTORY" 3 -n "$HISTORY" --timeout 10m || fail "helm rollback to revision 3 exited non-zero"
  sample_stop
  reconciler_log "$HISTORY" >"$SDIR/reconciler.log"
  cat "$SDIR/reconciler.log"
  expect_head "$HISTORY" 3.0.6
  expect_quiet_downgrade 3.1.8 3.0.6
  local ran_in
  ran_in=$(sed -n 's/.*running the downgrade in pod \([^ ]*\) .*/\1/p' "$SDIR/reconciler.log")
  [[ -n $ran_in && " $pods " == *" $ran_in "* ]] || fail "the downgrade ran in '${ran_in:-no pod}', not in $pods"
  expect_serving "$HISTORY" 3.0.6
  [[ $(writers "$HISTORY") == "$before" ]] || fail "writers are $(writers "$HISTORY") after the rollback, not $before"
}
