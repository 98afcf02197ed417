#!/usr/bin/env bash
# Tests scripts/bump-airflow.sh with no network: fixture wheels served to pip from a folder, a fixture PyPI listing
# read through file://, and a temporary copy of the repository layout. Prints PASS/FAIL lines; fails if any failed.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT

export MAPGEN_JAR="${MAPGEN_JAR:-$REPO/mapgen/target/mapgen.jar}"
if [[ ! -f "$MAPGEN_JAR" ]]; then
  (cd "$REPO" && mvn -B -q -ntp package -DskipTests -pl map-format,mapgen -am)
fi

# Fixture releases. 2.1.1 adds no migration; 2.5.0's own table disagrees with its files; 3.0.0 is a core wheel that
# drops the old history for a squashed base standing for 2.1.0 (as 3.2.0 did for 2.6.2); 2.3.0rc1 is a pre-release.
python3 - "$T/wheels" <<'EOF'
import pathlib, sys, zipfile
out = pathlib.Path(sys.argv[1]); out.mkdir()

def mig(rev, down, version, text):
    declared = f'airflow_version = "{version}"\n' if version else ""
    return (f'"""{text}.\n\nRevision ID: {rev}\nRevises: {down}\n"""\nfrom alembic import op\n\n'
            f'revision = "{rev}"\ndown_revision = {down}\nbranch_labels = None\ndepends_on = None\n{declared}\n\n'
            'def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n')

base = {"e3a246e0dc1_current_schema.py": mig("e3a246e0dc1", "None", None, "current schema"),
        "0002_2_0_0_add_pool.py": mig("aaaa00000001", '"e3a246e0dc1"', "2.0.0", "Add pool")}
r210 = {**base, "0003_2_1_0_add_slots.py": mig("aaaa00000002", '"aaaa00000001"', "2.1.0", "Add slots")}
r220 = {**r210, "0004_2_2_0_add_note.py": mig("aaaa00000003", '"aaaa00000002"', "2.2.0", "Add note")}
rc = {**r220, "0005_2_3_0_draft.py": mig("aaaa00000004", '"aaaa00000003"', "2.3.0", "Draft")}
r250 = {**r220, "0005_2_5_0_add_owner.py": mig("aaaa00000005", '"aaaa00000003"', "2.5.0", "Add owner")}
r300 = {"0000_2_1_0_squashed_migrations.py": mig("ssss00000000", "None", "2.1.0", "Initial state of 2.1.0"),
        "0004_2_2_0_add_note.py": mig("aaaa00000003", '"ssss00000000"', "2.2.0", "Add note"),
        "0006_3_0_0_add_assets.py": mig("bbbb00000006", '"aaaa00000003"', "3.0.0", "Add assets")}
heads22 = {"2.0.0": "aaaa00000001", "2.1.0": "aaaa00000002", "2.2.0": "aaaa00000003"}
releases = [
    ("apache-airflow", "2.0.0", base, None),
    ("apache-airflow", "2.1.0", r210, None),
    ("apache-airflow", "2.1.1", r210, None),
    ("apache-airflow", "2.2.0", r220, heads22),
    ("apache-airflow", "2.3.0rc1", rc, None),
    ("apache-airflow", "2.5.0", r250, {**heads22, "2.5.0": "aaaa00000004"}),
    ("apache-airflow-core", "3.0.0", r300, {"2.1.0": "ssss00000000", "2.2.0": "aaaa00000003", "3.0.0": "bbbb00000006"}),
]
for name, version, migrations, heads in releases:
    dist = name.replace("-", "_")
    with zipfile.ZipFile(out / f"{dist}-{version}-py3-none-any.whl", "w") as z:
        info = f"{dist}-{version}.dist-info"
        z.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        z.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test-bump\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr("airflow/migrations/versions/__init__.py", "")
        for file, text in migrations.items():
            z.writestr(f"airflow/migrations/versions/{file}", text)
        if heads is not None:
            table = "".join(f'    "{v}": "{h}",\n' for v, h in heads.items())
            z.writestr("airflow/utils/db.py", f"import os\n\n_REVISION_HEADS_MAP: dict[str, str] = {{\n{table}}}\n")
        z.writestr(f"{info}/RECORD", "")
EOF

