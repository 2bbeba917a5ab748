#!/usr/bin/env bash
# Builds the plugin binary that manifest.json launches: examples/go-cri-pod-network/bin/go-cri-pod-network.
# The daemon runs a binary, never `go run` (a compile on every plugin start would blow the start timeout).
set -euo pipefail
cd "$(dirname "$0")"
CGO_ENABLED=0 go build -trimpath -o bin/go-cri-pod-network .
echo "built $(pwd)/bin/go-cri-pod-network"
