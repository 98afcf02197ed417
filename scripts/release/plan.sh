#!/usr/bin/env bash
# What a release tag publishes, as key=value lines for $GITHUB_OUTPUT: the version (checked by version.sh), the image
# repository, the OCI repository the chart is pushed to and the chart's own name there, and the helm version the chart
# tests pin.
#
#   scripts/release/plan.sh vX.Y.Z OWNER [REGISTRY]      (REGISTRY default ghcr.io; OWNER: the GitHub owner)
# shellcheck source=scripts/release/common.sh
source "$(dirname "$0")/common.sh"
[[ $# -eq 2 || $# -eq 3 ]] || release_die 2 "usage: $0 vX.Y.Z OWNER [REGISTRY]"
VERSION=$("$RELEASE_DIR/version.sh" "$1")
# Registries take lower-case repository names only; GitHub owners may have capitals.
OWNER=${2,,}
REGISTRY=${3:-ghcr.io}
[[ $OWNER =~ ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ ]] || release_die 2 "'$2' is not a GitHub owner name"
# shellcheck source=scripts/k8s/versions.env
HELM_VERSION=$(source "$ROOT/scripts/k8s/versions.env" && echo "$HELM_VERSION")
cat <<OUT
version=$VERSION
image=$REGISTRY/$OWNER/$ARTIFACT
charts=oci://$REGISTRY/$OWNER/charts
chart=$REGISTRY/$OWNER/charts/$ARTIFACT
helm=$HELM_VERSION
OUT
