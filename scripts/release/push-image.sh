#!/usr/bin/env bash
# Pushes one platform's image, a docker-archive tarball (resolver/image/build.sh's output), to IMAGE:VERSION-ARCH with
# crane, after checking the image is built for ARCH; prints its digest. index.sh then joins the platforms under
# IMAGE:VERSION. CRANE_FLAGS (e.g. --insecure for a plain-http test registry) go to every crane call.
#
#   scripts/release/push-image.sh ARCHIVE IMAGE VERSION ARCH      (ARCH: amd64 or arm64)
# shellcheck source=scripts/release/common.sh
source "$(dirname "$0")/common.sh"
[[ $# -eq 4 ]] || release_die 2 "usage: $0 ARCHIVE IMAGE VERSION ARCH"
ARCHIVE=$1 IMAGE=$2 VERSION=$3 ARCH=$4
read -ra FLAGS <<<"${CRANE_FLAGS:-}"
[[ -f $ARCHIVE ]] \
  || release_die 2 "no image archive $ARCHIVE: build it first (scripts/release/build.sh VERSION --skip-tests)"
[[ $ARCH == amd64 || $ARCH == arm64 ]] || release_die 2 "architecture '$ARCH' is not published: amd64 or arm64"

digest=$(crane digest "${FLAGS[@]}" --tarball "$ARCHIVE" 2>/dev/null) \
  || release_die 2 "$ARCHIVE is not a docker-archive tarball with one image; build it with resolver/image/build.sh"
# Pushed by digest first: nothing is tagged until the image has proved to be the platform the tag names.
crane push "${FLAGS[@]}" "$ARCHIVE" "$IMAGE@$digest" >/dev/null || release_die 1 "pushing $ARCHIVE to $IMAGE failed"
platform=$(crane config "${FLAGS[@]}" "$IMAGE@$digest" \
  | python3 -c 'import json, sys; c = json.load(sys.stdin); print(c.get("os", "") + "/" + c.get("architecture", ""))')
[[ $platform == "linux/$ARCH" ]] \
  || release_die 2 "$ARCHIVE is an image for $platform, not linux/$ARCH: build it on a linux/$ARCH machine"
crane tag "${FLAGS[@]}" "$IMAGE@$digest" "$VERSION-$ARCH" >/dev/null || release_die 1 "tagging $IMAGE@$digest failed"
release_log "pushed $IMAGE:$VERSION-$ARCH@$digest"
echo "$digest"
