#!/usr/bin/env bash
# Builds the release tools (versions.env) from the Go module proxy into ~/.cache/airflow-db-reconcile/tools/bin
# and prints that directory. A tool is rebuilt only when its pinned version changes.
#
#   scripts/release/tools.sh [crane|cosign]...     (default: both)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/release/versions.env
source "$HERE/versions.env"
TOOLS=${RELEASE_TOOLS:-$HOME/.cache/airflow-db-reconcile/tools}
BIN=$TOOLS/bin
export GOMODCACHE=${GOMODCACHE:-$TOOLS/go/mod} GOCACHE=${GOCACHE:-$TOOLS/go/cache}
export GOFLAGS=-buildvcs=false CGO_ENABLED=0 PATH=$PATH:/usr/local/go/bin

log() { printf 'tools: %s\n' "$*" >&2; }
command -v go >/dev/null || { log "no go on PATH: install Go 1.26 or later to build crane and cosign"; exit 1; }
mkdir -p "$BIN"
exec 9>"$TOOLS/build.lock"
flock 9

install() { # install NAME VERSION PACKAGE LDFLAGS
  [[ -x $BIN/$1 && $(cat "$BIN/.$1.version" 2>/dev/null) == "$2" ]] && return
  local start=$SECONDS
  if ! GOBIN=$BIN nice go install -trimpath -ldflags "$4" "$3@$2" 2>&1 | { grep -v '^go: downloading' || true; }; then
    log "could not build $3@$2 from the Go module proxy (see above)"
    exit 1
  fi
  printf '%s' "$2" >"$BIN/.$1.version"
  log "$1 $2 built in $((SECONDS - start)) s"
}

tools=("$@")
[[ $# -gt 0 ]] || tools=(crane cosign)
for tool in "${tools[@]}"; do
  case $tool in
    crane) install crane "$CRANE_VERSION" github.com/google/go-containerregistry/cmd/crane "-s -w" ;;
    cosign) install cosign "$COSIGN_VERSION" github.com/sigstore/cosign/v3/cmd/cosign \
      "-s -w -X sigs.k8s.io/release-utils/version.gitVersion=$COSIGN_VERSION" ;;
    *) log "unknown tool '$tool': crane or cosign"; exit 2 ;;
  esac
done
echo "$BIN"
