#!/usr/bin/env bash
# Joins the per-platform images push-image.sh pushed (IMAGE:VERSION-amd64, IMAGE:VERSION-arm64) into the multi-arch
# image IMAGE:VERSION, an OCI image index; prints its digest, the one to sign and attest. CRANE_FLAGS as push-image.sh.
#
#   scripts/release/index.sh IMAGE VERSION ARCH...
# shellcheck source=scripts/release/common.sh
source "$(dirname "$0")/common.sh"
[[ $# -ge 3 ]] || release_die 2 "usage: $0 IMAGE VERSION ARCH..."
IMAGE=$1 VERSION=$2
shift 2
read -ra FLAGS <<<"${CRANE_FLAGS:-}"
manifests=()
for arch in "$@"; do
  # By digest, so the index names exactly the images pushed, whatever happens to their tags.
  digest=$(crane digest "${FLAGS[@]}" "$IMAGE:$VERSION-$arch" 2>/dev/null) \
    || release_die 1 "no $IMAGE:$VERSION-$arch: push it first (scripts/release/push-image.sh ... $VERSION $arch)"
  manifests+=(-m "$IMAGE@$digest")
done
crane index append "${FLAGS[@]}" "${manifests[@]}" -t "$IMAGE:$VERSION" >/dev/null \
  || release_die 1 "pushing the index $IMAGE:$VERSION failed"
digest=$(crane digest "${FLAGS[@]}" "$IMAGE:$VERSION")
platforms=$(crane manifest "${FLAGS[@]}" "$IMAGE@$digest" | python3 -c 'import json, sys
manifests = json.load(sys.stdin)["manifests"]
print(" ".join(sorted(m["platform"]["os"] + "/" + m["platform"]["architecture"] for m in manifests)))')
expected=$(printf 'linux/%s\n' "$@" | sort | paste -sd ' ')
[[ $platforms == "$expected" ]] || release_die 1 "the index $IMAGE:$VERSION lists $platforms, not $expected"
release_log "pushed $IMAGE:$VERSION@$digest ($platforms)"
echo "$digest"
