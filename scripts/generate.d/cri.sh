#!/usr/bin/env bash
# Generates src/daemon/cri/generated/ from the pinned CRI API, proto/cri/api.proto (called by
# scripts/generate-protos.sh): the JSON descriptor the server loads, and the message and handler
# types its handlers are written against. The proto itself is refreshed only by
# scripts/update-cri-api.sh, never here.
set -euo pipefail
cd "$(dirname "$0")/../.."
node scripts/gen-cri.mjs
rm -rf src/daemon/cri/generated/types
npx proto-loader-gen-types --keepCase --longs=String --enums=String --defaults --oneofs \
  --grpcLib=@grpc/grpc-js --importFileExtension=.ts --outDir=src/daemon/cri/generated/types proto/cri/api.proto >/dev/null
