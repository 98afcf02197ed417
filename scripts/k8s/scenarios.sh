# shellcheck shell=bash
# Scenarios of scripts/e2e-k8s.sh and the helpers they share (beside scripts/e2e/lib.sh's: fail, db_head,
# expect_head, run_scenario). Needs from e2e-k8s.sh: REPO, WORK, MAP, HELM, KUBECONFIG, a started PostgreSQL.

RECONCILER_IMAGE=local/airflow-db-reconcile:e2e
declare -A SCENARIO_NAMES=(
  [1]="install at 3.1.8 -> Ready, schema at 3.1.8's head"
  [2]="helm upgrade to 3.0.6 without allowDowngrade -> the upgrade fails and says why, DB and pods untouched"
  [3]="helm upgrade to 3.0.6 with allowDowngrade -> writers at 0, downgrade in the running 3.1.8 pod, restored"
  [4]="helm rollback to the 3.1.8 revision -> schema migrated forward after the rollback, 3.1.8 Ready"
  [5]="helm rollback to the 3.0.6 revision -> the pre-rollback hook downgrades"
  [6]="across the major version: 3.0.6 -> 2.10.5 (FAB tables, 2.x webserver Ready) -> 3.0.6"
  [7]="RBAC for real: without any one Role rule the downgrade stops on a named 403, writers and DB untouched; with all it runs"
  [8]="faults: the hook killed mid-downgrade then the upgrade again converges; helm --atomic rollbacks"
  [9]="Argo CD form (useHelmHooks=false) applied in Argo CD's order: 3.1.8 -> 3.0.6 as in scenario 3"
  [10]="version-source service (serve.enabled, a read-only DB user): /metrics through the Service say drift 0; moving the schema under it flips the gauge"
)
# Scenarios that continue the release another one left: scenario -> the one before it.
declare -A SCENARIO_AFTER=([2]=1 [3]=2 [4]=3 [5]=4)
# The namespace (= release = database) each scenario works in; removed once no later scenario continues it.
declare -A SCENARIO_NAMESPACE=([1]=hist [2]=hist [3]=hist [4]=hist [5]=hist [6]=major [7]=rbac [8]=faults [9]=argo [10]=serve)
HISTORY=hist   # release, namespace and database of scenarios 1-5

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

# The writers' replicas (spec.replicas of every Airflow workload but the API server / webserver), sorted.
writers() {
  kubectl get deployments,statefulsets -n "$1" -l "release=$1,tier=airflow" \
    -o jsonpath='{range .items[*]}{.metadata.labels.component}={.spec.replicas}{"\n"}{end}' \
    | grep -v -e '^api-server=' -e '^webserver=' | sort | paste -sd ' '
}

# expect_serving RELEASE VERSION: every Airflow Deployment rolled out, the replaced pods gone, and every pod Ready on
# VERSION's image.
expect_serving() {
  local deployment pods deadline=$((SECONDS + 180))
  for deployment in $(kubectl get deployments -n "$1" -l "release=$1,tier=airflow" -o name); do
    kubectl rollout status -n "$1" "$deployment" --timeout=300s >/dev/null \
      || fail "$deployment of $1 did not roll out: $(kubectl get pods -n "$1" --no-headers | paste -sd ';')"
  done
  while pods=$(airflow_pods "$1") && grep -q ' terminating' <<<"$pods"; do
    ((SECONDS < deadline)) || fail "pods of $1 still terminating: $(grep ' terminating' <<<"$pods" | paste -sd ';')"
    sleep 1
  done
  local wrong
  wrong=$(grep -v " local/airflow:$2 ready$" <<<"$pods" || true)
  [[ -z $wrong ]] || fail "pods of $1 that are not Ready on local/airflow:$2: $(paste -sd ';' <<<"$wrong")"
  echo "$1 serves Airflow $2: $(awk '{print $1}' <<<"$pods" | paste -sd ' ')"
}

