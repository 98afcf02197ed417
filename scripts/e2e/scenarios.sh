# shellcheck shell=bash
# The scenarios of issue 6. Each starts from its own database and asserts the real alembic_version afterwards.
# Releases: OLD2 (newest 2.10.x), A (3.0.x), B (3.1.x), NEWEST (newest final release); set in scripts/e2e.sh.

# shellcheck disable=SC2034 # read by scripts/e2e.sh
SCENARIO_NAMES=(
  [1]="fresh database -> install, then the target's migrate"
  [2]="same release again -> none, nothing written"
  [3]="forward $A -> $B -> upgrade"
  [4]="backward $B -> $A without --allow-downgrade -> exit 3"
  [5]="backward $B -> $A allowed -> downgrade"
  [6]="across the major version $A -> $OLD2 -> downgrade"
  [7]="3.x database to $BELOW_SQUASH (below 2.6.2) -> impossible, exit 5"
  [8]="the same reconcile twice -> the second is none"
  [9]="seeded rows survive a round trip $OLD2 -> $A -> $B -> $A -> $OLD2"
  [10]="MariaDB: install at $B, downgrade to $A allowed -> downgrade"
  [11]="what $B -> $A deletes: counted, gated by --max-rows-lost, every dropped table and column predicted"
  [12]="what $A -> $OLD2 deletes: counted, gated by --max-rows-lost, every dropped table and column predicted"
)

scenario_1() {
  need_venv "$NEWEST"
  createdb_from "$DB"
  reconcile plan "$NEWEST" "$NEWEST"
  expect_plan plan 0 install
  expect_head_is "<no table>" "install leaves the schema to airflow db migrate"
  migrate "$NEWEST"
  expect_head "$NEWEST"
  check_migrations "$NEWEST"
}

scenario_2() {
  need_venv "$NEWEST"
  db_at "$NEWEST"
  snapshot "$SDIR/before.sql"
  reconcile plan "$NEWEST" "$NEWEST"
  expect_plan plan 0 none
  expect_unchanged "$SDIR/before.sql" "a reconcile with nothing to do"
  expect_head "$NEWEST"
}

scenario_3() {
  need_venv "$A" "$B"
  db_at "$A"
  snapshot "$SDIR/before.sql"
  reconcile plan "$A" "$B"
  expect_plan plan 0 upgrade
  # Forward scripts ship only in the target's image: the reconcile must leave the move to its migrate.
  expect_unchanged "$SDIR/before.sql" "the reconcile of an upgrade"
  migrate "$B"
  expect_head "$B"
}

scenario_4() {
  need_venv "$A" "$B"
  db_at "$B"
  snapshot "$SDIR/before.sql"
  reconcile plan "$B" "$A"
  expect_plan plan 3 downgrade
  local message="downgrade from $B to $A needed; set migrateDatabaseJob.allowDowngrade=true"
  grep -qF "$message" "$SDIR/plan.err" || fail "stderr lacks '$message': $(tail -n 1 "$SDIR/plan.err")"
  expect_unchanged "$SDIR/before.sql" "a refused downgrade"
  expect_head "$B"
}

scenario_5() {
  need_venv "$A" "$B"
  db_at "$B"
  reconcile plan "$B" "$A" --allow-downgrade
  expect_plan plan 0 downgrade
  expect_undo_starts_at plan "$B"
  expect_floor plan "$B"
  expect_head "$A"
  migrate "$A"
  expect_head "$A"
  check_migrations "$A"
}

