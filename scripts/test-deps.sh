#!/usr/bin/env bash
# Installs what the integration tests need and a fresh machine lacks: the *IT tests start throwaway PostgreSQL
# clusters and a PgBouncer from Debian's (or Ubuntu's) server binaries; the image build (Maven's package phase) strips
# the runtime's native libraries with binutils. Needs root or sudo when something is missing.
set -euo pipefail
sudo=(); [[ $EUID -eq 0 ]] || sudo=(sudo)
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || ! command -v pgbouncer >/dev/null; then
  echo "installing the postgresql and pgbouncer packages for the integration tests" >&2
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql pgbouncer >/dev/null
fi
if ! command -v strip >/dev/null; then
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binutils >/dev/null
fi
