# shellcheck shell=bash
# Settings and helpers of the real-cluster harness (sourced). Builds are cached under
# ~/.cache/airflow-db-reconcile/k8s; a running cluster lives in K8S_STATE (default /tmp/adr-k8s).
set -euo pipefail
K8S_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/k8s/versions.env
source "$K8S_DIR/versions.env"

K8S_CACHE=${K8S_CACHE:-$HOME/.cache/airflow-db-reconcile/k8s}
K8S_BIN=$K8S_CACHE/bin
export GOMODCACHE=${GOMODCACHE:-$K8S_CACHE/gomod} GOCACHE=${GOCACHE:-$K8S_CACHE/gocache}
export GOFLAGS=-buildvcs=false CGO_ENABLED=0
export PATH=$K8S_BIN:$PATH:/usr/local/go/bin
# Short on purpose: containerd's socket path must stay under 108 bytes.
K8S_STATE=${K8S_STATE:-/tmp/adr-k8s}
K8S_SOCK=$K8S_STATE/containerd.sock

# The API server must advertise a non-loopback address, so the node gets its own bridge.
NODE_BRIDGE=adrk8s0
NODE_IP=10.251.0.1
POD_BRIDGE=adrk8spods0
POD_CIDR=10.245.0.0/24
SERVICE_CIDR=10.97.0.0/24
API_SERVICE_IP=10.97.0.1
DNS_SERVICE_IP=10.97.0.10
NODE_NAME=adr-node
PAUSE_IMAGE=registry.k8s.io/pause:$PAUSE_TAG
COREDNS_IMAGE=local/coredns:${COREDNS_VERSION#v}

k8s_log() { printf 'k8s: %s\n' "$*" >&2; }
k8s_die() { printf 'k8s: %s\n' "$*" >&2; exit 1; }
ctr_k8s() { ctr --address "$K8S_SOCK" -n k8s.io "$@"; }

require_go() {
  command -v go >/dev/null || k8s_die "no go on PATH: install Go >= $GO_MIN"
  local have; have=$(go env GOVERSION); have=${have#go}
  [[ $(printf '%s\n%s\n' "$GO_MIN" "$have" | sort -V | head -n 1) == "$GO_MIN" ]] \
    || k8s_die "go $have is older than $GO_MIN: install a newer Go"
}
