# shellcheck shell=bash
# Helpers the scenarios share. Each scenario runs in a subshell with `set -e` and an ERR trap; `fail` records why.
# Needs (from scripts/e2e.sh): REPO, MAP, JAR, WORK, FERNET_KEY, DAGS_DIR and a started PostgreSQL (pg.sh), or for a
# scenario that sets BACKEND=mariadb a started MariaDB (mariadb.sh).

# The scenario's database server: postgres, or mariadb (then also the releases' -mysql venvs, see airflow_bin).
db_url() {
  if [[ ${BACKEND:-postgres} == mariadb ]]; then mysql_url "$1"; else sqlalchemy_url "$1"; fi
}

fail() {
  printf '%s\n' "$*" >"$SDIR/why"
  echo "FAILED: $*"
  exit 1
}

# run_scenario N: scenario_N in a subshell with `set -eE` and an ERR trap, its output in $WORK/sN.log. Returns its exit
# code; why it failed is in $WORK/sN/why.
run_scenario() {
  local rc=0
  set +e
  (
    set -eE
    scenario_begin "$1"
    trap 'rc=$?; [[ -f $SDIR/why ]] || echo "command failed (exit $rc): $BASH_COMMAND" >"$SDIR/why"' ERR
    "scenario_$1"
  ) >"$WORK/s$1.log" 2>&1
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || [[ -f $WORK/s$1/why ]] || echo "exited $rc" >"$WORK/s$1/why"
  return $rc
}

# scenario_begin N: the scenario's own database sN and work dir.
scenario_begin() {
  DB=s$1
  SDIR=$WORK/s$1
  mkdir -p "$SDIR"
}

need_venv() {
  local v
  for v in "$@"; do
    [[ -f $WORK/venv-$v.ok ]] || fail "Airflow $v's venv did not build: $(tail -n 3 "$WORK/venv-$v.log" 2>/dev/null | tr '\n' ' ')(log $WORK/venv-$v.log)"
  done
}

# The environment the chart gives Airflow: a home of its own per release (2.x and 3.x configs differ), one Fernet
# key for the whole deployment (so variables written by one release are read by the other), no examples.
airflow_env() { # airflow_env VERSION -> env assignments, one a line
  printf '%s\n' "AIRFLOW_HOME=$SDIR/home-$1" "AIRFLOW__CORE__LOAD_EXAMPLES=False" \
    "AIRFLOW__CORE__FERNET_KEY=$FERNET_KEY" "AIRFLOW__CORE__DAGS_FOLDER=$DAGS_DIR"
}

# af_on DB VERSION ARGS...: the release's real CLI against a database, bounded in time.
af_on() {
  local db=$1 version=$2
  shift 2
  local -a envs
  mapfile -t envs < <(airflow_env "$version")
  echo "+ airflow $version: $*"
  env "${envs[@]}" AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="$(db_url "$db")" \
    timeout 900 "$(airflow_bin "$version")" "$@"
}
af() { af_on "$DB" "$@"; }

# migrate VERSION: what the official chart's migrateDatabaseJob runs with the release's image.
migrate() {
  af "$1" db migrate || fail "Airflow $1's airflow db migrate exited $?"
}

check_migrations() {
  af "$1" db check-migrations --migration-wait-timeout 30 \
    || fail "Airflow $1's airflow db check-migrations exited $? (the chart's wait-for-migrations would hang)"
}

