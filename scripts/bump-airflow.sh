#!/usr/bin/env bash
# Adds a new Airflow release to the revision maps and bumps the chart to it.
#
# Usage: bump-airflow.sh X.Y.Z
#   Downloads the release's wheel (and those of any final release between the newest mapped one and X.Y.Z),
#   generates maps/airflow-X.Y.Z.json from the newest map with mapgen --base, verifies it against the wheel,
#   then refreshes chart/files/revision-map.json and bumps chart/Chart.yaml: the annotation
#   airflow-db-reconcile.io/airflow-version to X.Y.Z, version minor+1 and appVersion to that same new version (the
#   release of the reconciler image the chart deploys, see scripts/release/version.sh).
#   The chart's airflowVersion has no default (operators must set it), so values.yaml is not touched.
#   Nothing is written unless every check passed. Running it again for the same version changes nothing.
# Env:  AIRFLOW_DB_RECONCILE_ROOT       repository to update (default: this script's repository)
#       AIRFLOW_DB_RECONCILE_ARTIFACTS  wheel cache, see download-artifacts.sh
#       MAPGEN_JAR                      mapgen jar (default ROOT/mapgen/target/mapgen.jar, built when missing)
#       PYPI_JSON_URL, PIP_*            where releases are listed and downloaded from, see download-artifacts.sh
set -euo pipefail

SCRIPTS="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "${AIRFLOW_DB_RECONCILE_ROOT:-$SCRIPTS/..}" && pwd)"
MAPS="$ROOT/maps"
CHART="$ROOT/chart"

die() { echo "bump-airflow: $*" >&2; exit 1; }

