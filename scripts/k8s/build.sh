#!/usr/bin/env bash
# Builds the cluster's binaries from the Go module proxy into ~/.cache/airflow-db-reconcile/k8s/bin:
# kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl, etcd, crictl, helm,
# coredns. A binary is rebuilt only when its pinned version (versions.env) changes.
# shellcheck source=scripts/k8s/common.sh
source "$(dirname "$0")/common.sh"
require_go
mkdir -p "$K8S_BIN" "$K8S_CACHE/src"
exec 9>"$K8S_CACHE/build.lock"
flock 9

built() { [[ -x $K8S_BIN/$1 && $(cat "$K8S_BIN/.$1.version" 2>/dev/null) == "$2" ]]; }
stamp() { printf '%s' "$2" >"$K8S_BIN/.$1.version"; }
timed() { local label=$1 start=$SECONDS; shift; "$@"; k8s_log "$label built in $((SECONDS - start)) s"; }
quiet_go() { "$@" 2>&1 | { grep -v '^go: downloading' || true; }; return "${PIPESTATUS[0]}"; }

# k8s.io/kubernetes is not meant to be required as a module: its go.mod points every staging module at ./staging.
# A wrapper module requires it and redirects each staging module to its published v0.x twin. The proxy refuses
# three sample modules that no command imports; they become empty local modules.
build_kubernetes() {
  local src=$K8S_CACHE/src/kubernetes staging=v0.${K8S_VERSION#v1.} gomod module
  rm -rf "$src" && mkdir -p "$src"
  gomod=$(cd / && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [[ -f $gomod ]] || k8s_die "the Go module proxy did not serve k8s.io/kubernetes@$K8S_VERSION"
  {
    printf 'module adrkubernetes\n\ngo %s\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$GO_MIN.0" "$K8S_VERSION"
    for module in $(awk '/=> .\/staging\/src/ {print $1}' "$gomod" | sort -u); do
      if (cd / && go mod download "$module@$staging" >/dev/null 2>&1); then
        printf '\t%s => %s %s\n' "$module" "$module" "$staging"
      else
        mkdir -p "$src/empty/$module" && printf 'module %s\n' "$module" >"$src/empty/$module/go.mod"
        printf '\t%s => ./empty/%s\n' "$module" "$module"
      fi
    done
    printf ')\n'
  } >"$src/go.mod"
  printf '//go:build tools\n\npackage adrkubernetes\n\nimport (\n' >"$src/tools.go"
  for cmd in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
    printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$cmd" >>"$src/tools.go"
  done
  printf ')\n' >>"$src/tools.go"
  local minor=${K8S_VERSION#v1.} flags="-s -w" package
  minor=${minor%%.*}
  for package in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $package.gitVersion=$K8S_VERSION -X $package.gitMajor=1 -X $package.gitMinor=$minor"
    flags+=" -X $package.gitTreeState=clean -X $package.buildDate=1970-01-01T00:00:00Z"
  done
  (cd "$src" && quiet_go go mod tidy && quiet_go nice go build -trimpath -ldflags "$flags" -o "$K8S_BIN/" \
    k8s.io/kubernetes/cmd/{kube-apiserver,kube-controller-manager,kube-scheduler,kubelet,kube-proxy,kubectl})
  for cmd in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
    stamp "$cmd" "$K8S_VERSION"
  done
}

# etcd's module root has no main package: a one-function wrapper calls the same entry point.
build_etcd() {
  local src=$K8S_CACHE/src/etcd
  rm -rf "$src" && mkdir -p "$src"
  printf 'module adretcd\n\ngo %s\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$GO_MIN.0" "$ETCD_VERSION" >"$src/go.mod"
  printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' \
    >"$src/main.go"
  (cd "$src" && quiet_go go mod tidy && quiet_go nice go build -trimpath -ldflags '-s -w' -o "$K8S_BIN/etcd" .)
  stamp etcd "$ETCD_VERSION"
}

go_install() { # go_install NAME VERSION PACKAGE LDFLAGS
  GOBIN=$K8S_BIN quiet_go nice go install -trimpath -ldflags "$4" "$3@$2"
  stamp "$1" "$2"
}

built kubelet "$K8S_VERSION" && built kubectl "$K8S_VERSION" && built kube-apiserver "$K8S_VERSION" \
  || timed kubernetes build_kubernetes
built etcd "$ETCD_VERSION" || timed etcd build_etcd
built helm "$HELM_VERSION" || timed helm go_install helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm \
  "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
built crictl "$CRICTL_VERSION" || timed crictl go_install crictl "$CRICTL_VERSION" sigs.k8s.io/cri-tools/cmd/crictl \
  "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=${CRICTL_VERSION#v}"
built coredns "$COREDNS_VERSION" || timed coredns go_install coredns "$COREDNS_VERSION" github.com/coredns/coredns "-s -w"
k8s_log "binaries ready in $K8S_BIN"