scenario_6() {
  need_venv "$OLD2" "$A"
  RECONCILE_DB='env' # as the chart passes the database
  db_at "$A"
  reconcile plan "$A" "$OLD2" --allow-downgrade
  expect_plan plan 0 downgrade
  expect_undo_starts_at plan "$A"
  expect_floor plan "$A"
  expect_head "$OLD2"
  # Airflow's downgrade below 3.0 recreates the FAB tables that 2.x owns (3.x moved them to the FAB provider).
  local table missing=
  for table in ab_user ab_role ab_user_role ab_permission ab_view_menu ab_permission_view \
      ab_permission_view_role ab_register_user; do
    [[ $(sql_value "$DB" "SELECT to_regclass('public.$table') IS NOT NULL") == t ]] || missing+=" $table"
  done
  [[ -z $missing ]] || fail "FAB tables missing after the downgrade to $OLD2:$missing"
  migrate "$OLD2"
  expect_head "$OLD2"
  check_migrations "$OLD2"
  # The 2.x web UI logs people in through those tables: they must take a user.
  af "$OLD2" users create --username e2e-admin --password e2e-admin-pw --role Admin \
    --firstname E2E --lastname Admin --email e2e@example.invalid \
    || fail "Airflow $OLD2 cannot create a user in the FAB tables after the downgrade"
  [[ $(sql_value "$DB" "SELECT count(*) FROM ab_user u JOIN ab_user_role ur ON ur.user_id = u.id
      JOIN ab_role r ON r.id = ur.role_id WHERE u.username = 'e2e-admin' AND r.name = 'Admin'") == 1 ]] \
    || fail "the Admin user Airflow $OLD2 created is not in ab_user/ab_user_role"
}

scenario_7() {
  need_venv "$A"
  python3 "$REPO/scripts/e2e/e2e_json.py" has-version "$MAP" "$BELOW_SQUASH" \
    || fail "the map lacks $BELOW_SQUASH, so this scenario cannot ask for it"
  db_at "$A"
  snapshot "$SDIR/before.sql"
  reconcile plan "$A" "$BELOW_SQUASH" --allow-downgrade
  expect_plan plan 5 refuse
  expect_floor plan "$A"
  [[ $(plan_field plan reason) != null ]] || fail "the refusal gives no reason"
  expect_unchanged "$SDIR/before.sql" "an impossible move"
  expect_head "$A"
}

scenario_8() {
  need_venv "$A" "$B"
  db_at "$B"
  reconcile first "$B" "$A" --allow-downgrade
  expect_plan first 0 downgrade
  expect_head "$A"
  snapshot "$SDIR/between.sql"
  reconcile second "$B" "$A" --allow-downgrade
  expect_plan second 0 none
  expect_unchanged "$SDIR/between.sql" "the second reconcile"
  expect_head "$A"
}

# The rows a user would miss, in a stable order; variable values are Fernet-encrypted, so they are compared
# through the CLI instead.
seeded_rows() {
  sql_value "$DB" "
    SELECT 'connection', conn_id, conn_type, host, port::text, schema, login FROM connection WHERE conn_id LIKE 'e2e%'
    UNION ALL SELECT 'variable', key, description, NULL, NULL, NULL, NULL FROM variable WHERE key LIKE 'e2e%'
    UNION ALL SELECT 'pool', pool, slots::text, description, NULL, NULL, NULL FROM slot_pool WHERE pool LIKE 'e2e%'
    UNION ALL SELECT 'dag_run', dag_id, run_id, state, run_type, NULL, NULL FROM dag_run WHERE dag_id = 'e2e_tiny'
    UNION ALL SELECT 'task_instance', dag_id, run_id, task_id, state, NULL, NULL FROM task_instance
      WHERE dag_id = 'e2e_tiny'
    ORDER BY 1, 2, 3, 4"
}

expect_rows_survived() { # expect_rows_survived STEP WHEN
  seeded_rows >"$SDIR/rows-$1.txt"
  cmp -s "$SDIR/rows.txt" "$SDIR/rows-$1.txt" \
    || fail "seeded rows changed $2: $(diff "$SDIR/rows.txt" "$SDIR/rows-$1.txt" | grep '^[<>]' | head -n 4 | paste -sd '|')"
  echo "seeded rows intact $2"
}

# Seeded on the oldest release, then up and back down across the major version, one release at a time, as
# deployments move: OLD2 -> A -> B -> A -> OLD2, the rows checked after every step.
scenario_9() {
  need_venv "$OLD2" "$A" "$B"
  RECONCILE_DB='env' # as the chart passes the database
  db_at "$OLD2"
  local value='round trip: "quoted" & ünïcode'
  af "$OLD2" connections add e2e_metadata --conn-type postgres --conn-host db.example.invalid --conn-port 5432 \
    --conn-schema airflow --conn-login reader --conn-password 'conn-secret'
  af "$OLD2" variables set e2e_variable "$value" --description "seeded by e2e"
  af "$OLD2" pools set e2e_pool 7 "seeded by e2e"
  af "$OLD2" dags reserialize
  af "$OLD2" dags trigger e2e_tiny --run-id e2e_queued_1
  af "$OLD2" dags trigger e2e_tiny --run-id e2e_queued_2
  af "$OLD2" dags test e2e_tiny 2024-02-01
  seeded_rows >"$SDIR/rows.txt"
  # Guard against a seed that silently wrote nothing: 1 connection, 1 variable, 1 pool, 3 runs, 3 task instances.
  [[ $(wc -l <"$SDIR/rows.txt") -eq 9 ]] || fail "seeding through the CLI left $(wc -l <"$SDIR/rows.txt") rows, not 9"
  grep -q '^task_instance|e2e_tiny|manual__[^|]*|noop|success|' "$SDIR/rows.txt" \
    || fail "airflow dags test left no successful task instance"

  move_and_check up1 "$OLD2" "$A" upgrade
  move_and_check up2 "$A" "$B" upgrade
  expect_variable "$B" "$value"
  move_and_check down1 "$B" "$A" downgrade
  move_and_check down2 "$A" "$OLD2" downgrade
  expect_variable "$OLD2" "$value"
  af "$OLD2" connections get e2e_metadata -o json >"$SDIR/connection.json"
  grep -q 'conn-secret' "$SDIR/connection.json" || fail "Airflow $OLD2 cannot decrypt the connection's password"
}

# move_and_check NAME CURRENT TARGET ACTION: both chart jobs, then the head and the seeded rows.
move_and_check() {
  reconcile "$1" "$2" "$3" --allow-downgrade
  expect_plan "$1" 0 "$4"
  migrate "$3"
  expect_head "$3"
  expect_rows_survived "$1" "after the $4 from $2 to $3"
}

expect_variable() { # expect_variable VERSION VALUE: that release decrypts and reads the seeded variable
  local read
  read=$(af "$1" variables get e2e_variable 2>/dev/null | tail -n 1)
  [[ $read == "$2" ]] || fail "Airflow $1 reads the variable back as '$read', not '$2'"
}

expect_undo_starts_at() { # expect_undo_starts_at NAME VERSION: the first revision undone is that release's head
  local first
  first=$(plan_field "$1" revisionsToUndo | python3 -c 'import json, sys; u = json.load(sys.stdin); print(u[0]["revision"] if u else "<none>")')
  [[ $first == "$(map_head "$2")" ]] || fail "the plan undoes $first first, not Airflow $2's head $(map_head "$2")"
}

# MySQL's protocol through Debian's MariaDB (MySQL 8 is on none of the registries this runs with). Airflow documents
# MariaDB as unsupported; its migrations between these releases run on MariaDB 10.11 all the same.
scenario_10() {
  BACKEND=mariadb
  need_venv "$A-mysql" "$B-mysql"
  [[ -n $MARIADB_UP ]] || fail "MariaDB did not start: $(tail -n 3 "$WORK/mariadb.log" | tr '\n' ' ')"
  mariadb_root -e "CREATE DATABASE \`$DB\`"
  migrate "$B"
  expect_head "$B"
  reconcile plan "$B" "$A" --allow-downgrade
  expect_plan plan 0 downgrade
  expect_undo_starts_at plan "$B"
  expect_head "$A"
  migrate "$A"
  expect_head "$A"
  check_migrations "$A"
}

scenario_11() {
  # Airflow 3.1.8 cannot undo 808787349f22 with a row in deadline: its downgrade adds the NOT NULL column callback
  # without a default (PostgreSQL: "column callback of relation deadline contains null values"), so deadline stays
  # empty here.
  SEED_SKIP=deadline dataloss_proof "$B" "$A" --reserialize-with "$(airflow_bin "$A")"
  grep -qF "running $(airflow_bin "$A") dags reserialize" "$SDIR/down.err" \
    || fail "the downgrade did not run Airflow $A's dags reserialize: $(tail -n 2 "$SDIR/down.err" | tr '\n' ' ')"
}

scenario_12() {
  dataloss_proof "$A" "$OLD2"
}

# dataloss_proof CURRENT TARGET [RUN EXTRA...]: seeds rows into every table the plan says the downgrade drops, then
# checks on the real releases that the plan counts them (and the dropped columns' values) as the database holds them,
# that --max-rows-lost one below the total refuses with exit 3 and nothing written, and, from the catalog before and
# after the real downgrade, that every table and column that disappeared was predicted; reports what did not drop.
dataloss_proof() {
  local current=$1 target=$2 lost loss=(python3 "$REPO/scripts/e2e/e2e_dataloss.py")
  shift 2
  need_venv "$current" "$target"
  db_at "$current"
  preview scope "$target"
  "${loss[@]}" seed-sql "$SDIR/scope.json" "${SEED_SKIP:-}" | psql_db "$DB" -f - 2>&1 | tee "$SDIR/seed.log"
  preview plan "$target"
  "${loss[@]}" catalog-sql | psql_db "$DB" -At -f - >"$SDIR/before.txt"
  "${loss[@]}" count-sql "$SDIR/before.txt" | psql_db "$DB" -At -f - >"$SDIR/counts-before.txt"
  lost=$(plan_field plan dataLoss | python3 -c 'import json, sys; print(sum(t["rows"] for t in json.load(sys.stdin)["tables"]))')
  [[ $lost -gt 0 ]] || fail "nothing seeded: the plan counts no row in the tables the downgrade drops"
  snapshot "$SDIR/before.sql"
  reconcile refused "$current" "$target" --allow-downgrade --max-rows-lost "$((lost - 1))"
  expect_plan refused 3 downgrade
  grep -qF "would delete" "$SDIR/refused.err" && grep -qF "more than --max-rows-lost $((lost - 1))" "$SDIR/refused.err" \
    || fail "the refusal does not say what it would delete: $(tail -n 1 "$SDIR/refused.err")"
  expect_unchanged "$SDIR/before.sql" "a downgrade over --max-rows-lost"
  reconcile down "$current" "$target" --allow-downgrade --max-rows-lost "$lost" "$@"
  expect_plan down 0 downgrade
  expect_head "$target"
  "${loss[@]}" catalog-sql | psql_db "$DB" -At -f - >"$SDIR/after.txt"
  "${loss[@]}" count-sql "$SDIR/after.txt" | psql_db "$DB" -At -f - >"$SDIR/counts-after.txt"
  "${loss[@]}" compare "$SDIR/plan.json" "$SDIR/before.txt" "$SDIR/after.txt" "$SDIR/counts-before.txt" \
    "$SDIR/counts-after.txt" "${SEED_SKIP:-}" \
    | tee "$SDIR/report.txt" || fail "$(grep '^PROBLEM' "$SDIR/report.txt" | head -n 3 | paste -sd '|')"
}

# preview NAME TARGET: the plan against this scenario's database, as NOTES.txt shows it, as JSON in $SDIR/NAME.json.
preview() {
  java -jar "$JAR" plan --map "$MAP" --target-version "$2" --db-url "$(sqlalchemy_url "$DB")" --output json \
    >"$SDIR/$1.json" 2>"$SDIR/$1.err" || fail "plan exited $?: $(tail -n 1 "$SDIR/$1.err")"
}
