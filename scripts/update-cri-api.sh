#!/usr/bin/env bash
# The Kubernetes CRI API (proto/cri/api.proto) is upstream's file, pinned, never edited here.
# It comes from the Go module k8s.io/cri-api through the Go module proxy (the module's go.sum hash
# authenticates the download), copied byte for byte; proto/cri/PIN records module, version, the
# path inside the module, the module's h1: hash and the file's sha256.
#
#   bash scripts/update-cri-api.sh            re-copy the pinned version (repairs a hand edit)
#   bash scripts/update-cri-api.sh v0.38.0    bump: copy that version and rewrite PIN
#   bash scripts/update-cri-api.sh --check    fail if proto/cri differs from the pinned module
#                                             (npm run check-generated runs this)
# After a bump: `npm run generate` (src/daemon/cri/generated/ follows the proto) and read
# docs/cri.md "Bumping the CRI API".
# Needs: go (downloads through GOPROXY, so it works where only the Go module proxy is reachable).
set -euo pipefail
cd "$(dirname "$0")/.."

MODULE=k8s.io/cri-api
FILE=pkg/apis/runtime/v1/api.proto
PIN=proto/cri/PIN
DEST=proto/cri/api.proto

pinned() { sed -n "s/^$1 //p" "$PIN"; }

mode=update
version=""
case "${1:-}" in
  --check) mode=check; version=$(pinned version) ;;
  "") version=$(pinned version) ;;
  v*) version=$1 ;;
  *) echo "usage: $0 [--check | vX.Y.Z]" >&2; exit 2 ;;
esac
[ -n "$version" ] || { echo "$PIN names no version; run: $0 vX.Y.Z" >&2; exit 1; }

# `go mod download` needs no go.mod for a module@version; run it outside any module so that a
# go.work or go.mod above the repository cannot change what it resolves.
json=$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "$MODULE@$version")
dir=$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
sum=$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",\{0,1\}$/\1/p')
[ -n "$dir" ] && [ -f "$dir/$FILE" ] || { echo "go mod download $MODULE@$version gave no $FILE:" >&2; echo "$json" >&2; exit 1; }
sha=$(sha256sum "$dir/$FILE" | cut -d' ' -f1)

if [ "$mode" = check ]; then
  status=0
  [ "$(pinned module-sum)" = "$sum" ] || { echo "$PIN: module-sum $(pinned module-sum) is not $MODULE@$version's go.sum hash $sum" >&2; status=1; }
  [ "$(pinned sha256)" = "$sha" ] || { echo "$PIN: sha256 $(pinned sha256) is not that of $FILE in $MODULE@$version ($sha)" >&2; status=1; }
  if ! cmp -s "$dir/$FILE" "$DEST"; then
    echo "$DEST differs from $FILE in $MODULE@$version: it is upstream's file, never edited here; run: bash scripts/update-cri-api.sh" >&2
    status=1
  fi
  [ "$status" = 0 ] && echo "cri api: $DEST is $MODULE@$version $FILE (sha256 $sha)"
  exit "$status"
fi

mkdir -p "$(dirname "$DEST")"
install -m 0644 "$dir/$FILE" "$DEST"
cat > "$PIN" <<PIN
# Written by scripts/update-cri-api.sh; do not edit. proto/cri/api.proto is this file of this module.
module $MODULE
version $version
path $FILE
module-sum $sum
sha256 $sha
PIN
echo "cri api: $DEST <- $MODULE@$version $FILE (sha256 $sha); now run: npm run generate"