# publish V...: the PyPI JSON listing holds these versions (each with a wheel); the wheel itself may be missing.
publish() {
  python3 - "$T/pypi" "$@" <<'EOF'
import json, pathlib, sys
root, versions = pathlib.Path(sys.argv[1]), sys.argv[2:]
for pkg, pick in (("apache-airflow", lambda v: v.startswith("2.")), ("apache-airflow-core", lambda v: not v.startswith("2."))):
    (root / pkg).mkdir(parents=True, exist_ok=True)
    releases = {v: [{"packagetype": "bdist_wheel", "filename": f"{v}.whl"}] for v in versions if pick(v)}
    (root / pkg / "json").write_text(json.dumps({"releases": releases}))
EOF
}

# A repository layout whose newest map covers 2.0.0 .. 2.1.0, and a chart shaped like ours.
ROOT="$T/repo"
mkdir -p "$ROOT/maps" "$ROOT/chart/files"
java -jar "$MAPGEN_JAR" generate --quiet --archive "$T/wheels/apache_airflow-2.0.0-py3-none-any.whl" \
  "$T/wheels/apache_airflow-2.1.0-py3-none-any.whl" --output "$ROOT/maps/airflow-2.1.0.json"
cp "$ROOT/maps/airflow-2.1.0.json" "$ROOT/chart/files/revision-map.json"
cat >"$ROOT/chart/Chart.yaml" <<'EOF'
apiVersion: v2
name: airflow-db-reconcile
# the chart's own version
version: 0.1.0
appVersion: "0.1.0"
dependencies: []
annotations:
  airflow-db-reconcile.io/airflow-version: "2.1.0"
EOF
# No default airflowVersion to bump: operators set it.
cat >"$ROOT/chart/values.yaml" <<'EOF'
# -- The Airflow version being deployed. Required.
airflowVersion: ""

global:
  airflowVersion: ""
EOF
cat >"$ROOT/chart/values.schema.json" <<'EOF'
{
  "properties": {
    "global": {"properties": {"airflowVersion": {"default": "", "type": "string"}}},
    "airflowVersion": {"description": "The Airflow version being deployed. Required.", "default": "", "type": "string"}
  }
}
EOF

export AIRFLOW_DB_RECONCILE_ARTIFACTS="$T/cache" PYPI_JSON_URL="file://$T/pypi"
export PIP_NO_INDEX=1 PIP_FIND_LINKS="$T/wheels"
unset PIP_INDEX_URL PIP_EXTRA_INDEX_URL

