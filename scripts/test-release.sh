#!/usr/bin/env bash
# Tests the release scripts the GitHub workflow (.github/workflows/release.yml) runs, here, without the network: the
# version check on fixture repositories, then the publishing against a local OCI registry on 127.0.0.1 (crane's own,
# `crane registry serve`; crane is built from the Go module proxy by scripts/release/tools.sh): the image pushed per
# platform and joined into a multi-arch index, the chart pushed with the real helm, both pulled back and compared,
# the chart's default image resolved to what was pushed, and both signed and verified with cosign (with a key here;
# the workflow signs keyless). One PASS/FAIL line per check. cosign takes 5-10 minutes to build on two cores, more
# than CI can give it: the signing checks run when `scripts/release/tools.sh cosign` has built it, and say SKIP
# otherwise.
#
#   scripts/test-release.sh     (after `mvn -B package`: uses resolver/target/airflow-db-reconcile-image.tar, building
#                                it with resolver/image/build.sh when missing; helm from scripts/k8s/build.sh)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
RELEASE=$REPO/scripts/release
# shellcheck source=scripts/release/common.sh
source "$RELEASE/common.sh"
TOOLS=$("$RELEASE/tools.sh" crane)
export CRANE=$TOOLS/crane HELM
[[ -x $HELM ]] || release_die 1 "no helm at $HELM: run scripts/k8s/build.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/test-release.XXXXXX")
REGISTRY_PID=
cleanup() { [[ -z $REGISTRY_PID ]] || kill "$REGISTRY_PID" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT

failures=0
check() {  # check NAME COMMAND...: one PASS/FAIL line
  local name=$1; shift
  if "$@"; then echo "PASS $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}
refused() { ! "$@"; }
same() { [[ $1 == "$2" ]] || { echo "  expected '$2', got '$1'" >&2; return 1; }; }
one_line_saying() {
  if [[ $(wc -l <"$T/err") -eq 1 ]] && grep -qF -- "$1" "$T/err"; then return 0; fi
  cat "$T/err" >&2
  return 1
}
run() {  # run COMMAND...: its exit code in $rc, stdout in $T/out, stderr in $T/err
  rc=0
  "$@" >"$T/out" 2>"$T/err" || rc=$?
}

# --- The version check: a fixture repository per case, the real repository last. ---
fixture() {  # fixture VERSION APP_VERSION POM_VERSION: a repository root with the files version.sh reads
  local root=$T/repo-$RANDOM
  mkdir -p "$root/chart"
  printf 'apiVersion: v2\nname: %s\n# the release\nversion: %s\nappVersion: "%s"\n' "$ARTIFACT" "$1" "$2" \
    >"$root/chart/Chart.yaml"
  printf '<project>\n  <parent>\n    <version>9.9.9</version>\n  </parent>\n  <version>%s</version>\n</project>\n' \
    "$3" >"$root/pom.xml"
  echo "$root"
}
version_of() { AIRFLOW_DB_RECONCILE_ROOT=$1 run "$RELEASE/version.sh" "$2"; }
# shellcheck disable=SC2016 # the literal Maven property
REVISION='${revision}'

version_of "$(fixture 1.2.3 1.2.3 "$REVISION")" v1.2.3
check "version: v1.2.3 on a 1.2.3 chart gives 1.2.3" same "$rc:$(cat "$T/out")" "0:1.2.3"
version_of "$(fixture 0.1.0 0.1.0 "$REVISION")" v1.2.3
check "version: tag v1.2.3 on a 0.1.0 chart is refused (exit 3)" same "$rc" 3
check "version: ... in one line naming both versions" \
  one_line_saying "tag v1.2.3 asks for 1.2.3 but chart/Chart.yaml has version '0.1.0'"
version_of "$(fixture 1.2.3 3.3.2 "$REVISION")" v1.2.3
check "version: appVersion 3.3.2 on a 1.2.3 chart is refused (exit 3)" same "$rc" 3
check "version: ... in one line naming appVersion" one_line_saying "chart/Chart.yaml has appVersion '3.3.2'"
version_of "$(fixture 1.2.3 1.2.3 1.2.3-SNAPSHOT)" v1.2.3
check "version: a pom with a version of its own is refused (exit 3)" same "$rc" 3
check "version: ... in one line naming it" one_line_saying "pom.xml has the version '1.2.3-SNAPSHOT'"
for tag in 1.2.3 v1.2 v1.2.3-rc.1 v01.2.3 latest; do
  version_of "$(fixture 1.2.3 1.2.3 "$REVISION")" "$tag"
  check "version: tag '$tag' is refused (exit 2) in one line" \
    same "$rc:$(one_line_saying "'$tag' is not a release tag vX.Y.Z" && echo one)" "2:one"
done
VERSION=$(sed -n 's/^version:[[:space:]]*//p' "$REPO/chart/Chart.yaml")
run "$RELEASE/version.sh" "v$VERSION"
check "version: this repository releases as v$VERSION" same "$rc:$(cat "$T/out")" "0:$VERSION"
run "$RELEASE/plan.sh" "v$VERSION" Some-Owner
check "plan: lower-cased ghcr.io coordinates" same "$(sed -n '2,3p' "$T/out" | paste -sd ' ')" \
  "image=ghcr.io/some-owner/$ARTIFACT charts=oci://ghcr.io/some-owner/charts"

# --- Publishing, against a local registry. ---
ARCHIVE=$REPO/resolver/target/$ARTIFACT-image.tar
if [[ ! -f $ARCHIVE ]]; then
  release_log "no $ARCHIVE: building it with resolver/image/build.sh"
  "$REPO/resolver/image/build.sh" "$T/image.tar" "$ARTIFACT:$VERSION" >/dev/null
  ARCHIVE=$T/image.tar
fi
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/registry"
"$TOOLS/crane" registry serve --address "127.0.0.1:$PORT" --disk "$T/registry" >"$T/registry.log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/v2/" >/dev/null 2>&1 && break
  kill -0 "$REGISTRY_PID" 2>/dev/null \
    || { cat "$T/registry.log" >&2; release_die 1 "the local registry did not start"; }
  sleep 0.1
done
HOST=127.0.0.1:$PORT
IMAGE=$HOST/acme/$ARTIFACT
CHARTS=oci://$HOST/acme/charts
export CRANE_FLAGS=--insecure HELM_FLAGS=--plain-http
c() { "$CRANE" --insecure "$@" 2>/dev/null; }

run "$RELEASE/push-image.sh" "$ARCHIVE" "$IMAGE" "$VERSION" amd64
check "image: pushed (exit 0)" same "$rc" 0
AMD64=$(cat "$T/out")
check "image: the digest printed is the archive's" same "$AMD64" "$(c digest --tarball "$ARCHIVE")"
check "image: tagged $VERSION-amd64" same "$(c digest "$IMAGE:$VERSION-amd64" 2>&1)" "$AMD64"
c export "$IMAGE@$AMD64" "$T/pulled.tar" || true
c export - "$T/local.tar" <"$ARCHIVE" || true
check "image: pulled back, its files are the archive's" \
  same "$(sha256sum <"$T/pulled.tar")" "$(sha256sum <"$T/local.tar")"
check "image: ... with the reconciler's jar" grep -qx app/resolver.jar <(tar -tf "$T/pulled.tar")
run "$RELEASE/push-image.sh" "$ARCHIVE" "$IMAGE" "$VERSION" arm64
check "image: an amd64 archive pushed as arm64 is refused (exit 2) in one line" \
  same "$rc:$(one_line_saying "is an image for linux/amd64, not linux/arm64" && echo one)" "2:one"
check "image: ... and $VERSION-arm64 is not tagged" same "$(c ls "$IMAGE" | grep -c -- "-arm64$" || true)" 0

# No arm64 machine here: the arm64 runner's push is played by a copy of the amd64 image relabelled arm64.
c mutate "$IMAGE@$AMD64" --set-platform linux/arm64 -t "$IMAGE:$VERSION-arm64" >/dev/null || true
ARM64=$(c digest "$IMAGE:$VERSION-arm64" || true)
run "$RELEASE/index.sh" "$IMAGE" "$VERSION" amd64 arm64
check "index: pushed (exit 0)" same "$rc" 0
INDEX=$(cat "$T/out")
check "index: $VERSION is that index" same "$(c digest "$IMAGE:$VERSION")" "$INDEX"
check "index: an OCI image index of both platforms, by digest" same "$(c manifest "$IMAGE:$VERSION" | python3 -c '
import json, sys; m = json.load(sys.stdin)
print(m["mediaType"], *sorted(d["platform"]["architecture"] + "=" + d["digest"] for d in m["manifests"]))')" \
  "application/vnd.oci.image.index.v1+json amd64=$AMD64 arm64=$ARM64"
check "index: linux/amd64 pulls the pushed amd64 image" \
  same "$(c digest --platform linux/amd64 "$IMAGE:$VERSION")" "$AMD64"
run "$RELEASE/index.sh" "$IMAGE" 9.9.9 amd64
check "index: without the platform images it is refused (exit 1)" \
  same "$rc:$(one_line_saying "no $IMAGE:9.9.9-amd64" && echo one)" "1:one"

run "$RELEASE/push-chart.sh" "$VERSION" "$CHARTS" "$IMAGE"
check "chart: pushed (exit 0)" same "$rc" 0
CHART=$(cat "$T/out")
check "chart: the digest printed is the registry's" same "$(c digest "$HOST/acme/charts/$ARTIFACT:$VERSION")" "$CHART"
(cd "$T" && "$HELM" pull "$CHARTS/$ARTIFACT" --version "$VERSION" --plain-http >/dev/null 2>&1) || true
check "chart: pulled back, the package is the layer pushed" same \
  "sha256:$(sha256sum <"$T/$ARTIFACT-$VERSION.tgz" | cut -d' ' -f1)" \
  "$(c manifest "$HOST/acme/charts/$ARTIFACT@$CHART" | python3 -c '
import json, sys; print(*[l["digest"] for l in json.load(sys.stdin)["layers"]
  if l["mediaType"] == "application/vnd.cncf.helm.chart.content.v1.tar+gzip"])')"
values=$("$HELM" show values "$CHARTS/$ARTIFACT" --version "$VERSION" --plain-http 2>/dev/null || true)
check "chart: helm show values gives the pushed image's repository" \
  grep -qx "  repository: $IMAGE" <<<"$values"
check "chart: ... and the tag of the chart's appVersion" same \
  "$("$HELM" show chart "$CHARTS/$ARTIFACT" --version "$VERSION" --plain-http 2>/dev/null \
    | sed -n 's/^appVersion: //p')" \
  "$VERSION"
check "chart: without --version (the README's install) helm takes $VERSION" same \
  "$("$HELM" show chart "$CHARTS/$ARTIFACT" --plain-http 2>/dev/null | sed -n 's/^version: //p')" "$VERSION"
rendered=$("$HELM" template prod "$T/$ARTIFACT-$VERSION.tgz" --set airflowVersion=3.1.0 2>&1 \
  | sed -n 's/^ *image: "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' | sort -u | grep -F "$ARTIFACT" || true)
check "chart: it deploys $IMAGE:$VERSION" same "$rendered" "$IMAGE:$VERSION"
check "chart: ... which is the multi-arch index pushed" same "$(c digest "$rendered")" "$INDEX"
OWNER=$(sed -n 's|^home: https://github.com/\([^/]*\)/.*|\1|p' "$REPO/chart/Chart.yaml")
check "chart: values.yaml's default image is what the workflow of github.com/$OWNER publishes, and stays so" same \
  "$(grep -A5 '^image:' "$REPO/chart/values.yaml" | sed -n 's/^  repository: /image=/p')" \
  "$("$RELEASE/plan.sh" "v$VERSION" "$OWNER" | grep '^image=')"
run "$RELEASE/push-chart.sh" 9.9.9 "$CHARTS" "$IMAGE"
check "chart: a version the chart is not is refused (exit 3) in one line" \
  same "$rc:$(one_line_saying "tag v9.9.9 asks for 9.9.9" && echo one)" "3:one"
check "chart: ... and nothing is pushed" same "$(c ls "$HOST/acme/charts/$ARTIFACT" | paste -sd ' ')" "$VERSION"

if [[ ! -x $TOOLS/cosign || $(cat "$TOOLS/.cosign.version" 2>/dev/null) != "$COSIGN_VERSION" ]]; then
  echo "SKIP sign: cosign $COSIGN_VERSION is not built (scripts/release/tools.sh cosign builds it)"
  if [[ $failures -gt 0 ]]; then echo "test-release: $failures failed"; exit 1; fi
  echo "test-release: all passed"
  exit 0
fi
# Signing: the workflow signs keyless (its OIDC identity, Fulcio, Rekor); here a key pair stands in, and a signing
# config naming no service keeps cosign off the network.
export COSIGN_PASSWORD='' COSIGN_KEY=$T/cosign.key
export COSIGN_FLAGS="--allow-http-registry --signing-config $T/offline-signing-config.json"
(cd "$T" && "$TOOLS/cosign" generate-key-pair >/dev/null 2>&1 \
  && "$TOOLS/cosign" signing-config create --out offline-signing-config.json >/dev/null 2>&1)
run "$RELEASE/sign.sh" "$IMAGE@$INDEX" "$HOST/acme/charts/$ARTIFACT@$CHART"
check "sign: the index and the chart signed (exit 0)" same "$rc" 0
verify() {
  "$TOOLS/cosign" verify --key "$T/cosign.pub" --insecure-ignore-tlog --allow-http-registry "$1" >/dev/null 2>&1
}
check "sign: the index's signature verifies" verify "$IMAGE@$INDEX"
check "sign: the chart's signature verifies" verify "$HOST/acme/charts/$ARTIFACT@$CHART"
check "sign: the amd64 image alone, unsigned, does not" refused verify "$IMAGE@$AMD64"

if [[ $failures -gt 0 ]]; then echo "test-release: $failures failed"; exit 1; fi
echo "test-release: all passed"
