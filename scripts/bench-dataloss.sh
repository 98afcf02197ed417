#!/usr/bin/env bash
# What counting a downgrade's data loss costs on a big table, and what the time budget buys: a benchmark, not a test
# (it asserts nothing). A throw-away PostgreSQL holds a database at Airflow 3.1.8's head whose hitl_detail (a table the
# 3.1.8 -> 3.0.6 downgrade drops) has ROWS rows; `plan --target-version 3.0.6` runs with several --count-budget values.
# Usage: scripts/bench-dataloss.sh [ROWS]   (default 10000000; build first: mvn -B -pl map-format,resolver -am package
#        -DskipTests)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
jar=$repo/resolver/target/resolver.jar
rows=${1:-10000000}
map=${MAP:-$(ls "$repo"/maps/airflow-*.json | sort -V | tail -1)}
pg_bin=${PG_BIN:-$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1)")}
[ -f "$jar" ] || { echo "bench: $jar is missing: mvn -B -pl map-format,resolver -am package -DskipTests" >&2; exit 1; }

work=$(mktemp -d)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  as_postgres "$pg_bin/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown postgres "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_postgres "$pg_bin/initdb" -D "$work/data" -U postgres -A trust --no-sync >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$work/data" -l "$work/pg.log" -w \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=256MB" start >/dev/null
psql_() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"; }

head=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["versions"]["3.1.8"]["head"])' "$map")
started=$SECONDS
psql_ -c "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)" \
  -c "INSERT INTO alembic_version VALUES ('$head')" \
  -c "CREATE TABLE hitl_detail (ti_id UUID PRIMARY KEY, options JSON NOT NULL, subject TEXT NOT NULL,
      body TEXT, responded_at TIMESTAMPTZ, chosen_options JSON)" \
  -c "INSERT INTO hitl_detail SELECT md5(i::text)::uuid, '[\"approve\", \"reject\"]', 'approve run ' || i,
      repeat('x', 40), now(), CASE WHEN i % 3 = 0 THEN '[\"approve\"]'::json END FROM generate_series(1, $rows) i" \
  -c "ANALYZE hitl_detail"
size=$(psql_ -At -c "SELECT pg_size_pretty(pg_total_relation_size('hitl_detail'))")
echo "bench: hitl_detail with $rows rows ($size) loaded and analysed in $((SECONDS - started)) s"
psql_ -At -c "SELECT 'bench: reltuples ' || reltuples::bigint FROM pg_class WHERE relname = 'hitl_detail'"
# The bare count, twice: the first reads the table into the page cache, the second is what a warm server does.
for run in cold warm; do
  ms=$( { psql_ -c '\timing on' -c 'SELECT count(*) FROM hitl_detail' | grep -o 'Time: [0-9.]*' | cut -d' ' -f2; } )
  echo "bench: SELECT count(*) ($run cache): $ms ms"
done

url="postgresql://postgres@127.0.0.1:$port/postgres"
printf '%-8s %-9s %-12s %s\n' budget wall rows estimated
for budget in 60 10 1 0; do
  start=$(date +%s.%N)
  java -jar "$jar" plan --map "$map" --target-version 3.0.6 --db-url "$url" --output json --count-budget "$budget" \
    >"$work/plan.json" 2>"$work/plan.err"
  end=$(date +%s.%N)
  python3 - "$work/plan.json" "$budget" "$start" "$end" <<'PY'
import json, sys
plan, budget, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
table = next(t for t in json.load(open(plan))["dataLoss"]["tables"] if t["table"] == "hitl_detail")
print(f"{budget + ' s':<8} {end - start:<9.2f} {table['rows']:<12} {str(table['estimated']).lower()}")
PY
done