[[ $# -eq 1 && "$1" != -* ]] || { sed -n '4,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
VERSION="$1"

# Final releases only: a pre-release is never bundled in the chart's map.
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] \
  || die "'$VERSION' is not a final release version X.Y.Z; pre-releases and partial versions are not mapped"
[[ "$VERSION" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] \
  || die "'$VERSION' has leading zeros; write it as PyPI does, e.g. 3.1.0"

# Prints the versions given on stdin (one a line) in release order.
sort_versions() { sort -t. -k1,1n -k2,2n -k3,3n; }
# Succeeds when $1 is lower than $2.
version_lt() { [[ "$1" != "$2" && "$(printf '%s\n%s\n' "$1" "$2" | sort_versions | head -n 1)" == "$1" ]]; }

NEWEST="$(find "$MAPS" -maxdepth 1 -name 'airflow-*.json' -printf '%f\n' 2>/dev/null \
  | sed -n 's/^airflow-\([0-9]*\.[0-9]*\.[0-9]*\)\.json$/\1/p' | sort_versions | tail -n 1)"
[[ -n "$NEWEST" ]] || die "no maps/airflow-X.Y.Z.json in $ROOT to extend; generate the first one with mapgen"
version_lt "$VERSION" "$NEWEST" \
  && die "$VERSION is lower than the newest mapped release $NEWEST; only newer releases can be added"

[[ -f "$CHART/Chart.yaml" ]] || die "missing $CHART/Chart.yaml; the chart must exist before it can be bumped"

MAPGEN_JAR="${MAPGEN_JAR:-$ROOT/mapgen/target/mapgen.jar}"
if [[ ! -f "$MAPGEN_JAR" ]]; then
  echo "bump-airflow: building mapgen" >&2
  (cd "$ROOT" && mvn -B -q -ntp package -DskipTests -pl map-format,mapgen -am) >&2
fi
mapgen() { java -jar "$MAPGEN_JAR" "$@"; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
STAGE="$WORK/stage"   # every file to write, at its path relative to ROOT
mkdir -p "$STAGE/maps" "$STAGE/chart/files"

MAP="$MAPS/airflow-$VERSION.json"
if [[ "$VERSION" == "$NEWEST" ]]; then
  # Already mapped: only make sure the chart agrees with the map (a no-op when it does).
  cp "$MAP" "$STAGE/maps/airflow-$VERSION.json"
else
  # Every final release after the newest mapped one up to VERSION, so that none is skipped.
  "$SCRIPTS/download-artifacts.sh" --list >"$WORK/published" \
    || die "cannot list the published releases; check the network or PYPI_JSON_URL"
  grep -qxF "$VERSION" "$WORK/published" \
    || die "$VERSION is not a published Airflow release with a wheel on PyPI; check the version"
  mapfile -t NEW < <(while read -r v; do
      version_lt "$NEWEST" "$v" && ! version_lt "$VERSION" "$v" && echo "$v"
    done <"$WORK/published")
  echo "bump-airflow: adding ${NEW[*]} to the map of $NEWEST" >&2
  "$SCRIPTS/download-artifacts.sh" "${NEW[@]}" >"$WORK/wheels" \
    || die "cannot download the wheels of ${NEW[*]}; nothing was changed"
  mapfile -t WHEELS <"$WORK/wheels"
  mapgen generate --quiet --base "$MAPS/airflow-$NEWEST.json" --archive "${WHEELS[@]}" \
      --output "$STAGE/maps/airflow-$VERSION.json" >"$WORK/generate.log" 2>&1 \
    || { cat "$WORK/generate.log" >&2; die "mapgen could not add ${NEW[*]}; nothing was changed"; }
  # The wheel of VERSION carries upstream's own version->head table: the new map must agree with it.
  NEWEST_WHEEL="$(grep -F -- "-$VERSION-" "$WORK/wheels" | head -n 1)"
  mapgen verify "$STAGE/maps/airflow-$VERSION.json" --archive "$NEWEST_WHEEL" >"$WORK/verify.log" 2>&1 \
    || { cat "$WORK/verify.log" >&2
         die "the new map does not verify against $(basename "$NEWEST_WHEEL") (see above); nothing was changed"; }
  cat "$WORK/verify.log" >&2
fi
cp "$STAGE/maps/airflow-$VERSION.json" "$STAGE/chart/files/revision-map.json"

# Chart.yaml is edited line by line so that comments and layout survive.
python3 - "$CHART" "$STAGE/chart" "$VERSION" <<'EOF' || exit 1  # the script printed why
import pathlib, re, sys
src, dst, version = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]

AIRFLOW = "airflow-db-reconcile.io/airflow-version"  # the one key bumped below the top level, in annotations

def indent(key):
    return r"[ \t]+" if key == AIRFLOW else ""

def replace_line(text, key, value, path):
    # keeps the line's indentation and quoting style; only the value changes
    pattern = re.compile(rf'^({indent(key)}{re.escape(key)}:[ \t]*)(["\']?)[^"\'\s#]*\2', re.M)
    if len(pattern.findall(text)) != 1:
        sys.exit(f"bump-airflow: {path} needs exactly one '{key}:' line")
    return pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{value}{m.group(2)}", text)

def value_of(text, key):
    m = re.search(rf'^{indent(key)}{re.escape(key)}:[ \t]*["\']?([^"\'\s#]+)', text, re.M)
    return m.group(1) if m else None

chart = (src / "Chart.yaml").read_text()
if value_of(chart, AIRFLOW) != version:
    current = value_of(chart, "version")
    m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", current or "")
    if not m:
        sys.exit(f"bump-airflow: chart/Chart.yaml version '{current}' is not X.Y.Z")
    # A new Airflow release is a new feature of the chart: minor +1, and a new image of the same version.
    release = f"{m.group(1)}.{int(m.group(2)) + 1}.0"
    chart = replace_line(chart, "version", release, "chart/Chart.yaml")
    chart = replace_line(chart, "appVersion", release, "chart/Chart.yaml")
    chart = replace_line(chart, AIRFLOW, version, "chart/Chart.yaml")
(dst / "Chart.yaml").write_text(chart)
EOF

# Everything checked: move the staged files into place, touching only those that differ.
changed=0
while IFS= read -r rel; do
  if ! cmp -s "$STAGE/$rel" "$ROOT/$rel"; then
    mkdir -p "$(dirname "$ROOT/$rel")"
    # cat, not cp: the new file gets the usual mode, not the 0600 of mapgen's temporary output
    cat "$STAGE/$rel" >"$ROOT/$rel.bump-tmp" && mv "$ROOT/$rel.bump-tmp" "$ROOT/$rel"
    echo "bump-airflow: updated $rel" >&2
    changed=1
  fi
done < <(cd "$STAGE" && find . -type f -printf '%P\n' | sort)
if [[ $changed -eq 0 ]]; then
  echo "bump-airflow: already at $VERSION; nothing to change" >&2
fi