# The release's Airflow pods but finished ones, one a line: NAME IMAGE ready|unready|terminating
airflow_pods() {
  kubectl get pods -n "$1" -l "release=$1,tier=airflow" -o json | python3 -c '
import json, sys
for pod in json.load(sys.stdin)["items"]:
    if pod["status"].get("phase") in ("Succeeded", "Failed"):
        continue  # the pod of a finished Job serves nothing
    statuses = pod["status"].get("containerStatuses") or [{}]
    state = "terminating" if pod["metadata"].get("deletionTimestamp") else \
        "ready" if statuses[0].get("ready") else "unready"
    print(pod["metadata"]["name"], pod["spec"]["containers"][0]["image"], state)'
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
  writing=$(sed 's/ head=[^ ]*//' <<<"$during" | grep -E '=[1-9]' || true)
  [[ -z $writing ]] || fail "writers were running while the schema was between $1 and $2: $(head -n 3 <<<"$writing" | paste -sd ';')"
  grep -q "head=$from .*scheduler=0" "$SDIR/samples" \
    || fail "no sample saw the writers at 0 before the downgrade (samples in $SDIR/samples)"
  echo "writers at 0 in all $(grep -c . <<<"$during") samples taken while the schema moved from $1 to $2"
}

# install_release RELEASE VERSION ALLOW_DOWNGRADE: a fresh database and release, installed and serving.
install_release() {
  createdb_from "$1"
  helm_run install install "$1" "$(umbrella)" -n "$1" --create-namespace -f "$(values "$1" "$3")" \
    --set global.airflowVersion="$2" --timeout 10m || fail "helm install of $1 at $2 exited non-zero"
  expect_serving "$1" "$2"
}

# expect_ran_in LOG PODS: the reconciler's log names the pod the downgrade ran in, one of PODS (running before).
expect_ran_in() {
  local ran_in
  ran_in=$(sed -n 's/.*running the downgrade in pod \([^ ]*\).*/\1/p' "$1")
  [[ -n $ran_in && " $2 " == *" $ran_in "* ]] || fail "the downgrade ran in '${ran_in:-no pod}', not in a running pod ($2)"
  echo "the downgrade ran in $ran_in"
}

expect_writers() { # expect_writers RELEASE EXPECTED WHEN
  [[ $(writers "$1") == "$2" ]] || fail "writers $3: $(writers "$1"), not $2"
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
  DB=$HISTORY expect_head 3.1.8
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
  DB=$HISTORY expect_head 3.1.8
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
  expect_downgraded "$HISTORY" "$pods" "$before" "after the upgrade"
  measure "helm upgrade with the downgrade: $wall s wall; $(downgrade_seconds "$SDIR/reconciler.log") s of it was airflow db downgrade"
}

# expect_downgraded RELEASE PODS WRITERS WHEN: after a 3.1.8 -> 3.0.6 change with a downgrade, the schema is 3.0.6's,
# the writers were at 0 while it moved, it ran in one of PODS (3.1.8's, running before), 3.0.6 serves and the writers
# are back at WRITERS.
expect_downgraded() {
  reconciler_log "$1" >"$SDIR/reconciler.log"
  cat "$SDIR/reconciler.log"
  DB=$1 expect_head 3.0.6
  expect_quiet_downgrade 3.1.8 3.0.6
  expect_ran_in "$SDIR/reconciler.log" "$2"
  expect_serving "$1" 3.0.6
  expect_writers "$1" "$3" "$4"
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
  DB=$HISTORY expect_head 3.1.8
  expect_serving "$HISTORY" 3.1.8
  expect_writers "$HISTORY" "$before" "after the rollback"
}

scenario_5() {
  local before pods
  before=$(writers "$HISTORY")
  pods=$(api_pods "$HISTORY" api-server)
  sample_start "$HISTORY" "$HISTORY"
  helm_run rollback rollback "$HISTORY" 3 -n "$HISTORY" --timeout 10m || fail "helm rollback to revision 3 exited non-zero"
  sample_stop
  expect_downgraded "$HISTORY" "$pods" "$before" "after the rollback"
}

# --- scenario 6: across the major version ---------------------------------------------------------------------

