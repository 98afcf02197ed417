#!/usr/bin/env bash
# Writes resolver/image/classlist: the classes and lambda proxies the resolver loads on its usual paths (a plan and a
# status against a real PostgreSQL, in both output forms, and a plan from versions alone), from which build.sh dumps
# the image's class-data archive. A checked-in list keeps the image build free of a database and its archive the same
# on every machine. Run it after changing what a decision loads; ClassListTest fails when the list names a class the
# code no longer has.
#
#   resolver/image/train.sh      (after `mvn -B package -DskipTests`; installs PostgreSQL when missing, as root)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
JAR=$REPO/resolver/target/resolver.jar
MAP=$REPO/chart/files/revision-map.json
[[ -f $JAR ]] || { echo "train: no $JAR: run mvn -B package -DskipTests first" >&2; exit 1; }
# shellcheck source=../../scripts/e2e/pg.sh
source "$REPO/scripts/e2e/pg.sh"
WORK=$(mktemp -d)
trap 'pg_stop; rm -rf "$WORK"' EXIT
pg_start
head=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["versions"]["3.3.2"]["head"])' "$MAP")
psql_db postgres -c "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY);
                     INSERT INTO alembic_version VALUES ('$head')"
export TRAIN_DB_URL="postgresql://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/postgres"

runs=0
record() { # the JVM mode of the image (jvm.options without its archive), one class list per run
  runs=$((runs + 1))
  java $(grep -v SharedArchiveFile "$HERE/jvm.options") -XX:DumpLoadedClassList="$WORK/$runs.classlist" \
    -jar "$JAR" "$@" >/dev/null
}
from_db=(--map "$MAP" --db-url-env TRAIN_DB_URL)
record plan "${from_db[@]}" --target-version 3.2.2 --output json
record plan "${from_db[@]}" --target-version 3.2.2
record status "${from_db[@]}" --output json
record plan --map "$MAP" --current-version 3.1.8 --target-version 3.0.6
# The JVM's header once, then every line in the order first loaded; JDK 17 cannot archive dynamic proxies.
{ grep '^#' "$WORK/1.classlist"
  cat "$WORK"/[0-9]*.classlist | grep -v -e '^#' -e '/\$Proxy[0-9]*$' | awk '!seen[$0]++'; } >"$HERE/classlist"
echo "train: $(grep -vc '^#' "$HERE/classlist") entries in $HERE/classlist"
