#!/usr/bin/env bash
# Builds release VERSION: `mvn verify` (unit and integration tests, the chart with the real helm) with the version set
# from the tag, then checks the jar says VERSION and leaves the image of this machine's platform at
# resolver/target/airflow-db-reconcile-image.tar (resolver/image/build.sh; root or sudo for its CDS step).
#
#   scripts/release/build.sh VERSION [--skip-tests]      (HELM: the helm binary of the chart tests)
# shellcheck source=scripts/release/common.sh
source "$(dirname "$0")/common.sh"
[[ $# -eq 1 || ($# -eq 2 && $2 == --skip-tests) ]] || release_die 2 "usage: $0 VERSION [--skip-tests]"
VERSION=$1
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || release_die 2 "'$VERSION' is not a release version X.Y.Z"
JAR=$ROOT/resolver/target/resolver.jar
IMAGE_TAR=$ROOT/resolver/target/$ARTIFACT-image.tar

if [[ $# -eq 2 ]]; then
  goal=(package -DskipTests)
else
  "$ROOT/scripts/test-deps.sh"
  goal=(verify)
fi
# Not `clean`: an old image tarball must not outlive the build, so it goes explicitly.
rm -f "$IMAGE_TAR"
# The image comes from the same recipe Maven's package phase runs, called here so that a runner that is not root can
# give it sudo (GitHub's Ubuntu runners refuse the unprivileged user namespaces it would use otherwise).
(cd "$ROOT" && mvn -B -ntp -Drevision="$VERSION" -Dhelm.bin="$HELM" -Dimage.skip=true "${goal[@]}") >&2 \
  || release_die 1 "the Maven build of $VERSION failed (see above)"
jar_version=$(python3 -c 'import sys, zipfile
manifest = zipfile.ZipFile(sys.argv[1]).read("META-INF/MANIFEST.MF").decode()
versions = [l.split(":", 1)[1].strip() for l in manifest.splitlines() if l.startswith("Implementation-Version:")]
print(versions[0] if versions else "")' \
  "$JAR")
[[ $jar_version == "$VERSION" ]] || release_die 3 "$JAR says version '$jar_version', not $VERSION: every pom's" \
  "version must be \${revision}"
sudo=(); [[ $EUID -eq 0 ]] || sudo=(sudo "--preserve-env=JAVA_HOME,TMPDIR")
"${sudo[@]}" "$ROOT/resolver/image/build.sh" "$IMAGE_TAR" "$ARTIFACT:$VERSION" >&2 \
  || release_die 1 "building the image of $VERSION failed (see above)"
release_log "built $VERSION: $JAR, $IMAGE_TAR"
