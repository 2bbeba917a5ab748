#!/usr/bin/env bash
# Fails when generated code is stale: regenerates from proto/ and compares with what is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
# The pinned upstream CRI API is byte for byte the module's file (fetched through the Go module proxy).
bash scripts/update-cri-api.sh --check
bash scripts/generate-protos.sh
if ! git diff --exit-code --stat -- '*generated*' '*gen/*' '*_pb2*' '*_gen.go' '*_gen.py'; then
  echo "generated code is stale: run 'npm run generate' and commit the result" >&2
  exit 1
fi
untracked=$(git ls-files --others --exclude-standard -- '*generated*' '*gen/*' '*_pb2*' '*_gen.go' '*_gen.py')
if [ -n "$untracked" ]; then
  echo "generated files are not committed:" >&2; echo "$untracked" >&2; exit 1
fi