MAJOR=major
scenario_6() {
  install_release "$MAJOR" 3.0.6 true
  local pods; pods=$(api_pods "$MAJOR" api-server)
  helm_run down upgrade "$MAJOR" "$(umbrella)" -n "$MAJOR" -f "$SDIR/values.yaml" \
    --set global.airflowVersion=2.10.5 --timeout 10m || fail "helm upgrade to 2.10.5 exited non-zero"
  reconciler_log "$MAJOR" >"$SDIR/reconciler.log"
  expect_ran_in "$SDIR/reconciler.log" "$pods"
  DB=$MAJOR expect_head 2.10.5
  [[ $(sql_value "$MAJOR" "SELECT to_regclass('public.ab_user') IS NOT NULL") == t ]] \
    || fail "no FAB table ab_user after the downgrade to 2.10.5"
  expect_serving "$MAJOR" 2.10.5
  [[ $(api_pods "$MAJOR" webserver) ]] || fail "no 2.x webserver pod"
  # 2.x has no standalone dag-processor: Helm removed that Deployment, the others are back at their counts.
  [[ $(writers "$MAJOR") == "scheduler=1 triggerer=1" ]] || fail "writers on 2.10.5: $(writers "$MAJOR")"
  helm_run up upgrade "$MAJOR" "$(umbrella)" -n "$MAJOR" -f "$SDIR/values.yaml" \
    --set global.airflowVersion=3.0.6 --timeout 10m || fail "helm upgrade back to 3.0.6 exited non-zero"
  DB=$MAJOR expect_head 3.0.6
  expect_serving "$MAJOR" 3.0.6
  [[ $(writers "$MAJOR") == "dag-processor=1 scheduler=1 triggerer=1" ]] || fail "writers back on 3.0.6: $(writers "$MAJOR")"
}

# --- scenario 9: Argo CD's form (useHelmHooks=false), applied in Argo CD's order -----------------------------------

