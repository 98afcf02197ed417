# shellcheck shell=bash
# Virtualenvs of real Airflow releases from PyPI, built with a pinned uv and cached between runs.
# Sourced by scripts/e2e.sh.

E2E_CACHE=${E2E_CACHE:-$HOME/.cache/airflow-db-reconcile}
UV_VERSION=0.13.9
UV_BIN=$E2E_CACHE/tools/uv-$UV_VERSION/bin/uv
export UV_CACHE_DIR=${UV_CACHE_DIR:-$E2E_CACHE/uv}
# Only the machine's interpreters: the network reaches PyPI, not python-build-standalone.
export UV_PYTHON_DOWNLOADS=never

# The releases the scenarios use: version | --exclude-newer | requirements.
# Airflow's constraint files live on GitHub; resolving as of the day after the release (so all of the release's own
# files are in) is the substitute, and it keeps each venv reproducible. Dates are from PyPI's upload_time.
# 3.0.6 carries the FAB provider: its downgrade below 3.0 recreates the FAB tables 2.x expects and fails without it.
# A "-mysql" row is the same release with the MySQL drivers Airflow 3 needs for a mysql:// URL, for the MariaDB
# scenario: mysqlclient (its settings refuse to start without MySQLdb, even with PyMySQL) and aiomysql (its async
# engine). A venv of its own, so the PostgreSQL ones stay as they are. mysqlclient builds from its sdist against
# Debian's libmariadb-dev (scripts/e2e/mariadb.sh installs it).
E2E_RELEASES=(
  "2.10.5|2025-02-11T00:00:00Z|apache-airflow[postgres]==2.10.5"
  "3.0.6|2025-08-30T00:00:00Z|apache-airflow[postgres]==3.0.6 apache-airflow-providers-fab"
  "3.1.8|2026-03-12T00:00:00Z|apache-airflow[postgres]==3.1.8"
  "3.3.2|2026-09-18T00:00:00Z|apache-airflow[postgres]==3.3.2"
  "3.0.6-mysql|2025-08-30T00:00:00Z|apache-airflow[postgres]==3.0.6 apache-airflow-providers-fab mysqlclient aiomysql"
  "3.1.8-mysql|2026-03-12T00:00:00Z|apache-airflow[postgres]==3.1.8 mysqlclient aiomysql"
)
# Every release above supports 3.11; the others are fallbacks, in order of preference.
E2E_PYTHONS=(3.11 3.12 3.10)

release_field() { # release_field VERSION FIELD(1..3)
  local row
  for row in "${E2E_RELEASES[@]}"; do
    [[ ${row%%|*} == "$1" ]] && { cut -d'|' -f"$2" <<<"$row"; return 0; }
  done
  return 1
}

venv_dir() { printf '%s/venvs/%s' "$E2E_CACHE" "$1"; }
# airflow_bin VERSION: that release's airflow; under BACKEND=mariadb (scripts/e2e/lib.sh) the venv with MySQL drivers.
airflow_bin() {
  local suffix=
  [[ ${BACKEND:-postgres} == mariadb ]] && suffix=-mysql
  printf '%s/bin/airflow' "$(venv_dir "$1$suffix")"
}

find_python() {
  local minor candidate
  for minor in "${E2E_PYTHONS[@]}"; do
    for candidate in $(compgen -G "${PYENV_ROOT:-$HOME/.pyenv}/versions/$minor.*/bin/python$minor" | sort -V -r) \
        $(command -v "python$minor" || true); do
      [[ -x $candidate ]] && "$candidate" -c 'import venv' 2>/dev/null && { echo "$candidate"; return 0; }
    done
  done
  return 1
}

# Two runs on one machine (a developer's and CI's) must not build the same directory at once.
locked() { # locked NAME COMMAND...: runs the command holding an exclusive lock in the cache
  mkdir -p "$E2E_CACHE/locks"
  (
    flock 9
    "${@:2}"
  ) 9>"$E2E_CACHE/locks/$1.lock"
}

ensure_uv() { locked "uv-$UV_VERSION" build_uv; }
ensure_venv() { locked "venv-$1" build_venv "$@"; }

build_uv() {
  [[ -x $UV_BIN ]] && "$UV_BIN" --version >/dev/null 2>&1 && return 0
  local dir=$E2E_CACHE/tools/uv-$UV_VERSION
  rm -rf "$dir"
  python3 -m venv "$dir" && "$dir/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" \
    && "$UV_BIN" --version >/dev/null
}

# Builds (or reuses) the venv of one release. The marker holds the full spec and is written only after a smoke
# test, so a half-installed or differently specified venv is rebuilt.
build_venv() { # build_venv VERSION LOGFILE
  local version=$1 log=$2 dir exclude requirements python spec home
  dir=$(venv_dir "$version")
  if ! exclude=$(release_field "$version" 2) || ! requirements=$(release_field "$version" 3); then
    echo "no release $version in E2E_RELEASES" >"$log"
    return 1
  fi
  python=$(find_python) || { echo "no Python ${E2E_PYTHONS[*]} on this machine" >"$log"; return 1; }
  spec="python=$("$python" -c 'import platform; print(platform.python_version())') exclude-newer=$exclude uv=$UV_VERSION $requirements"
  if [[ -f $dir/.e2e-complete && $(cat "$dir/.e2e-complete") == "$spec" ]]; then
    echo "reusing $dir ($spec)" >"$log"
    return 0
  fi
  rm -rf "$dir"
  home=$(mktemp -d)
  # shellcheck disable=SC2086 # requirements is a space-separated list
  {
    echo "building $dir ($spec)"
    "$UV_BIN" venv --quiet --python "$python" "$dir" \
      && VIRTUAL_ENV=$dir "$UV_BIN" pip install --exclude-newer "$exclude" $requirements \
      && AIRFLOW_HOME=$home "$dir/bin/airflow" version >"$home/version" \
      && cat "$home/version" && grep -qx "${version%%-*}" "$home/version" \
      && printf '%s' "$spec" >"$dir/.e2e-complete"
  } >"$log" 2>&1
  local rc=$?
  rm -rf "$home"
  return $rc
}