db_head() { # what alembic_version holds: <no table>, <empty> or the rows, comma-separated
  local db=${1:-$DB}
  if [[ ${BACKEND:-postgres} == mariadb ]]; then
    if [[ $(mariadb_root -N -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$db'
        AND table_name = 'alembic_version'") == 0 ]]; then
      echo "<no table>"
    else
      mariadb_root -N -e "SELECT COALESCE(GROUP_CONCAT(version_num ORDER BY version_num), '<empty>')
        FROM \`$db\`.alembic_version"
    fi
  elif [[ $(sql_value "$db" "SELECT to_regclass('public.alembic_version') IS NULL") == t ]]; then
    echo "<no table>"
  else
    sql_value "$db" "SELECT coalesce(string_agg(version_num, ',' ORDER BY version_num), '<empty>') FROM alembic_version"
  fi
}

map_head() { python3 "$REPO/scripts/e2e/e2e_json.py" head "$MAP" "$1"; }

expect_head() { # expect_head VERSION: alembic_version equals the map's head for that release
  local actual expected
  expected=$(map_head "$1")
  actual=$(db_head)
  [[ $actual == "$expected" ]] || fail "alembic_version holds $actual, not Airflow $1's head $expected (map)"
  echo "alembic_version = $actual = Airflow $1's head"
}

expect_head_is() { # expect_head_is VALUE WHY
  local actual
  actual=$(db_head)
  [[ $actual == "$1" ]] || fail "alembic_version holds $actual, expected $1 ($2)"
}

snapshot() { # snapshot FILE: the whole database, schema and rows, to compare before/after
  # pg_dump's \restrict lines carry a random key per dump (CVE-2025-8714); they are not the database.
  "$PG_BIN/pg_dump" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U "$PG_USER" --no-owner --no-privileges "$DB" \
    | grep -v -E '^\\(un)?restrict ' >"$1"
}

expect_unchanged() { # expect_unchanged BEFORE WHAT
  snapshot "$1.after"
  cmp -s "$1" "$1.after" || fail "$2 changed the database: $(diff "$1" "$1.after" | grep '^[<>]' | head -n 4 | paste -sd '|')"
  echo "database unchanged by $2"
}

# db_at VERSION: this scenario's database, copied from a template at that release's head. Templates are made once
# per run by the release's own `airflow db migrate` ($B's upgraded from $A's, as a deployment would be).
db_at() {
  local version=$1 template
  template=$(ensure_template "$version") || fail "no database at Airflow $version: $(cat "$WORK/tpl-$version.failed" 2>/dev/null)"
  createdb_from "$DB" "$template"
  expect_head "$version"
}

ensure_template() {
  local version=$1 name base
  name=tpl_${version//./_}
  [[ -f $WORK/tpl-$version.failed ]] && return 1
  [[ $(sql_value postgres "SELECT count(*) FROM pg_database WHERE datname = '$name'") == 1 ]] && { echo "$name"; return 0; }
  case $version in
    "$B") base=$(ensure_template "$A") || { cp "$WORK/tpl-$A.failed" "$WORK/tpl-$version.failed"; return 1; } ;;
    *) base= ;;
  esac
  {
    [[ -f $WORK/venv-$version.ok ]] || { echo "Airflow $version's venv did not build"; false; } \
      && createdb_from "$name" "$base" \
      && SDIR=$WORK/tpl-$version af_on "$name" "$version" db migrate \
      && [[ $(db_head "$name") == "$(map_head "$version")" ]]
  } >"$WORK/tpl-$version.log" 2>&1 || {
    echo "building template $name failed, see $WORK/tpl-$version.log: $(tail -n 2 "$WORK/tpl-$version.log" | tr '\n' ' ')" \
      >"$WORK/tpl-$version.failed"
    "$PG_BIN/dropdb" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U "$PG_USER" --if-exists "$name" || true
    return 1
  }
  echo "$name"
}

# reconcile NAME CURRENT TARGET [EXTRA...]: the chart's reconcile job, with the local executor standing in for the
# exec into a running pod: the airflow of the CURRENT release runs any downgrade. Sets RC; the plan lands in
# $SDIR/NAME.json and the log in $SDIR/NAME.err.
# RECONCILE_DB=url (default): --db-url and no AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, so the resolver must hand Airflow
# the connection itself. RECONCILE_DB=env: the chart's own arguments, the URL in that variable (--db-url-env).
reconcile() {
  local name=$1 current=$2 target=$3
  shift 3
  local -a envs db_args
  mapfile -t envs < <(airflow_env "$current")
  if [[ ${RECONCILE_DB:-url} == env ]]; then
    envs+=("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=$(db_url "$DB")")
    db_args=(--db-url-env AIRFLOW__DATABASE__SQL_ALCHEMY_CONN --source alembic-table)
  else
    db_args=(--db-url "$(db_url "$DB")")
  fi
  echo "+ reconcile run --target-version $target --airflow-bin <Airflow $current> (DB from ${RECONCILE_DB:-url}) $*"
  RC=0
  env -u AIRFLOW__DATABASE__SQL_ALCHEMY_CONN "${envs[@]}" timeout 1200 \
    java -jar "$JAR" run --map "$MAP" --target-version "$target" "${db_args[@]}" \
    --executor local --airflow-bin "$(airflow_bin "$current")" --output json "$@" \
    >"$SDIR/$name.json" 2>"$SDIR/$name.err" || RC=$?
  cat "$SDIR/$name.json" "$SDIR/$name.err"
  echo "exit $RC"
  if grep -qF -e "$PG_PASSWORD" -e "$MY_PASSWORD" "$SDIR/$name.json" "$SDIR/$name.err"; then
    fail "the reconcile output shows the database password"
  fi
}

expect_floor() { # expect_floor NAME VERSION: the plan's floor is the base of that release's own files (the map's)
  local floor
  floor=$(plan_field "$1" floor)
  [[ $floor == "$(python3 "$REPO/scripts/e2e/e2e_json.py" floor "$MAP" "$2")" ]] \
    || fail "the plan's floor is $floor, not Airflow $2's floor $(python3 "$REPO/scripts/e2e/e2e_json.py" floor "$MAP" "$2")"
}

plan_field() { python3 "$REPO/scripts/e2e/e2e_json.py" field "$SDIR/$1.json" "$2"; }

expect_plan() { # expect_plan NAME EXIT ACTION
  local action
  [[ $RC == "$2" ]] || fail "reconcile exited $RC, expected $2: $(tail -n 2 "$SDIR/$1.err" | tr '\n' ' ')"
  action=$(plan_field "$1" action) || fail "reconcile printed no JSON plan: $(head -c 300 "$SDIR/$1.json")"
  [[ $action == "$3" ]] || fail "reconcile planned '$action', expected '$3' (reason: $(plan_field "$1" reason))"
}