ARGO=argo
# argo_sync VERSION [--set ...]: renders like Argo CD (helm template) and applies PreSync, Sync, PostSync by wave,
# waiting for each wave's Jobs; a failed Job fails the sync, as in Argo CD.
argo_sync() {
  local version=$1 dir file job; shift
  dir=$SDIR/sync-$version-$RANDOM
  "$HELM" template "$ARGO" "$(umbrella)" -n "$ARGO" -f "$SDIR/values.yaml" --set global.airflowVersion="$version" \
    --set airflow.migrateDatabaseJob.useHelmHooks=false \
    --set airflow-db-reconcile.migrateDatabaseJob.useHelmHooks=false \
    --set-json 'airflow.migrateDatabaseJob.jobAnnotations={"argocd.argoproj.io/hook":"Sync","argocd.argoproj.io/hook-delete-policy":"BeforeHookCreation"}' \
    "$@" >"$dir.yaml"
  kubectl create --dry-run=client -o json -n "$ARGO" -f "$dir.yaml" >"$dir.json" || return 1
  python3 "$REPO/scripts/k8s/argo_phases.py" "$dir" <"$dir.json" || return 1
  for file in "$dir"/*.json; do
    echo "sync: $(basename "$file" .json)"
    argo_delete BeforeHookCreation "${file%.json}.policy" || return 1
    kubectl apply -n "$ARGO" -f "$file" >/dev/null || return 1
    for job in $(python3 -c 'import json,sys; print(" ".join(i["metadata"]["name"] for i in json.load(open(sys.argv[1]))["items"] if i["kind"] == "Job"))' "$file"); do
      if ! kubectl wait -n "$ARGO" "job/$job" --for=condition=complete --timeout=600s >/dev/null 2>&1; then
        kubectl logs -n "$ARGO" "job/$job" --timestamps >"$SDIR/$job.log" 2>&1 || true
        echo "sync failed: job $job did not complete"
        return 1
      fi
      kubectl logs -n "$ARGO" "job/$job" --timestamps >"$SDIR/$job.log" 2>&1 || true
    done
    argo_delete HookSucceeded "${file%.json}.policy" || return 1
  done
  return 0
}

argo_delete() { # argo_delete POLICY POLICY_FILE: deletes the hooks that carry that delete policy
  local policy kind name
  while read -r policy kind name; do
    [[ $policy == "$1" ]] || continue
    kubectl delete -n "$ARGO" "$kind/$name" --ignore-not-found --wait >/dev/null || return 1
  done <"$2"
}

scenario_9() {
  createdb_from "$ARGO"
  kubectl create namespace "$ARGO" >/dev/null
  values "$ARGO" true >/dev/null
  argo_sync 3.1.8 || fail "the first sync at 3.1.8 failed"
  DB=$ARGO expect_head 3.1.8
  expect_serving "$ARGO" 3.1.8
  local before pods; before=$(writers "$ARGO"); pods=$(api_pods "$ARGO" api-server)
  sample_start "$ARGO" "$ARGO"
  argo_sync 3.0.6 || fail "the sync to 3.0.6 failed"
  sample_stop
  cat "$SDIR/$ARGO-airflow-db-reconcile-db-downgrade.log"
  expect_ran_in "$SDIR/$ARGO-airflow-db-reconcile-db-downgrade.log" "$pods"
  DB=$ARGO expect_head 3.0.6
  expect_quiet_downgrade 3.1.8 3.0.6
  expect_serving "$ARGO" 3.0.6
  expect_writers "$ARGO" "$before" "after the sync"
}

# --- scenario 7: RBAC for real ------------------------------------------------------------------------------------

RBAC=rbac
# The chart's hook objects for an upgrade of RBAC to 3.0.6, as JSON, to apply by hand with one Role rule taken out.
rbac_hooks() {
  "$HELM" template "$RBAC" "$(umbrella)" -n "$RBAC" -f "$SDIR/values.yaml" --set global.airflowVersion=3.0.6 \
    --is-upgrade --show-only charts/airflow-db-reconcile/templates/configmap.yaml \
    --show-only charts/airflow-db-reconcile/templates/serviceaccount.yaml \
    --show-only charts/airflow-db-reconcile/templates/role.yaml \
    --show-only charts/airflow-db-reconcile/templates/rolebinding.yaml \
    --show-only charts/airflow-db-reconcile/templates/job.yaml >"$SDIR/hooks.yaml"
  kubectl create --dry-run=client -o json -n "$RBAC" -f "$SDIR/hooks.yaml" >"$SDIR/hooks.json"
}

# without_rule INDEX: the hook objects with the Role's rule INDEX removed (INDEX -1: the Role as rendered); prints
# what was removed.
without_rule() {
  python3 - "$SDIR/hooks.json" "$1" "$SDIR/apply.json" <<'PY'
import json, sys
text, decoder, position, items = open(sys.argv[1]).read(), json.JSONDecoder(), 0, []
while position < len(text.rstrip()):
    while text[position].isspace():
        position += 1
    document, position = decoder.raw_decode(text, position)
    items.append(document)
index = int(sys.argv[2])
for item in items:
    item["metadata"].pop("annotations", None)  # applied by hand: no hook semantics
    if item["kind"] == "Role" and index >= 0:
        rule = item["rules"].pop(index)
        print(",".join(rule["verbs"]) + " " + ",".join(
            (group + "/" if group else "") + resource for group in rule["apiGroups"] for resource in rule["resources"]))
json.dump({"apiVersion": "v1", "kind": "List", "items": items}, open(sys.argv[3], "w"))
PY
}


# run_hook_job: applies $SDIR/apply.json, waits for the Job to end; prints complete|failed. Its log in $SDIR/job.log.
run_hook_job() {
  local job=$RBAC-airflow-db-reconcile-db-downgrade
  kubectl delete -n "$RBAC" "job/$job" --ignore-not-found --wait >/dev/null
  kubectl apply -n "$RBAC" -f "$SDIR/apply.json" >/dev/null
  local deadline=$((SECONDS + 300)) state=
  while [[ -z $state ]]; do
    state=$(kubectl get -n "$RBAC" "job/$job" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{"\n"}{end}' \
      | grep -x -e Complete -e Failed | head -n 1 || true)
    ((SECONDS < deadline)) || { echo timeout; return 0; }
    [[ -n $state ]] || sleep 1
  done
  kubectl logs -n "$RBAC" "job/$job" >"$SDIR/job.log" 2>&1 || true
  tr '[:upper:]' '[:lower:]' <<<"$state"
}

scenario_7() {
  install_release "$RBAC" 3.1.8 true
  rbac_hooks
  local before head index rules removed outcome
  before=$(writers "$RBAC"); head=$(db_head "$RBAC")
  rules=$(python3 - "$SDIR/hooks.json" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
decoder, position = json.JSONDecoder(), 0
while position < len(text.rstrip()):
    while text[position].isspace():
        position += 1
    document, position = decoder.raw_decode(text, position)
    if document["kind"] == "Role":
        print(len(document["rules"]))
PY
)
  ((rules > 0)) || fail "the chart rendered no Role rules for a downgrade"
  for ((index = 0; index < rules; index++)); do
    removed=$(without_rule "$index")
    outcome=$(run_hook_job)
    echo "without [$removed]: $outcome"
    [[ $outcome == failed ]] || fail "the downgrade did not need the rule [$removed] (the Job ended: $outcome)"
    local forbidden
    forbidden=$(grep -i -m 1 -e 'forbidden' -e ' 403' "$SDIR/job.log" || true)
    [[ -n $forbidden ]] || fail "without [$removed] the Job's log names no 403: $(tail -n 2 "$SDIR/job.log" | paste -sd ' ')"
    echo "  its log: $forbidden"
    local resource
    resource=${removed#* }; resource=${resource%%,*}; resource=${resource#*/}
    grep -qi -- "${resource%%/*}" <<<"$forbidden" || fail "without [$removed] the 403 line does not name the resource: $forbidden"
    [[ $(db_head "$RBAC") == "$head" ]] || fail "without [$removed] the database moved to $(db_head "$RBAC")"
    [[ $(writers "$RBAC") == "$before" ]] || fail "without [$removed] the writers were left at $(writers "$RBAC")"
  done
  # Enough: with every rule, the same Job (the chart's own Role, as Helm runs it) downgrades.
  helm_run upgrade upgrade "$RBAC" "$(umbrella)" -n "$RBAC" -f "$SDIR/values.yaml" --set global.airflowVersion=3.0.6 \
    --timeout 10m || fail "helm upgrade to 3.0.6 with the chart's Role exited non-zero"
  DB=$RBAC expect_head 3.0.6
  expect_serving "$RBAC" 3.0.6
  expect_writers "$RBAC" "$before" "after the downgrade"
}

