#!/usr/bin/env bash
# Builds the reconciler image without Docker and without a base image: a jlink'd Java runtime with only the modules
# the jar needs, the C libraries it links, the shaded jar, a default revision map and a class-data-sharing archive,
# run as 65532 with nothing else (no shell). Written as a docker-archive tarball that containerd imports.
#
#   resolver/image/build.sh OUTPUT.tar [TAG]     (after `mvn -B package -DskipTests`; needs root for the CDS step)
#
# The JVM flags live in jvm.options, which the Dockerfile uses too, so the two images cannot drift apart.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUTPUT=${1:?usage: $0 OUTPUT.tar [TAG]}
TAG=${2:-airflow-db-reconcile:dev}
JAR=$REPO/resolver/target/resolver.jar
MAP=$REPO/chart/files/revision-map.json
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
[[ -f $JAR ]] || { echo "image: no $JAR: run mvn -B package -DskipTests first" >&2; exit 1; }
[[ -d $JAVA_HOME/jmods ]] || { echo "image: $JAVA_HOME has no jmods: install a full JDK 17 (openjdk-17-jdk-headless)" >&2; exit 1; }

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/reconciler-image.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/app" "$ROOT/etc/airflow-db-reconcile" "$ROOT/tmp"
chmod 1777 "$ROOT/tmp"
# jdeps names what the jar's classes use; EC keys for TLS to the API server and sun.misc.Unsafe for the
# libraries that probe it are loaded by name, so jdeps cannot see them.
modules=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$JAR"),jdk.crypto.ec,jdk.unsupported
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --output "$ROOT/opt/java" --strip-debug --no-header-files \
  --no-man-pages --compress=2 --generate-cds-archive
# The C libraries the runtime links, at the paths its loader looks in.
for library in $( { ldd "$ROOT/opt/java/bin/java"; find "$ROOT/opt/java" -name '*.so' -exec ldd {} \; ; } 2>/dev/null \
    | grep -o '/[^ ]*\.so[^ ]*' | grep -v "^$ROOT" | sort -u); do
  mkdir -p "$ROOT$(dirname "$library")" && cp -L "$library" "$ROOT$library"
done
printf 'root:x:0:0::/:/sbin/nologin\nnonroot:x:65532:65532::/tmp:/sbin/nologin\n' >"$ROOT/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$ROOT/etc/group"
cp "$JAR" "$ROOT/app/resolver.jar"
cp "$HERE/jvm.options" "$ROOT/app/jvm.options"
cp "$MAP" "$ROOT/etc/airflow-db-reconcile/revision-map.json"
# The CDS archive records the jar's path and modification time, so it is dumped inside the image's own file tree,
# with the times image.py gives every file, and a /proc of its own in a private mount namespace (the loader and the
# JVM find themselves through /proc/self/exe). The check after it fails the build when the image would not use it.
mkdir -p "$ROOT/proc"
find "$ROOT" -exec touch -h -d @0 {} +
in_image() { unshare --mount --fork -- sh -c 'mount -t proc proc "$1/proc" && shift && exec chroot "$@"' sh "$ROOT" "$ROOT" "$@"; }
in_image /opt/java/bin/java -XX:ArchiveClassesAtExit=/app/resolver.jsa -Xlog:cds=error -jar /app/resolver.jar \
  plan --map /etc/airflow-db-reconcile/revision-map.json --current-version 2.10.5 --target-version 2.10.4 \
  --output json >/dev/null
in_image /opt/java/bin/java @/app/jvm.options -Xshare:on -jar /app/resolver.jar --version >/dev/null
python3 "$REPO/scripts/k8s/image.py" --tag "$TAG" --output "$OUTPUT" --layer "$ROOT" --user 65532:65532 \
  --entrypoint '["/opt/java/bin/java", "@/app/jvm.options", "-jar", "/app/resolver.jar"]' --cmd '["--help"]'
