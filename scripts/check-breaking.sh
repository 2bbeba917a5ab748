#!/usr/bin/env bash
# `buf breaking`: fails when proto/ changes the wire contract incompatibly (a renumbered or removed
# field, a removed RPC...) compared with a base commit. Run by `npm run lint`.
#
# The base, first that applies:
#   HOOKD_BREAKING_AGAINST=<git ref>       (on a branch: HOOKD_BREAKING_AGAINST=main npm run lint)
#   the merge-base with main, when HEAD is not main itself and a `main` branch exists;
#   HEAD~1 otherwise: CI's clean clone *is* main, so each commit is checked against the one before.
# A clone without that history (a shallow single-commit clone) has nothing to compare with: the
# check says so and passes, since the contract cannot have changed relative to nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

base="${HOOKD_BREAKING_AGAINST:-}"
if [ -z "$base" ]; then
  head=$(git rev-parse HEAD)
  main=$(git rev-parse --verify --quiet main || true)
  if [ -n "$main" ] && [ "$main" != "$head" ]; then
    base=$(git merge-base HEAD main)
  elif git rev-parse --verify --quiet HEAD~1 >/dev/null; then
    base=$(git rev-parse HEAD~1)
  else
    echo "buf breaking: no earlier commit to compare proto/ with (shallow clone?); skipped" >&2
    exit 0
  fi
fi
base=$(git rev-parse --verify "$base^{commit}")
echo "buf breaking: proto/ against $(git log -1 --format='%h %s' "$base" | cut -c1-72)"
npx buf breaking --against ".git#ref=$base"