# --- scenario 8: faults -------------------------------------------------------------------------------------------

FAULTS=faults
scenario_8() {
  install_release "$FAULTS" 3.1.8 true
  local before; before=$(writers "$FAULTS")

  echo "== the hook's pod killed while the downgrade runs, then the upgrade again"
  "$HELM" upgrade "$FAULTS" "$(umbrella)" -n "$FAULTS" -f "$SDIR/values.yaml" --set global.airflowVersion=3.0.6 \
    --timeout 10m >"$SDIR/killed.log" 2>&1 &
  local upgrade=$! deadline=$((SECONDS + 240)) pod=
  until reconciler_log "$FAULTS" 2>/dev/null | grep -q "running the downgrade in pod"; do
    ((SECONDS < deadline)) || fail "the downgrade never started"
    sleep 0.5
  done
  pod=$(kubectl get pods -n "$FAULTS" -l job-name="$FAULTS-airflow-db-reconcile-db-downgrade" -o name)
  kubectl delete -n "$FAULTS" "$pod" --wait=false >/dev/null
  echo "deleted $pod (SIGTERM) while the downgrade ran"
  local rc=0; wait "$upgrade" || rc=$?
  sed 's/^/  helm: /' "$SDIR/killed.log"
  kubectl logs -n "$FAULTS" "$pod" >"$SDIR/killed-hook.log" 2>&1 || true
  if [[ $rc -eq 0 ]]; then
    echo "helm upgrade succeeded although its hook's pod was deleted (the Job ran it again)"
  else
    # A failed release says so, and whatever the hook left is a mapped head.
    [[ $("$HELM" status "$FAULTS" -n "$FAULTS" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["info"]["status"])') == failed ]] \
      || fail "the upgrade failed but the release does not say failed"
  fi
  helm_run again upgrade "$FAULTS" "$(umbrella)" -n "$FAULTS" -f "$SDIR/values.yaml" --set global.airflowVersion=3.0.6 \
    --timeout 10m || fail "the second helm upgrade to 3.0.6 exited non-zero"
  DB=$FAULTS expect_head 3.0.6
  expect_serving "$FAULTS" 3.0.6
  expect_writers "$FAULTS" "$before" "after converging"

  echo "== helm upgrade --atomic --wait to 3.1.8 whose pods cannot start: the rollback leaves 3.0.6 as it was"
  if helm_run atomic upgrade "$FAULTS" "$(umbrella)" -n "$FAULTS" -f "$SDIR/values.yaml" \
      --set global.airflowVersion=3.1.8 --set airflow.defaultAirflowTag=missing --atomic --wait --timeout 120s; then
    fail "helm upgrade --atomic with an image that does not exist succeeded"
  fi
  expect_log "$SDIR/atomic.log" "rolled back" "helm's output"
  DB=$FAULTS expect_head 3.0.6
  expect_serving "$FAULTS" 3.0.6
  expect_writers "$FAULTS" "$before" "after the atomic rollback"

  echo "== helm upgrade --atomic to 2.10.5 without allowDowngrade: refused, and the rollback changes nothing"
  if helm_run refused upgrade "$FAULTS" "$(umbrella)" -n "$FAULTS" -f "$(values "$FAULTS" false)" \
      --set global.airflowVersion=2.10.5 --atomic --timeout 5m; then
    fail "helm upgrade --atomic to 2.10.5 without allowDowngrade succeeded"
  fi
  DB=$FAULTS expect_head 3.0.6
  expect_serving "$FAULTS" 3.0.6
  expect_writers "$FAULTS" "$before" "after the refused atomic upgrade"
}

# --- scenario 10: the version-source service -----------------------------------------------------------------------

SERVE=serve
READER=serve_reader
READER_PASSWORD='r3ader-s3cret'

# serve_metrics: /metrics of the version-source service through its Service (the API server's service proxy).
serve_metrics() {
  kubectl get --raw "/api/v1/namespaces/$SERVE/services/$SERVE-airflow-db-reconcile-serve:http/proxy/metrics"
}

sample_value() { # sample_value SERIES FILE: the value of that exact series (name and labels), empty when absent
  awk -v series="$1" '$1 == series {print $2}' "$2"
}

# expect_drift VALUE STATE WHY: a scrape says airflow_db_reconcile_schema_drift VALUE (empty: absent) and STATE.
expect_drift() {
  serve_metrics >"$SDIR/metrics" || fail "$3: no /metrics through the Service"
  local drift state
  drift=$(sample_value airflow_db_reconcile_schema_drift "$SDIR/metrics")
  state=$(sample_value "airflow_db_reconcile_schema_drift_state{state=\"$2\"}" "$SDIR/metrics")
  [[ $drift == "$1" && $state == 1 ]] \
    || fail "$3: drift '${drift:-absent}', state $2 = '${state:-absent}', not ${1:-absent}: $(grep -v '^#' "$SDIR/metrics" | paste -sd ' ')"
  echo "$3: airflow_db_reconcile_schema_drift ${drift:-absent} ($2); $(grep '^airflow_db_reconcile_schema_info' "$SDIR/metrics")"
}

set_revision() { psql_db "$SERVE" -c "UPDATE alembic_version SET version_num = '$1'"; }

# airflow_cli VERSION ARGS...: the release's real CLI against the scenario's database (over the socket: the server's
# TCP rules admit only the pod network).
airflow_cli() {
  local version=$1; shift
  echo "+ airflow $version: $*"
  env AIRFLOW_HOME="$SDIR/home-$version" AIRFLOW__CORE__LOAD_EXAMPLES=False \
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://$PG_USER:$PG_PASSWORD@/$SERVE?host=$PG_SOCKET_DIR&port=$PG_PORT" \
    timeout 900 "$(airflow_bin "$version")" "$@"
}

# Idle use of the service's container (the kubelet's summary, no metrics-server) and /metrics latency from the node.
measure_serve() {
  local pod ip
  pod=$(kubectl get pods -n "$SERVE" -l app.kubernetes.io/component=version-source -o jsonpath='{.items[0].metadata.name}')
  ip=$(kubectl get pod -n "$SERVE" "$pod" -o jsonpath='{.status.podIP}')
  kubectl get --raw "/api/v1/nodes/$NODE_NAME/proxy/stats/summary" | python3 -c '
import json, sys
pod = sys.argv[1]
for p in json.load(sys.stdin)["pods"]:
    if p["podRef"]["name"] == pod:
        c = p["containers"][0]
        print("MEASURE serve at idle: working set %.1f MiB, CPU %.1f millicores" % (
            c["memory"]["workingSetBytes"] / 2**20, c["cpu"]["usageNanoCores"] / 1e6))' "$pod"
  local times
  times=$(for _ in $(seq 20); do curl -s -o /dev/null -w '%{time_total}\n' "http://$ip:8080/metrics"; done | sort -n)
  measure "serve /metrics from the node, 20 scrapes: median $(sed -n 10p <<<"$times") s, max $(tail -n 1 <<<"$times") s"
  measure "serve restarts: $(kubectl get pod -n "$SERVE" "$pod" -o jsonpath='{.status.containerStatuses[0].restartCount}')"
}

scenario_10() {
  [[ -x $(airflow_bin 3.1.8) ]] || fail "no Airflow 3.1.8 venv ($(airflow_bin 3.1.8)): the setup's venv step failed"
  createdb_from "$SERVE"
  # A user that can only read, given SELECT on every table Airflow's user creates in the database from now on.
  psql_db "$SERVE" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$READER') THEN
    CREATE ROLE $READER LOGIN PASSWORD '$READER_PASSWORD';
  END IF;
END \$\$;
GRANT CONNECT ON DATABASE $SERVE TO $READER;
ALTER DEFAULT PRIVILEGES FOR ROLE $PG_USER IN SCHEMA public GRANT SELECT ON TABLES TO $READER;
SQL
  kubectl create namespace "$SERVE" >/dev/null
  kubectl create secret generic serve-reader -n "$SERVE" \
    --from-literal=connection="postgresql://$READER:$READER_PASSWORD@$NODE_IP:$PG_PORT/$SERVE" >/dev/null
  helm_run install install "$SERVE" "$(umbrella)" -n "$SERVE" -f "$(values "$SERVE" false)" \
    --set global.airflowVersion=3.1.8 --set airflow-db-reconcile.serve.enabled=true \
    --set airflow-db-reconcile.serve.metadataSecret.name=serve-reader --timeout 10m \
    || fail "helm install with serve.enabled exited non-zero"
  expect_serving "$SERVE" 3.1.8
  local deployment=deployment/$SERVE-airflow-db-reconcile-serve
  kubectl rollout status -n "$SERVE" "$deployment" --timeout=180s >/dev/null \
    || fail "the service did not become ready: $(kubectl get pods -n "$SERVE" -l app.kubernetes.io/component=version-source --no-headers | paste -sd ';')"
  kubectl logs -n "$SERVE" "$deployment" >"$SDIR/serve.log" 2>&1
  cat "$SDIR/serve.log"
  expect_log "$SDIR/serve.log" "serving the schema of postgresql://$READER:***@" "the service's log (the read-only user, masked)"
  ! grep -qF "$READER_PASSWORD" "$SDIR/serve.log" || fail "the service's log shows the reader's password"
  [[ $(kubectl get pods -n "$SERVE" -l app.kubernetes.io/component=version-source -o json \
      | python3 -c 'import json,sys; print(sum(1 for p in json.load(sys.stdin)["items"] for v in p["spec"].get("volumes", []) if "projected" in v))') == 0 ]] \
    || fail "the service's pod mounts a ServiceAccount token"
  "$PG_BIN/psql" -X -q -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U "$READER" -d "$SERVE" \
    -c "UPDATE alembic_version SET version_num = version_num" >"$SDIR/reader-write.log" 2>&1 \
    && fail "the service's user could write to alembic_version: it is not read-only"
  expect_log "$SDIR/reader-write.log" "permission denied for table alembic_version" "the service's user writing"

  expect_drift 0 equal "3.1.8 deployed, the schema at its head"
  grep -q "^airflow_db_reconcile_deployed_info{version=\"3.1.8\",revision=\"$(map_head 3.1.8)\"} 1" "$SDIR/metrics" \
    || fail "deployed_info does not name 3.1.8 and its head"
  sleep 20
  measure_serve

  # The writers stop, as for any schema change, so that the downgrade's DDL does not wait for their locks.
  kubectl scale deployment -n "$SERVE" -l "release=$SERVE,tier=airflow" --replicas=0 >/dev/null
  kubectl wait pods -n "$SERVE" -l "release=$SERVE,tier=airflow" --for=delete --timeout=300s >/dev/null 2>&1 || true
  airflow_cli 3.1.8 db downgrade --to-revision "$(map_head 3.0.6)" --yes >"$SDIR/downgrade.log" 2>&1 \
    || fail "airflow db downgrade to 3.0.6 exited non-zero: $(tail -n 3 "$SDIR/downgrade.log" | paste -sd ' ')"
  DB=$SERVE expect_head 3.0.6
  expect_drift -1 behind "a real downgrade to 3.0.6 under 3.1.8"
  airflow_cli 3.1.8 db migrate >"$SDIR/migrate.log" 2>&1 \
    || fail "airflow db migrate back to 3.1.8 exited non-zero: $(tail -n 3 "$SDIR/migrate.log" | paste -sd ' ')"
  expect_drift 0 equal "migrated back to 3.1.8"
  local newest; newest=$(python3 "$REPO/scripts/e2e/e2e_json.py" newest "$MAP")
  set_revision "$(map_head "$newest")"
  expect_drift 1 ahead "alembic_version set to $newest's head"
  set_revision 0123456789ab
  expect_drift "" unknown "alembic_version set to a revision the map lacks"
  set_revision "$(map_head 3.1.8)"
  expect_drift 0 equal "restored to 3.1.8's head"
}
