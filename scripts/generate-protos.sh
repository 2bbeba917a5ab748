#!/usr/bin/env bash
# The one script that generates every consumer's code from proto/. Each section writes only into
# its own consumer's generated/ folder; scripts/check-generated.sh runs this and fails on a diff.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "generate: hook tables (host + Node, Go and Python SDKs) from the hook_contract options"
node scripts/gen-hook-tables.mjs
echo "generate: node (host + plugin-sdk/node)"
node scripts/gen-node.mjs
npx proto-loader-gen-types --keepCase --longs=String --enums=String --defaults --oneofs \
  --grpcLib=@grpc/grpc-js --importFileExtension=.ts --outDir=src/host/generated/types proto/hookd/v1/plugin.proto >/dev/null
npx proto-loader-gen-types --keepCase --longs=String --enums=String --defaults --oneofs \
  --grpcLib=@grpc/grpc-js --importFileExtension=.ts --outDir=plugin-sdk/node/src/generated/types proto/hookd/v1/plugin.proto >/dev/null

for section in scripts/generate.d/*.sh; do
  [ -e "$section" ] || continue
  echo "generate: $(basename "$section" .sh)"
  bash "$section"
done