failures=0
check() {  # check NAME COMMAND...: one PASS/FAIL line
  local name="$1"; shift
  if "$@"; then echo "PASS $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}
tree_sum() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum; }
bump() {  # bump ROOT VERSION: runs the script, leaving its exit code in $rc and stderr in $T/err
  rc=0
  AIRFLOW_DB_RECONCILE_ROOT="$1" "$REPO/scripts/bump-airflow.sh" "$2" >"$T/out" 2>"$T/err" || rc=$?
}
json() { python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print($2)" "$1"; }
same() { [[ "$1" == "$2" ]] || { echo "  expected '$2', got '$1'" >&2; return 1; }; }
# expect_refusal NAME VERSION MESSAGE: the bump fails naming the problem on its last line and changes nothing
expect_refusal() {
  local before; before="$(tree_sum "$ROOT")"
  bump "$ROOT" "$2"
  check "$1: exits non-zero" test "$rc" -ne 0
  check "$1: says '$3'" grep -qF -- "$3" <(tail -n 1 "$T/err")
  check "$1: changes nothing" same "$(tree_sum "$ROOT")" "$before"
}

publish 2.0.0 2.1.0 2.1.1 2.2.0 2.3.0rc1
old_map="$(sha256sum <"$ROOT/maps/airflow-2.1.0.json")"
cp "$ROOT/chart/values.yaml" "$T/values.yaml.before"
cp "$ROOT/chart/values.schema.json" "$T/values.schema.json.before"
bump "$ROOT" 2.2.0
cat "$T/err" >&2
check "new release: exits 0" test "$rc" -eq 0
MAP="$ROOT/maps/airflow-2.2.0.json"
check "new release: writes maps/airflow-2.2.0.json" test -f "$MAP"
check "new release: the map also covers 2.1.1, released in between" \
  same "$(json "$MAP" "' '.join(m['versions'])")" "2.0.0 2.1.0 2.1.1 2.2.0"
check "new release: 2.1.1 shares 2.1.0's head" same "$(json "$MAP" "m['versions']['2.1.1']['head']")" aaaa00000002
check "new release: 2.2.0's head is its new migration" same "$(json "$MAP" "m['versions']['2.2.0']['head']")" aaaa00000003
check "new release: the previous map is kept as it was" same "$(sha256sum <"$ROOT/maps/airflow-2.1.0.json")" "$old_map"
check "new release: the chart's copy equals the new map" cmp -s "$MAP" "$ROOT/chart/files/revision-map.json"
check "new release: newest Airflow annotation bumped" \
  grep -qx '  airflow-db-reconcile.io/airflow-version: "2.2.0"' "$ROOT/chart/Chart.yaml"
check "new release: chart version minor +1" grep -qx 'version: 0.2.0' "$ROOT/chart/Chart.yaml"
check "new release: appVersion follows the chart version" grep -qx 'appVersion: "0.2.0"' "$ROOT/chart/Chart.yaml"
check "new release: Chart.yaml comments kept" grep -qx '# the chart.s own version' "$ROOT/chart/Chart.yaml"
check "new release: values.yaml untouched (airflowVersion has no default)" \
  cmp -s "$T/values.yaml.before" "$ROOT/chart/values.yaml"
check "new release: values.schema.json untouched" cmp -s "$T/values.schema.json.before" "$ROOT/chart/values.schema.json"

before="$(tree_sum "$ROOT")"
bump "$ROOT" 2.2.0
check "same release again: exits 0" test "$rc" -eq 0
check "same release again: changes nothing" same "$(tree_sum "$ROOT")" "$before"
check "same release again: says so" grep -qF "nothing to change" "$T/err"

expect_refusal "partial version" 2.3 "not a final release"
expect_refusal "not a version" latest "not a final release"
expect_refusal "pre-release" 2.3.0rc1 "not a final release"
expect_refusal "lower version" 2.1.1 "lower than the newest mapped release 2.2.0"
expect_refusal "unpublished release" 2.9.0 "not a published Airflow release"
publish 2.0.0 2.1.0 2.1.1 2.2.0 2.4.0
expect_refusal "missing artifact" 2.4.0 "cannot download the wheels of 2.4.0"
publish 2.0.0 2.1.0 2.1.1 2.2.0 2.5.0
expect_refusal "upstream table disagrees" 2.5.0 "does not verify against apache_airflow-2.5.0-py3-none-any.whl"

publish 2.0.0 2.1.0 2.1.1 2.2.0 3.0.0
bump "$ROOT" 3.0.0
cat "$T/err" >&2
check "3.x core wheel with a squashed base: exits 0" test "$rc" -eq 0
MAP="$ROOT/maps/airflow-3.0.0.json"
check "3.x core wheel: floor is the squashed base" same "$(json "$MAP" "m['versions']['3.0.0']['floor']")" ssss00000000
check "3.x core wheel: 2.2.0 keeps the head of its own files" same "$(json "$MAP" "m['versions']['2.2.0']['head']")" aaaa00000003
check "3.x core wheel: chart version minor +1 again" grep -qx 'version: 0.3.0' "$ROOT/chart/Chart.yaml"
check "3.x core wheel: appVersion follows again" grep -qx 'appVersion: "0.3.0"' "$ROOT/chart/Chart.yaml"

# The real chart's files, when present, take the same edits and no other.
if [[ -f "$REPO/chart/Chart.yaml" && -f "$REPO/chart/values.yaml" ]]; then
  REAL="$T/real"
  mkdir -p "$REAL/maps" "$REAL/chart"
  cp "$ROOT/maps/airflow-2.1.0.json" "$REAL/maps/"
  for f in Chart.yaml values.yaml values.schema.json; do [[ -f "$REPO/chart/$f" ]] && cp "$REPO/chart/$f" "$REAL/chart/"; done
  publish 2.0.0 2.1.0 2.1.1 2.2.0
  bump "$REAL" 2.2.0
  check "real chart: exits 0" test "$rc" -eq 0
  changed="$(for f in Chart.yaml values.yaml values.schema.json; do
      [[ -f "$REPO/chart/$f" ]] && { diff "$REPO/chart/$f" "$REAL/chart/$f" || true; }; done | grep -c '^>' || true)"
  check "real chart: only version, appVersion and the Airflow annotation changed" same "$changed" 3
  check "real chart: Airflow annotation bumped" \
    grep -qx '  airflow-db-reconcile.io/airflow-version: "2.2.0"' "$REAL/chart/Chart.yaml"
fi

if [[ $failures -gt 0 ]]; then echo "test-bump: $failures failed"; exit 1; fi
echo "test-bump: all passed"
