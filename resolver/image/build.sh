#!/usr/bin/env bash
# Builds the reconciler image without Docker and without a base image: a jlink'd Java runtime with only the modules
# the jar needs, the C libraries it links, the shaded jar, a default revision map and a class-data-sharing archive,
# run as 65532 with nothing else (no shell). Written as a docker-archive tarball that containerd imports.
#
#   resolver/image/build.sh OUTPUT.tar [TAG]     (Maven's package phase runs it; needs root or user namespaces)
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
die() { echo "image: $*" >&2; exit 1; }
[[ -f $JAR ]] || die "no $JAR: run mvn -B package -DskipTests first"
[[ -d $JAVA_HOME/jmods ]] || die "$JAVA_HOME has no jmods: install a full JDK 17 (openjdk-17-jdk-headless)"
for tool in strip setarch unshare chroot; do
  command -v "$tool" >/dev/null || die "$tool is missing: install binutils and util-linux"
done

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/reconciler-image.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/app" "$ROOT/etc/airflow-db-reconcile" "$ROOT/tmp"
chmod 1777 "$ROOT/tmp"
# jdeps names what the jar's classes use; EC keys for TLS to the API server and sun.misc.Unsafe for the libraries
# that probe it are loaded by name, so jdeps cannot see them. java.desktop is left out: only optional paths need it
# (Jackson's java.beans annotations, SnakeYAML's bean introspection, pgjdbc's geometric types), none of which the
# resolver takes, and it would bring X11, fonts and sound libraries (15 MB).
modules=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$JAR" \
  | tr ',' '\n' | grep -vx java.desktop | paste -sd,),jdk.crypto.ec,jdk.unsupported
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --output "$ROOT/opt/java" --strip-debug --no-header-files \
  --no-man-pages --compress=2
# Symbol tables are for debuggers; the dynamic symbols the loader needs stay.
find "$ROOT/opt/java" -name '*.so' -exec strip --strip-unneeded {} +
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

# One static class-data archive holds the JDK's and the resolver's classes that a decision loads (the class list,
# made by train.sh against a real PostgreSQL, includes the lambda proxies that cost the most at start). It records
# the jar's path and modification time, so it is dumped inside the image's own file tree, with the times image.py
# gives every file, in a private mount and PID namespace with its own /proc (the loader and the JVM find themselves
# through /proc/self/exe). JDK 17's dump is not fully deterministic: symbol addresses follow the order in which
# threads create them, and a few native pointers follow address-space randomization. Without randomization, on one
# CPU and with a fixed heap almost every dump is the same, so a dump counts once the next one gives the same bytes.
cp "$HERE/classlist" "$ROOT/tmp/classlist"
mkdir -p "$ROOT/proc"
find "$ROOT" -exec touch -h -d @0 {} +
userns=(); [[ $(id -u) == 0 ]] || userns=(--user --map-root-user)
in_image() {
  setarch "$(uname -m)" --addr-no-randomize taskset -c 0 unshare "${userns[@]}" --mount --pid --fork -- \
    sh -c 'mount -t proc proc "$1/proc" && shift && exec chroot "$@"' sh "$ROOT" "$ROOT" "$@"
}
dump() {
  in_image /opt/java/bin/java -XX:+UseSerialGC -XX:-UsePerfData -Xms128m -Xmx128m -Xshare:dump -Xlog:cds=error \
    -XX:SharedClassListFile=/tmp/classlist -XX:SharedArchiveFile=/app/resolver.jsa -cp /app/resolver.jar >/dev/null
  sha256sum <"$ROOT/app/resolver.jsa"
}
previous=$(dump)
for attempt in 2 3 4 5 6; do
  current=$(dump)
  [[ $current == "$previous" ]] && break
  [[ $attempt == 6 ]] && die "six class-data dumps in a row differed: the image would not be reproducible"
  previous=$current
done
rm "$ROOT/tmp/classlist"
# Fails the build when the image's JVM would not map the archive.
in_image /opt/java/bin/java @/app/jvm.options -Xshare:on -jar /app/resolver.jar --version >/dev/null
python3 "$REPO/scripts/k8s/image.py" --tag "$TAG" --output "$OUTPUT" --layer "$ROOT" --user 65532:65532 \
  --entrypoint '["/opt/java/bin/java", "@/app/jvm.options", "-jar", "/app/resolver.jar"]' --cmd '["--help"]'
