#!/usr/bin/env bash
# Prints the release version X.Y.Z a tag vX.Y.Z asks for, after checking the repository agrees with it: the version
# is written once, as chart/Chart.yaml's version; appVersion (the image the chart deploys by default) must equal it,
# and the Maven build must take it from -Drevision (the root pom's version is ${revision}). A mismatch is refused in
# one line saying what to change; exit codes in common.sh.
#
#   scripts/release/version.sh vX.Y.Z        (AIRFLOW_DB_RECONCILE_ROOT: the repository, default this one)
# shellcheck source=scripts/release/common.sh
source "$(dirname "$0")/common.sh"
[[ $# -eq 1 ]] || release_die 2 "usage: $0 vX.Y.Z"
TAG=$1
[[ $TAG =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] \
  || release_die 2 "'$TAG' is not a release tag vX.Y.Z (no leading zeros, no suffix); tag the release commit v<chart version>"
VERSION=${TAG#v}

# The value of a top-level key of Chart.yaml, unquoted.
chart_value() { sed -n "s/^$1:[[:space:]]*[\"']\{0,1\}\([^\"'[:space:]#]*\).*/\1/p" "$ROOT/chart/Chart.yaml" | head -n 1; }
[[ -f $ROOT/chart/Chart.yaml ]] || release_die 1 "no chart/Chart.yaml in $ROOT"
chart_version=$(chart_value version)
app_version=$(chart_value appVersion)
[[ $chart_version == "$VERSION" ]] || release_die 3 "tag $TAG asks for $VERSION but chart/Chart.yaml has version" \
  "'$chart_version'; set version and appVersion in chart/Chart.yaml to $VERSION, commit, and tag that commit"
[[ $app_version == "$VERSION" ]] || release_die 3 "tag $TAG asks for $VERSION but chart/Chart.yaml has appVersion" \
  "'$app_version' (the image it deploys); set appVersion to $VERSION, the chart's version"
pom_version=$(sed -n '/<parent>/,/<\/parent>/d; s|^  <version>\(.*\)</version>|\1|p' "$ROOT/pom.xml" | head -n 1)
# shellcheck disable=SC2016 # a literal Maven property
[[ $pom_version == '${revision}' ]] || release_die 3 "tag $TAG asks for $VERSION but pom.xml has the version" \
  "'$pom_version'; write <version>\${revision}</version> there and in every module's <parent>: the release build sets it"
echo "$VERSION"
