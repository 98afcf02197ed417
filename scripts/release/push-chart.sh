#!/usr/bin/env bash
# Packages chart/ as release VERSION and pushes it with `helm push` to the OCI repository CHARTS (oci://HOST/PATH, the
# chart lands at CHARTS/airflow-db-reconcile:VERSION); prints its digest. The packaged chart's default image is IMAGE
# at the chart's appVersion (= VERSION, checked by version.sh): what the same release pushed with push-image.sh and
# index.sh. A chart published elsewhere than values.yaml says gets its own registry's image written into its values.
# HELM_FLAGS (e.g. --plain-http for a test registry) go to helm push.
#
#   scripts/release/push-chart.sh VERSION CHARTS IMAGE
# shellcheck source=scripts/release/common.sh
source "$(dirname "$0")/common.sh"
[[ $# -eq 3 ]] || release_die 2 "usage: $0 VERSION oci://HOST/PATH IMAGE"
VERSION=$1 CHARTS=$2 IMAGE=$3
read -ra FLAGS <<<"${HELM_FLAGS:-}"
[[ $CHARTS == oci://* ]] || release_die 2 "'$CHARTS' is not an OCI repository oci://HOST/PATH"
"$RELEASE_DIR/version.sh" "v$VERSION" >/dev/null
[[ -x $HELM ]] || release_die 1 "no helm at $HELM: run scripts/k8s/build.sh, or set HELM"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$ROOT/chart" "$WORK/$ARTIFACT"
# The default lives in values.yaml and, for the schema's documentation, values.schema.json; both must move.
python3 - "$WORK/$ARTIFACT" "$IMAGE" <<'PY' || exit 2  # the script printed why
import json, pathlib, re, sys
chart, image = pathlib.Path(sys.argv[1]), sys.argv[2]
values = (chart / "values.yaml").read_text()
line = re.compile(r"^(image:\n(?:[ \t]+.*\n|[ \t]*#.*\n|\n)*?  repository: )(\S+)$", re.M)
found = line.search(values)
if not found:
    sys.exit("release: chart/values.yaml has no image.repository line to set")
default = found.group(2)
if default != image:
    schema = (chart / "values.schema.json").read_text()
    old = f'"default": "{default}"'
    if schema.count(old) != 1:
        sys.exit(f"release: chart/values.schema.json needs exactly one {old}")
    (chart / "values.yaml").write_text(line.sub(lambda m: m.group(1) + image, values, count=1))
    (chart / "values.schema.json").write_text(schema.replace(old, f'"default": "{image}"'))
    print(f"release: the chart's default image {default} becomes {image}", file=sys.stderr)
PY
"$HELM" package "$WORK/$ARTIFACT" --destination "$WORK" >/dev/null || release_die 1 "helm package failed"
package=$WORK/$ARTIFACT-$VERSION.tgz
[[ -f $package ]] || release_die 1 "helm package did not write $package"
"$HELM" push "${FLAGS[@]}" "$package" "$CHARTS" >"$WORK/push.log" 2>&1 \
  || { cat "$WORK/push.log" >&2; release_die 1 "helm push of $ARTIFACT $VERSION to $CHARTS failed"; }
digest=$(sed -n 's/^Digest: \(sha256:[0-9a-f]\{64\}\)$/\1/p' "$WORK/push.log")
[[ -n $digest ]] || { cat "$WORK/push.log" >&2; release_die 1 "helm push printed no digest"; }
release_log "pushed ${CHARTS#oci://}/$ARTIFACT:$VERSION@$digest (image $IMAGE:$VERSION)"
echo "$digest"
