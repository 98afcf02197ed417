#!/usr/bin/env bash
# Cold start to a decision: plan 3.3.2 -> 3.2.2 against a real PostgreSQL at 3.3.2's head, the decision every hook run
# makes first. CPU (user + sys), wall and peak RSS, medians of N runs, for
#   image      the image Maven built, in its own JVM mode (jvm.options, the class-data archive), run in its file tree;
#   plain JVM  the same jar with the host's java and no flags;
#   Python     a process importing Airflow 3.3.2 to make the same decision with Airflow's own alembic scripts
#              (airflow_decide.py; the other way to do it), in the e2e virtualenv.
# A benchmark, not a test: it only checks that every run decided a downgrade.
# Usage: resolver/bench/bench.sh [runs]   (after mvn -B package -DskipTests; as root, for the image's chroot)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUNS=${1:-10}
IMAGE=$REPO/resolver/target/airflow-db-reconcile-image.tar
JAR=$REPO/resolver/target/resolver.jar
MAP=$REPO/chart/files/revision-map.json
[[ -f $IMAGE && -f $JAR ]] || { echo "bench: build first: mvn -B package -DskipTests" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
# shellcheck source=../../scripts/e2e/pg.sh
source "$REPO/scripts/e2e/pg.sh"
# shellcheck source=../../scripts/e2e/venvs.sh
source "$REPO/scripts/e2e/venvs.sh"
WORK=$(mktemp -d)
trap 'pg_stop; rm -rf "$WORK"' EXIT

ensure_uv && ensure_venv 3.3.2 "$WORK/venv.log" >/dev/null || { cat "$WORK/venv.log" >&2; exit 1; }
pg_start
head=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["versions"]["3.3.2"]["head"])' "$MAP")
psql_db postgres -c "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY);
                     INSERT INTO alembic_version VALUES ('$head')"
export BENCH_DB_URL="postgresql://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/postgres"

# The image's file tree, run as a container runtime would: its own root, /proc and /dev (SCRAM's random numbers),
# the entrypoint's JVM flags.
mkdir -p "$WORK/image"
tar -xf "$IMAGE" -C "$WORK" --wildcards '*/layer.tar'
tar -xf "$WORK"/*/layer.tar -C "$WORK/image"
mkdir -p "$WORK/image/dev"
in_image=(unshare --mount --pid --fork -- sh -c
          'mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" && shift && exec chroot "$@"' sh
          "$WORK/image" "$WORK/image")
plan=(plan --map /etc/airflow-db-reconcile/revision-map.json --target-version 3.2.2 --db-url-env BENCH_DB_URL
      --output json)

# One run: "<cpu seconds> <wall seconds> <peak RSS KiB>", after checking that it decided a downgrade.
measure() {
  /usr/bin/time -f '%U %S %e %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" \
    || { cat "$WORK/out" "$WORK/err" >&2; exit 1; }
  grep -q 'downgrade' "$WORK/out" || { cat "$WORK/out" "$WORK/err" >&2; exit 1; }
  awk '{ printf "%.3f %.2f %d\n", $1 + $2, $3, $4 }' "$WORK/time"
}
declare -A CPU
report() { # report LABEL COMMAND...: one warm-up run for the page cache, then the medians
  local label=$1; shift
  measure "$@" >/dev/null
  for _ in $(seq "$RUNS"); do measure "$@"; done >"$WORK/runs"
  local mid=$(( (RUNS + 1) / 2 )) cpu wall rss
  cpu=$(cut -d' ' -f1 "$WORK/runs" | sort -n | sed -n "${mid}p")
  wall=$(cut -d' ' -f2 "$WORK/runs" | sort -n | sed -n "${mid}p")
  rss=$(cut -d' ' -f3 "$WORK/runs" | sort -n | sed -n "${mid}p")
  CPU[$label]=$cpu
  printf '%-10s CPU %.2f s (min %.2f)   wall %.2f s   peak RSS %d MiB\n' "$label" "$cpu" \
    "$(cut -d' ' -f1 "$WORK/runs" | sort -n | head -n 1)" "$wall" $((rss / 1024))
}

echo "plan 3.3.2 -> 3.2.2 against PostgreSQL, median of $RUNS runs; image $(du -m "$IMAGE" | cut -f1) MB"
report image "${in_image[@]}" /opt/java/bin/java @/app/jvm.options -jar /app/resolver.jar "${plan[@]}"
report "plain JVM" java -jar "$JAR" "${plan[@]/\/etc\/airflow-db-reconcile\/revision-map.json/$MAP}"
export AIRFLOW_HOME=$WORK/airflow
report Python "$(venv_dir 3.3.2)/bin/python" "$HERE/airflow_decide.py" \
  "postgresql+psycopg2://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/postgres" 3.2.2
awk -v p="${CPU[Python]}" -v i="${CPU[image]}" 'BEGIN { printf "Python / image CPU: %.1fx\n", p / i }'
