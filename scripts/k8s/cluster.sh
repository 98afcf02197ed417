#!/usr/bin/env bash
# A single-node Kubernetes cluster from the binaries build.sh made, as plain processes (no systemd, no kubeadm):
# containerd (Debian) with runc and the CNI bridge, etcd, kube-apiserver (RBAC), kube-controller-manager,
# kube-scheduler, kubelet, kube-proxy and CoreDNS. Images come from local tarballs, never from a registry.
#
#   cluster.sh up     install the Debian packages, build (cached), start, wait until the node is Ready and DNS answers
#   cluster.sh down   stop everything up started and undo its host changes (bridges, iptables chains, mounts, state)
#   cluster.sh env    print the line that points kubectl and helm at the cluster
# shellcheck source=scripts/k8s/common.sh
source "$(dirname "$0")/common.sh"
[[ $(id -u) -eq 0 ]] || k8s_die "must run as root (containerd, kubelet and the bridges need it)"
PKI=$K8S_STATE/pki
LOGS=$K8S_STATE/logs
PIDS=$K8S_STATE/pids
export KUBECONFIG=$PKI/admin.kubeconfig

install_packages() {
  local missing=() package
  for package in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  k8s_log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-upgrade "${missing[@]}" >/dev/null
}

# Host state before the first start, so that `down` removes only what this cluster added.
record_host() {
  [[ -f $K8S_STATE/host/chains ]] && return 0
  mkdir -p "$K8S_STATE/host"
  list_chains >"$K8S_STATE/host/chains"
  sysctl -n net.ipv4.ip_forward >"$K8S_STATE/host/ip_forward"
  for sysctl in vm.overcommit_memory kernel.panic kernel.panic_on_oops; do
    printf '%s=%s\n' "$sysctl" "$(sysctl -n "$sysctl")"
  done >"$K8S_STATE/host/sysctls"
}
list_chains() {
  local table
  for table in filter nat mangle; do
    iptables -w -t "$table" -S 2>/dev/null | awk -v t="$table" '/^-N (KUBE-|CNI-)/ {print t, $2}'
  done
}

