#!/usr/bin/env bash
# End to end on real Airflow releases and a real PostgreSQL (issue 6): drives the resolver jar exactly as the
# chart's two jobs would (reconcile with the running release's airflow, then the target's `airflow db migrate`)
# and checks the real alembic_version after every scenario.
#
# Usage: scripts/e2e.sh [SCENARIO...]   (default: all, 1-12; 10 runs on MariaDB, the others on PostgreSQL)
# Env:   E2E_MAP (default: the newest maps/airflow-*.json), E2E_JAR (default: resolver/target/resolver.jar, built
#        when missing), E2E_CACHE (default: ~/.cache/airflow-db-reconcile),
#        E2E_KEEP=1 keeps the work dir (logs, dumps) and prints where it is.
# Prints one `PASS scenario N: ...` / `FAIL scenario N: ...: why` line per scenario and `N passed, M failed`.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/..
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"

# Releases the scenarios move between; each needs a row in scripts/e2e/venvs.sh.
OLD2=2.10.5       # newest 2.10.x
A=3.0.6           # a 3.0.x
B=3.1.8           # a 3.1.x
NEWEST=3.3.2      # newest final release on PyPI when this was written
BELOW_SQUASH=2.5.3 # a 2.x release below 3.x's floor (the 2.6.2 squash)

# shellcheck source=scripts/e2e/pg.sh
source "$REPO/scripts/e2e/pg.sh"
# shellcheck source=scripts/e2e/mariadb.sh
source "$REPO/scripts/e2e/mariadb.sh"
# shellcheck source=scripts/e2e/venvs.sh
source "$REPO/scripts/e2e/venvs.sh"
# shellcheck source=scripts/e2e/lib.sh
source "$REPO/scripts/e2e/lib.sh"
# shellcheck source=scripts/e2e/scenarios.sh
source "$REPO/scripts/e2e/scenarios.sh"

started=$SECONDS
# Only what the scenarios set may steer Airflow: a developer's own AIRFLOW_HOME or AIRFLOW__* would leak in.
while read -r variable; do unset "$variable"; done < <(compgen -e | grep '^AIRFLOW' || true)
say() { printf 'e2e: %s\n' "$*" >&2; }

if [[ $# -gt 0 ]]; then SELECTED=("$@"); else SELECTED=(1 2 3 4 5 6 7 8 9 10 11 12); fi
for n in "${SELECTED[@]}"; do
  [[ -n ${SCENARIO_NAMES[n]:-} ]] || { echo "e2e: no scenario '$n' (1-12)" >&2; exit 2; }
done
# Scenario 10 alone needs MariaDB and the releases' venvs with MySQL drivers.
WITH_MARIADB=
[[ " ${SELECTED[*]} " == *" 10 "* ]] && WITH_MARIADB=1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/e2e.XXXXXX")
cleanup() {
  local rc=$?
  jobs -p | xargs -r kill 2>/dev/null || true
  pg_stop
  mariadb_stop
  if [[ ${E2E_KEEP:-} == 1 ]]; then say "work dir kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# What every scenario needs; when one is missing, each scenario still gets its FAIL line saying why.
SETUP_ERROR=
setup_failed() { [[ -n $SETUP_ERROR ]] || SETUP_ERROR=$*; say "LOUD: $*"; }

MAP=${E2E_MAP:-$(compgen -G "$REPO/maps/airflow-*.json" | sort -V | tail -n 1 || true)}
if [[ -z $MAP || ! -f $MAP ]]; then
  setup_failed "no revision map maps/airflow-*.json (or E2E_MAP)"
elif [[ $(python3 "$REPO/scripts/e2e/e2e_json.py" newest "$MAP") != "$NEWEST" ]]; then
  say "NOTE: the map's newest release is $(python3 "$REPO/scripts/e2e/e2e_json.py" newest "$MAP"), the e2e's is" \
    "$NEWEST: add the newer release to scripts/e2e"
fi

# test-all.sh's `mvn verify` packages the jar; build it only when this script runs alone on a fresh checkout.
JAR=${E2E_JAR:-$REPO/resolver/target/resolver.jar}
if [[ ! -f $JAR ]]; then
  say "building the resolver jar"
  mvn -B -q -ntp -pl resolver -am package -DskipTests >"$WORK/jar.log" 2>&1 \
    || setup_failed "building the resolver jar failed: $(tail -n 3 "$WORK/jar.log" | paste -sd ' ')"
fi
# Every scenario runs the same jar, even if a build replaces target/ meanwhile.
if [[ -f $JAR ]]; then cp "$JAR" "$WORK/resolver.jar"; fi
JAR=$WORK/resolver.jar

DAGS_DIR=$WORK/dags
mkdir -p "$DAGS_DIR" && cp "$REPO/scripts/e2e/dags/"*.py "$DAGS_DIR/"
FERNET_KEY=$(python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')

# Venvs build in the background while PostgreSQL starts.
declare -A venv_pid
VENVS=("$OLD2" "$A" "$B" "$NEWEST")
# mysqlclient builds against libmariadb-dev: installed (with the server) before the venvs build.
if [[ -n $WITH_MARIADB ]]; then VENVS+=("$A-mysql" "$B-mysql"); mariadb_install_if_missing; fi
if ensure_uv >"$WORK/uv.log" 2>&1; then
  for version in "${VENVS[@]}"; do
    ( ensure_venv "$version" "$WORK/venv-$version.log" && touch "$WORK/venv-$version.ok" ) &
    venv_pid[$version]=$!
  done
else
  setup_failed "cannot install uv $UV_VERSION with pip: $(tail -n 2 "$WORK/uv.log" | paste -sd ' ')"
fi
if pg_start >"$WORK/pg.log" 2>&1; then
  cat "$WORK/pg.log" >&2
else
  setup_failed "PostgreSQL did not start: $(tail -n 3 "$WORK/pg.log" | paste -sd ' ')"
fi
# Only scenario 10 needs it: when it does not start, that scenario alone fails (it says why).
MARIADB_UP=
if [[ -n $WITH_MARIADB ]]; then
  if mariadb_start >"$WORK/mariadb.log" 2>&1; then MARIADB_UP=1; fi
  cat "$WORK/mariadb.log" >&2
fi
for version in "${!venv_pid[@]}"; do
  if wait "${venv_pid[$version]}"; then
    say "Airflow $version: $(head -n 1 "$WORK/venv-$version.log")"
  else
    say "LOUD: Airflow $version did not install on this machine; the scenarios that need it FAIL."
    say "$(tail -n 5 "$WORK/venv-$version.log")"
  fi
done
say "ready after $((SECONDS - started)) s"

passed=0
failed=0
for n in "${SELECTED[@]}"; do
  name=${SCENARIO_NAMES[n]}
  scenario_started=$SECONDS
  if [[ -n $SETUP_ERROR ]]; then
    failed=$((failed + 1))
    echo "FAIL scenario $n: $name: cannot run: $SETUP_ERROR"
    continue
  fi
  rc=0
  run_scenario "$n" || rc=$?
  took="$((SECONDS - scenario_started)) s"
  if [[ $rc -eq 0 ]]; then
    passed=$((passed + 1))
    echo "PASS scenario $n: $name ($took)"
  else
    failed=$((failed + 1))
    echo "FAIL scenario $n: $name: $(cat "$WORK/s$n/why") ($took)"
    sed 's/^/    | /' "$WORK/s$n.log" | tail -n 40
  fi
done

say "total $((SECONDS - started)) s"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
