#!/usr/bin/env bash
# Signs each REF@DIGEST (the multi-arch image index, the chart) with cosign, the signature stored beside it in the
# registry. Keyless by default: in the workflow the certificate comes from Fulcio for the workflow's OIDC identity and
# the signature goes to the Rekor transparency log, so users verify with
#   cosign verify REF --certificate-identity-regexp 'https://github.com/OWNER/REPO/.github/workflows/release.yml@.*' \
#     --certificate-oidc-issuer https://token.actions.githubusercontent.com
# COSIGN_KEY (a key file; COSIGN_PASSWORD its password) signs with a key instead: the tests' way. COSIGN_FLAGS go to
# every cosign call (the tests': a plain-http registry, and a signing config without a transparency log).
#
#   scripts/release/sign.sh REF@sha256:DIGEST...
# shellcheck source=scripts/release/common.sh
source "$(dirname "$0")/common.sh"
[[ $# -ge 1 ]] || release_die 2 "usage: $0 REF@sha256:DIGEST..."
read -ra FLAGS <<<"${COSIGN_FLAGS:-}"
COSIGN=${COSIGN:-$("$RELEASE_DIR/tools.sh" cosign)/cosign}
mode=()
[[ -z ${COSIGN_KEY:-} ]] || mode=(--key "$COSIGN_KEY")
for ref in "$@"; do
  # A tag can move; a signature must name the exact bytes pushed.
  [[ $ref =~ @sha256:[0-9a-f]{64}$ ]] \
    || release_die 2 "'$ref' is not a reference by digest REF@sha256:...; sign the digest that was pushed"
  "$COSIGN" sign --yes "${FLAGS[@]}" "${mode[@]}" "$ref" >/dev/null || release_die 1 "cosign could not sign $ref"
  release_log "signed $ref"
done
