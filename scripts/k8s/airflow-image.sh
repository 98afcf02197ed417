#!/usr/bin/env bash
# Builds an image of one real Airflow release from its e2e virtualenv (scripts/e2e/venvs.sh), without Docker or a
# base image: a static busybox for the shell, the Python runtime the venv was made with, the C libraries they link,
# and the venv itself at the same path (venvs are not relocatable). Like the official image, it runs as airflow
# (50000, group 0) and its entrypoint runs `airflow ARGS` for Airflow subcommands and other commands as given.
#
#   scripts/k8s/airflow-image.sh VERSION OUTPUT.tar      image tag: local/airflow:VERSION
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
VERSION=${1:?usage: $0 VERSION OUTPUT.tar}
OUTPUT=${2:?usage: $0 VERSION OUTPUT.tar}
# shellcheck source=scripts/e2e/venvs.sh
source "$REPO/scripts/e2e/venvs.sh"
VENV=$(venv_dir "$VERSION")
[[ -f $VENV/.e2e-complete ]] || { echo "airflow-image: no complete venv for $VERSION at $VENV" >&2; exit 1; }
PYTHON_HOME=$(dirname "$(sed -n 's/^home = //p' "$VENV/pyvenv.cfg")")
PYTHON_LIB=$(compgen -G "$PYTHON_HOME/lib/python3.*" | head -n 1)

# Bytecode once, in the cached venv: every pod would otherwise compile Airflow again on a read-only file system.
if [[ ! -f $VENV/.compiled ]]; then
  "$VENV/bin/python" -m compileall -q -j 2 "$VENV/lib" >/dev/null 2>&1 || true
  touch "$VENV/.compiled"
fi

BASE=$(mktemp -d "${TMPDIR:-/tmp}/airflow-image.XXXXXX")
trap 'rm -rf "$BASE"' EXIT
mkdir -p "$BASE/bin" "$BASE/etc" "$BASE/tmp" "$BASE/opt/airflow" "$BASE/home/airflow"
chmod 1777 "$BASE/tmp"
chmod 0777 "$BASE/opt/airflow" "$BASE/home/airflow"
cp /bin/busybox "$BASE/bin/busybox"
for applet in $(/bin/busybox --list); do [[ $applet == busybox ]] || ln -s busybox "$BASE/bin/$applet"; done
printf 'root:x:0:0::/root:/bin/sh\nairflow:x:50000:0::/home/airflow:/bin/sh\n' >"$BASE/etc/passwd"
printf 'root:x:0:airflow\n' >"$BASE/etc/group"
# The C libraries of the interpreter and of every extension module, except those the venv bundles itself.
for library in $( { ldd "$PYTHON_HOME/bin/python3"; find "$PYTHON_LIB/lib-dynload" "$VENV" -name '*.so*' -exec ldd {} \; ; } \
    2>/dev/null | grep -o '/[^ ]*\.so[^ ]*' | grep -v -e "^$VENV" -e "^$PYTHON_HOME" | sort -u); do
  mkdir -p "$BASE$(dirname "$library")" && cp -L "$library" "$BASE$library"
done
cat >"$BASE/entrypoint" <<'SCRIPT'
#!/bin/sh
# As the official image: a known command runs as it is, anything else is an airflow subcommand.
case "$1" in
  airflow|python|python3|sh|bash|"") [ $# -gt 0 ] && exec "$@" || exec sh ;;
  *) exec airflow "$@" ;;
esac
SCRIPT
chmod 755 "$BASE/entrypoint"

python3 "$REPO/scripts/k8s/image.py" --tag "local/airflow:$VERSION" --output "$OUTPUT" \
  --layer "$BASE" --layer "$PYTHON_HOME/bin=$PYTHON_HOME/bin,$PYTHON_HOME/lib=$PYTHON_HOME/lib" --layer "$VENV=$VENV" \
  --exclude "$PYTHON_LIB/site-packages" --exclude "$PYTHON_LIB/test" --exclude "$PYTHON_LIB/idlelib" \
  --exclude "$PYTHON_LIB/tkinter" --exclude "$PYTHON_LIB/ensurepip" --exclude "$PYTHON_HOME/lib/pkgconfig" \
  --user 50000:0 --workdir /opt/airflow --entrypoint '["/entrypoint"]' --cmd '["--help"]' \
  --env "PATH=$VENV/bin:/usr/local/bin:/usr/bin:/bin" --env AIRFLOW_HOME=/opt/airflow --env HOME=/home/airflow
