#!/usr/bin/env bash
# Downloads the Airflow release wheels that carry the migration files, for mapgen:
# apache-airflow wheels for 2.x, apache-airflow-core wheels for 3.x (from 3.0 apache-airflow is a meta-package).
#
# Usage: download-artifacts.sh VERSION...   download these final releases
#        download-artifacts.sh --all        download every final release from 2.0.0 to the newest on PyPI
#        download-artifacts.sh --list       print every final release from 2.0.0 on, oldest first, download nothing
# Env:   AIRFLOW_DB_RECONCILE_ARTIFACTS     cache folder (default ~/.cache/airflow-db-reconcile/artifacts)
#        DOWNLOAD_JOBS                      parallel downloads (default 4)
#        PYPI_JSON_URL                      PyPI JSON API base (default https://pypi.org/pypi)
# pip's own env (PIP_INDEX_URL, PIP_NO_INDEX, PIP_FIND_LINKS) picks the source; tests use a local folder.
# Files already in the cache are not downloaded again. Prints the cached path of each requested wheel.
set -euo pipefail

CACHE="${AIRFLOW_DB_RECONCILE_ARTIFACTS:-$HOME/.cache/airflow-db-reconcile/artifacts}"
JOBS="${DOWNLOAD_JOBS:-4}"
PYPI="${PYPI_JSON_URL:-https://pypi.org/pypi}"

die() { echo "download-artifacts: $*" >&2; exit 1; }

usage() { sed -n '5,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# Final releases only (X.Y.Z): pre-releases and dev builds never run in production and are not mapped.
is_final() { [[ "$1" =~ ^([2-9]|[1-9][0-9]+)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]]; }

list_releases() {
  python3 - "$PYPI" <<'EOF'
import json, re, sys, urllib.request
base = sys.argv[1].rstrip("/")
def finals(pkg, keep):
    with urllib.request.urlopen(f"{base}/{pkg}/json", timeout=60) as r:
        releases = json.load(r)["releases"]
    out = set()
    for v, files in releases.items():
        m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", v)
        # a release with no wheel cannot be mapped from a wheel; yanked releases stay: images of them exist
        if m and keep(int(m.group(1))) and any(f["packagetype"] == "bdist_wheel" for f in files):
            out.add(tuple(map(int, m.groups())))
    return out
versions = finals("apache-airflow", lambda major: major == 2) | finals("apache-airflow-core", lambda major: major >= 3)
for v in sorted(versions):
    print(".".join(map(str, v)))
EOF
}

package_of() { if [[ "${1%%.*}" == 2 ]]; then echo apache-airflow; else echo apache-airflow-core; fi; }

cached_wheel() {
  local dist; dist="$(package_of "$1" | tr - _)"
  compgen -G "$CACHE/${dist}-$1-*.whl" | head -n 1 || true
}

download_one() {
  local version="$1" pkg found log
  found="$(cached_wheel "$version")"
  if [[ -n "$found" ]]; then echo "$found"; return 0; fi
  pkg="$(package_of "$version")"
  log="$(mktemp)"
  # --ignore-requires-python: old wheels declare Pythons this machine may not have; only their files are read
  if ! python3 -m pip download --quiet --no-deps --only-binary=:all: --ignore-requires-python \
      -d "$CACHE" "${pkg}==${version}" >"$log" 2>&1; then
    # one line: pip's first error says why (no such version, no network, ...)
    echo "download-artifacts: cannot download ${pkg}==${version}: $( (grep -m 1 -E '^ERROR' "$log" || tail -n 1 "$log") | sed 's/ (from versions:.*//')" >&2
    rm -f "$log"; return 1
  fi
  rm -f "$log"
  found="$(cached_wheel "$version")"
  [[ -n "$found" ]] || { echo "download-artifacts: pip reported success but no ${pkg} ${version} wheel is in $CACHE" >&2; return 1; }
  echo "$found"
}

[[ $# -gt 0 ]] || usage
case "$1" in
  -h|--help) usage ;;
  --list) [[ $# -eq 1 ]] || usage; list_releases; exit 0 ;;
  --all) [[ $# -eq 1 ]] || usage; mapfile -t versions < <(list_releases)
         [[ ${#versions[@]} -gt 0 ]] || die "PyPI listed no final release" ;;
  *) versions=("$@") ;;
esac
for v in "${versions[@]}"; do
  is_final "$v" || die "'$v' is not a final Airflow release (X.Y.Z, 2.0.0 or later); pre-releases are not mapped"
done

mkdir -p "$CACHE"
export CACHE
export -f download_one cached_wheel package_of
# xargs exits 123 when any download failed; every failure has already said which version.
# shellcheck disable=SC2016  # $1 is expanded by the child shell
printf '%s\n' "${versions[@]}" | xargs -P "$JOBS" -I{} bash -c 'download_one "$1"' _ {} \
  || die "some downloads failed; see above"
