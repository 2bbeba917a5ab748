#!/usr/bin/env bash
# Builds the plugin binary that manifest.json launches: examples/go-env-files/bin/go-env-files.
# The daemon runs a binary, never `go run` (a compile on every plugin start would blow the start timeout).
set -euo pipefail
cd "$(dirname "$0")"
CGO_ENABLED=0 go build -trimpath -o bin/go-env-files .
echo "built $(pwd)/bin/go-env-files"