launch() { # launch NAME COMMAND...: in its own session, logged, its PID recorded
  local name=$1; shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name"
}
wait_until() { # wait_until WHAT SECONDS COMMAND...
  local what=$1 deadline=$((SECONDS + $2)); shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      k8s_log "timed out waiting for $what; last lines of each component's log:"
      tail -n 5 "$LOGS"/*.log >&2 || true
      return 1
    fi
    sleep 0.5
  done
}

write_configs() {
  mkdir -p "$K8S_STATE/conf/cni"
  cat >"$K8S_STATE/conf/containerd.toml" <<EOF
version = 2
root = "$K8S_STATE/containerd/root"
state = "$K8S_STATE/containerd/state"
[grpc]
  address = "$K8S_SOCK"
[plugins."io.containerd.internal.v1.opt"]
  path = "$K8S_STATE/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  stream_server_address = "127.0.0.1"
  netns_mounts_under_state_dir = true
  # VMs without CAP_SYS_RESOURCE refuse the negative oom_score_adj the CRI gives sandboxes, even to root:
  # every pod then fails in runc with "can't get final child's PID from pipe".
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$K8S_STATE/conf/cni"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      BinaryName = "$(command -v runc)"
      Root = "$K8S_STATE/containerd/runc"
EOF
  cat >"$K8S_STATE/conf/cni/10-pods.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "adr-pods", "plugins": [
  {"type": "bridge", "bridge": "$POD_BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$K8S_STATE/ipam", "ranges": [[{"subnet": "$POD_CIDR"}]],
            "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
  # Nothing answers at the node address: pods that ask outside the cluster domain get no answer, as intended.
  echo "nameserver $NODE_IP" >"$K8S_STATE/conf/resolv.conf"
  cat >"$K8S_STATE/conf/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
healthzBindAddress: 127.0.0.1
authentication: {anonymous: {enabled: false}, webhook: {enabled: true}, x509: {clientCAFile: $PKI/ca.crt}}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$K8S_SOCK
clusterDomain: cluster.local
clusterDNS: [$DNS_SERVICE_IP]
resolvConf: $K8S_STATE/conf/resolv.conf
podLogsDir: $K8S_STATE/pod-logs
volumePluginDir: $K8S_STATE/kubelet-plugins
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
# The images exist only locally: garbage-collecting one would lose it for good.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF
}

make_pki() {
  [[ -f $PKI/admin.kubeconfig ]] && return 0
  mkdir -p "$PKI" && chmod 700 "$PKI"
  (
    cd "$PKI"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -subj /CN=adr-k8s-ca -days 30 -out ca.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null && openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    certificate() { # certificate NAME SUBJECT USAGE [SANS]
      openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
      printf 'extendedKeyUsage=%s\n%s' "$3" "${4:+subjectAltName=$4}" >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile "$1.ext" \
        -out "$1.crt" 2>/dev/null
      rm -f "$1.csr" "$1.ext"
    }
    certificate apiserver /CN=kube-apiserver serverAuth \
      "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:$NODE_IP,IP:$API_SERVICE_IP"
    certificate apiserver-kubelet /O=system:masters/CN=kube-apiserver-kubelet-client clientAuth
    certificate admin /O=system:masters/CN=kubernetes-admin clientAuth
    certificate controller-manager /CN=system:kube-controller-manager clientAuth
    certificate scheduler /CN=system:kube-scheduler clientAuth
    certificate kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" clientAuth
    certificate kube-proxy /CN=system:kube-proxy clientAuth
    for user in admin controller-manager scheduler kubelet kube-proxy; do
      KUBECONFIG=$user.kubeconfig kubectl config set-cluster adr --server="https://$NODE_IP:6443" \
        --certificate-authority=ca.crt --embed-certs >/dev/null
      KUBECONFIG=$user.kubeconfig kubectl config set-credentials "$user" --client-certificate="$user.crt" \
        --client-key="$user.key" --embed-certs >/dev/null
      KUBECONFIG=$user.kubeconfig kubectl config set-context adr --cluster=adr --user="$user" >/dev/null
      KUBECONFIG=$user.kubeconfig kubectl config use-context adr >/dev/null
    done
    chmod 600 ./*.key ./*.kubeconfig
  )
}

# The sandbox (pause) and CoreDNS images, written as tarballs and imported: no registry anywhere.
import_base_images() {
  local work=$K8S_STATE/images pause_source
  mkdir -p "$work/pause" "$work/coredns/etc"
  pause_source=$(cd / && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" \
    | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')/build/pause/linux/pause.c
  [[ -f $pause_source ]] || k8s_die "no pause.c in the k8s.io/kubernetes module ($pause_source)"
  gcc -Os -static -DVERSION="$PAUSE_TAG-adr" -o "$work/pause/pause" "$pause_source" && strip "$work/pause/pause"
  python3 "$K8S_DIR/image.py" --tag "$PAUSE_IMAGE" --output "$work/pause.tar" --layer "$work/pause" \
    --entrypoint '["/pause"]' --user 65535:65535
  cp "$K8S_BIN/coredns" "$work/coredns/coredns"
  printf 'nonroot:x:65532:65532::/:/sbin/nologin\n' >"$work/coredns/etc/passwd"
  python3 "$K8S_DIR/image.py" --tag "$COREDNS_IMAGE" --output "$work/coredns.tar" --layer "$work/coredns" \
    --entrypoint '["/coredns"]' --user 65532:65532
  ctr_k8s images import "$work/pause.tar" >/dev/null
  ctr_k8s images import "$work/coredns.tar" >/dev/null
}

node_ready() {
  [[ $(kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]]
}
dns_answers() { # from the host, through the Service address: kube-proxy and CoreDNS both work
  busybox nslookup kubernetes.default.svc.cluster.local "$DNS_SERVICE_IP" 2>/dev/null | grep -q "$API_SERVICE_IP"
}

up() {
  local started=$SECONDS
  install_packages
  "$K8S_DIR/build.sh"
  [[ ! -e $K8S_STATE || -f $K8S_STATE/.adr-k8s ]] || k8s_die "$K8S_STATE exists and is not this harness's: set K8S_STATE"
  # What a killed or interrupted run left behind (processes, mounts, bridges, rules) goes first.
  if [[ -f $K8S_STATE/.adr-k8s ]]; then
    k8s_log "removing the cluster a previous run left in $K8S_STATE"
    down
  fi
  mkdir -p "$K8S_STATE" "$LOGS" "$PIDS" && touch "$K8S_STATE/.adr-k8s"
  record_host
  ip link show "$NODE_BRIDGE" >/dev/null 2>&1 || ip link add "$NODE_BRIDGE" type bridge
  ip -4 addr show dev "$NODE_BRIDGE" | grep -q " $NODE_IP/" || ip addr add "$NODE_IP/24" dev "$NODE_BRIDGE"
  ip link set "$NODE_BRIDGE" up
  write_configs
  make_pki
  launch containerd containerd --config "$K8S_STATE/conf/containerd.toml"
  wait_until containerd 60 ctr --address "$K8S_SOCK" version
  import_base_images
  launch etcd "$K8S_BIN/etcd" --data-dir "$K8S_STATE/etcd" --listen-client-urls http://127.0.0.1:22379 \
    --advertise-client-urls http://127.0.0.1:22379 --listen-peer-urls http://127.0.0.1:22380 \
    --initial-advertise-peer-urls http://127.0.0.1:22380 --initial-cluster default=http://127.0.0.1:22380 \
    --listen-metrics-urls http://127.0.0.1:22381 --unsafe-no-fsync
  wait_until etcd 60 curl -sf http://127.0.0.1:22379/health
  launch kube-apiserver "$K8S_BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:22379 \
    --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port=6443 \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --service-cluster-ip-range="$SERVICE_CIDR" --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet.crt" --kubelet-client-key="$PKI/apiserver-kubelet.key" \
    --kubelet-preferred-address-types=InternalIP --profiling=false
  wait_until kube-apiserver 120 kubectl get --raw /readyz
  launch kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig="$PKI/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$PKI/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$PKI/controller-manager.kubeconfig" --bind-address=127.0.0.1 --leader-elect=false \
    --use-service-account-credentials=true --service-account-private-key-file="$PKI/sa.key" \
    --root-ca-file="$PKI/ca.crt" --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --flex-volume-plugin-dir="$K8S_STATE/flexvolume" --service-cluster-ip-range="$SERVICE_CIDR" --profiling=false
  launch kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig="$PKI/scheduler.kubeconfig" \
    --authentication-kubeconfig="$PKI/scheduler.kubeconfig" --authorization-kubeconfig="$PKI/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false --profiling=false
  # --oom-score-adj=0: the same missing capability as restrict_oom_score_adj in containerd's config.
  launch kubelet "$K8S_BIN/kubelet" --config="$K8S_STATE/conf/kubelet.yaml" --kubeconfig="$PKI/kubelet.kubeconfig" \
    --root-dir="$K8S_STATE/kubelet" --cert-dir="$K8S_STATE/kubelet/pki" --hostname-override="$NODE_NAME" \
    --node-ip="$NODE_IP" --oom-score-adj=0
  launch kube-proxy "$K8S_BIN/kube-proxy" --kubeconfig="$PKI/kube-proxy.kubeconfig" --hostname-override="$NODE_NAME" \
    --proxy-mode=iptables --cluster-cidr="$POD_CIDR" --bind-address="$NODE_IP" \
    --healthz-bind-address=127.0.0.1:20256 --metrics-bind-address=127.0.0.1:20249 --conntrack-max-per-core=0 \
    --conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0 --iptables-localhost-nodeports=false
  wait_until "the node to be Ready" 120 node_ready
  wait_until "the default ServiceAccount" 60 kubectl get serviceaccount default
  sed -e "s|@COREDNS_IMAGE@|$COREDNS_IMAGE|" -e "s|@DNS_SERVICE_IP@|$DNS_SERVICE_IP|" "$K8S_DIR/coredns.yaml" \
    | kubectl apply -f - >/dev/null
  wait_until "cluster DNS" 120 dns_answers
  k8s_log "cluster up in $((SECONDS - started)) s (Kubernetes $K8S_VERSION, node $NODE_NAME at $NODE_IP)"
}

stop_component() { # stop_component NAME: TERM, up to 10 s, then KILL
  local pid
  pid=$(cat "$PIDS/$1" 2>/dev/null) || return 0
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDS/$1"
}

down() {
  [[ -f $K8S_STATE/.adr-k8s ]] || { k8s_log "no cluster in $K8S_STATE"; return 0; }
  set +e
  local component
  for component in kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver etcd; do
    stop_component "$component"
  done
  # Pods go while containerd still runs, so that the CNI plugin frees their addresses and rules.
  if ctr --address "$K8S_SOCK" version >/dev/null 2>&1; then
    local sandboxes
    sandboxes=$(crictl --runtime-endpoint "unix://$K8S_SOCK" pods -q 2>/dev/null)
    if [[ -n $sandboxes ]]; then
      # shellcheck disable=SC2086
      crictl --runtime-endpoint "unix://$K8S_SOCK" --timeout 20s stopp $sandboxes >/dev/null 2>&1
      # shellcheck disable=SC2086
      crictl --runtime-endpoint "unix://$K8S_SOCK" --timeout 20s rmp -f $sandboxes >/dev/null 2>&1
    fi
  fi
  stop_component containerd
  local root id process
  for root in "$K8S_STATE"/containerd/runc/*/; do
    [[ -d $root ]] || continue
    for id in $(runc --root "$root" list -q 2>/dev/null); do runc --root "$root" delete --force "$id"; done
  done
  for process in /proc/[0-9]*; do
    [[ $(tr '\0' ' ' <"$process/cmdline" 2>/dev/null) == *containerd-shim*"$K8S_SOCK"* ]] && kill -9 "${process#/proc/}"
  done
  grep -o " $K8S_STATE/[^ ]*" /proc/mounts | sort -r | while read -r mount; do
    umount "$mount" 2>/dev/null || umount -l "$mount"
  done
  # iptables: the chains this cluster added, and every jump into them.
  local table chain ours
  ours=$(list_chains | grep -vxF -f "$K8S_STATE/host/chains" 2>/dev/null)
  for table in filter nat mangle; do
    for chain in $(awk -v t="$table" '$1 == t {print $2}' <<<"$ours"); do
      iptables -w -t "$table" -S | grep -E "^-A .* -j $chain( |\$)" | sed 's/^-A/-D/' \
        | while read -r rule; do eval "iptables -w -t $table $rule"; done
    done
    for chain in $(awk -v t="$table" '$1 == t {print $2}' <<<"$ours"); do iptables -w -t "$table" -F "$chain"; done
    for chain in $(awk -v t="$table" '$1 == t {print $2}' <<<"$ours"); do iptables -w -t "$table" -X "$chain"; done
  done
  ip link del "$POD_BRIDGE" 2>/dev/null
  ip link del "$NODE_BRIDGE" 2>/dev/null
  for link in /var/log/containers/*.log; do [[ $(readlink "$link") == "$K8S_STATE"/* ]] && rm -f "$link"; done
  rm -f /var/lib/cni/results/adr-pods-*
  sysctl -qw "net.ipv4.ip_forward=$(cat "$K8S_STATE/host/ip_forward" 2>/dev/null || echo 0)"
  while IFS= read -r setting; do sysctl -qw "$setting"; done <"$K8S_STATE/host/sysctls"
  rm -rf --one-file-system "$K8S_STATE"
  k8s_log "cluster down, host changes undone"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  env) echo "export KUBECONFIG=$KUBECONFIG PATH=$K8S_BIN:\$PATH" ;;
  *) k8s_die "usage: $0 up|down|env" ;;
esac
