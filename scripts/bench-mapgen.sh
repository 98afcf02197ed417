#!/usr/bin/env bash
# Benchmark of `mapgen generate --git` on an Airflow-sized repository (not a test: figures only).
# Builds a repository with git fast-import (210 release tags, 420 migration files, 4200 commits), then times
#   1. a cold run over every tag, 2. a --base run that adds the last 10 tags to a map of the others,
#   3. the floor: reading each distinct migration blob once with `git cat-file --batch`.
# Usage: scripts/bench-mapgen.sh [TAGS MIGRATIONS COMMITS]
set -euo pipefail
cd "$(dirname "$0")/.."
tags=${1:-210} migrations=${2:-420} commits=${3:-4200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar=mapgen/target/mapgen.jar
[[ -f $jar ]] || mvn -B -q -ntp -pl map-format,mapgen -am package -DskipTests

git init -q --bare "$work/repo.git"
python3 scripts/bench/airflow_sized_repo.py "$tags" "$migrations" "$commits" | git -C "$work/repo.git" fast-import --quiet
echo "repository: $(git -C "$work/repo.git" tag | grep -c '^[0-9]') release tags, $(git -C "$work/repo.git" rev-list --count main) commits," \
  "$(git -C "$work/repo.git" rev-list --objects --all | grep -c 'migrations/versions/.*\.py$' || true) migration blob paths"

timed() {  # label, command...: prints wall seconds and peak RSS
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
  read -r secs kb <"$work/time"
  printf '%-34s %6.2f s  %5d MiB peak RSS\n' "$label" "$secs" "$((kb / 1024))"
}

last=$(git -C "$work/repo.git" tag | grep '^[0-9]' | sort -V | tail -1)
older=$(git -C "$work/repo.git" tag | grep '^[0-9]' | sort -V | head -n -10 | sed 's/\./\\./g' | paste -sd'|')
newer=$(git -C "$work/repo.git" tag | grep '^[0-9]' | sort -V | tail -10 | sed 's/\./\\./g' | paste -sd'|')
timed "mapgen generate --git (cold)" java -jar "$jar" generate --git "$work/repo.git" --output "$work/full.json" --quiet
java -jar "$jar" generate --git "$work/repo.git" --tags "$older" --output "$work/base.json" --quiet
timed "mapgen generate --base (+10 tags)" java -jar "$jar" generate --git "$work/repo.git" --tags "$newer" \
  --base "$work/base.json" --output "$work/extended.json" --quiet
cmp -s "$work/full.json" "$work/extended.json" && echo "--base result equals the full regeneration" \
  || { echo "--base result DIFFERS from the full regeneration" >&2; exit 1; }

for tag in $(git -C "$work/repo.git" tag | grep '^[0-9]'); do
  git -C "$work/repo.git" ls-tree -r "$tag" -- airflow/migrations/versions airflow-core/src/airflow/migrations/versions
done | awk '{print $3}' | sort -u >"$work/blobs"
echo "distinct migration blobs: $(wc -l <"$work/blobs") (newest tag $last)"
timed "floor: git cat-file --batch" sh -c "git -C '$work/repo.git' cat-file --batch <'$work/blobs'"
timed "JVM start alone: mapgen --version" java -jar "$jar" --version
