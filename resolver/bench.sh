#!/usr/bin/env bash
# Cold start to decision: wall time and peak RSS of `java -jar resolver.jar plan --db-url ...` against a local
# PostgreSQL, plain and with an AppCDS archive. A benchmark, not a test: it asserts nothing.
# Usage: resolver/bench.sh [runs]   (build first: mvn -B -pl map-format,resolver package -DskipTests)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
jar=$here/target/resolver.jar
runs=${1:-10}
map=${MAP:-$(ls "$here"/../maps/airflow-*.json | sort -V | tail -1)}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
java=${JAVA:-java}

[ -f "$jar" ] || { echo "bench: $jar is missing: mvn -B -pl map-format,resolver package -DskipTests" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

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
  -o "-p $port -k $work -c listen_addresses=127.0.0.1" start >/dev/null

# The DB at the newest release's head, the target one release back: the full downgrade decision path.
read -r current target head < <(python3 - "$map" <<'PY'
import json, sys
versions = json.load(open(sys.argv[1]))["versions"]
def key(v):
    return tuple(int(p) for p in v.split("."))
finals = sorted((v for v in versions if all(p.isdigit() for p in v.split("."))), key=key)
newest = finals[-1]
older = [v for v in finals if versions[v]["head"] != versions[newest]["head"]][-1]
print(newest, older, versions[newest]["head"])
PY
)
"$pg_bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c \
  "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('$head')"
url="postgresql://postgres@127.0.0.1:$port/postgres"
plan=(plan --map "$map" --target-version "$target" --db-url "$url" --output json)

# One run: prints "<wall seconds> <peak RSS KiB>".
measure() {
  /usr/bin/time -v "$java" "$@" -jar "$jar" "${plan[@]}" >"$work/out.json" 2>"$work/time.txt"
  grep -q '"action" : "downgrade"' "$work/out.json" || { cat "$work/out.json" "$work/time.txt" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = t[n] + (n > 1 ? t[n-1] * 60 : 0) }
              /Maximum resident set size/ { r = $2 }
              END { print s, r }' "$work/time.txt"
}

# Median wall time and median peak RSS over the runs, after one warm-up run for the page cache.
report() {
  local label=$1; shift
  measure "$@" >/dev/null
  for _ in $(seq "$runs"); do measure "$@"; done >"$work/runs.txt"
  local mid=$(( (runs + 1) / 2 ))
  local walls rss
  walls=$(cut -d' ' -f1 "$work/runs.txt" | sort -n)
  rss=$(cut -d' ' -f2 "$work/runs.txt" | sort -n | sed -n "${mid}p")
  printf "%-36s wall median %.2f s (min %.2f, max %.2f)   peak RSS median %d MiB\n" "$label" \
    "$(sed -n "${mid}p" <<<"$walls")" "$(head -1 <<<"$walls")" "$(tail -1 <<<"$walls")" $(( rss / 1024 ))
}

echo "plan $current -> $target ($("$java" -version 2>&1 | head -1)), $runs runs each, map $(basename "$map")"
report "plain" -Xshare:auto
"$java" -XX:ArchiveClassesAtExit="$work/app.jsa" -jar "$jar" "${plan[@]}" >/dev/null 2>&1
report "AppCDS (-XX:SharedArchiveFile)" -XX:SharedArchiveFile="$work/app.jsa"
report "AppCDS + C1 only + SerialGC" -XX:SharedArchiveFile="$work/app.jsa" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
report "plain + C1 only + SerialGC" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
