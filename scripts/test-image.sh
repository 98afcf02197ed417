#!/usr/bin/env bash
# Checks the reconciler image Maven's package phase wrote (resolver/target/airflow-db-reconcile-image.tar): a second
# build from the same inputs gives the same bytes, it runs as 65532 with the JVM flags of jvm.options, and its JVM maps
# the class-data archive. Prints its size. Usage: scripts/test-image.sh   (after mvn package; as root)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
IMAGE=$REPO/resolver/target/airflow-db-reconcile-image.tar
fail() { echo "test-image: FAIL: $*" >&2; exit 1; }
[[ -f $IMAGE ]] || fail "no $IMAGE: run mvn -B package -DskipTests"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

tag=$(python3 -c 'import json, sys, tarfile
with tarfile.open(sys.argv[1]) as t: print(json.load(t.extractfile("manifest.json"))[0]["RepoTags"][0])' "$IMAGE")
"$REPO/resolver/image/build.sh" "$WORK/again.tar" "$tag" >/dev/null
cmp -s "$IMAGE" "$WORK/again.tar" || fail "a second build of $tag gave other bytes: the image is not reproducible"

python3 - "$IMAGE" <<'PY' || fail "the image's configuration is not what the chart expects"
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as tar:
    manifest = json.load(tar.extractfile("manifest.json"))[0]
    config = json.load(tar.extractfile(manifest["Config"]))["config"]
assert config["User"] == "65532:65532", config["User"]
assert config["Entrypoint"] == ["/opt/java/bin/java", "@/app/jvm.options", "-jar", "/app/resolver.jar"], config
PY

mkdir -p "$WORK/root/dev"
tar -xf "$IMAGE" -C "$WORK" --wildcards '*/layer.tar'
tar -xf "$WORK"/*/layer.tar -C "$WORK/root"
# -Xshare:on makes the JVM fail instead of silently starting without the archive.
unshare --mount --pid --fork -- sh -c 'mount -t proc proc "$1/proc" && shift && exec chroot --userspec=65532:65532 "$@"' \
  sh "$WORK/root" "$WORK/root" /opt/java/bin/java @/app/jvm.options -Xshare:on -jar /app/resolver.jar --version \
  >/dev/null || fail "the image's JVM does not start with its class-data archive"
echo "test-image: PASS: $tag reproducible, $(( $(stat -c %s "$IMAGE") / 1024 / 1024 )) MiB uncompressed," \
  "$(( $(gzip -c "$IMAGE" | wc -c) / 1024 / 1024 )) MiB gzipped"
