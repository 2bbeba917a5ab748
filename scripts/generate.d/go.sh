#!/usr/bin/env bash
# Generates plugin-sdk/go/gen/hookdv1 from proto/hookd/v1 (called by scripts/generate-protos.sh).
#
# Deterministic by construction, because CI regenerates and diffs:
# - protoc-gen-go and protoc-gen-go-grpc are installed at the pinned versions below into
#   plugin-sdk/go/.bin (gitignored), never taken from the user's PATH;
# - the protoc version that the plugins write into each file's header is normalised, so that a
#   Debian protoc 3.21 and a newer protoc in CI produce the same bytes (proto3 without editions
#   generates identical code on both; only the header comment differs).
# Needs: go (>= 1.24) and protoc on PATH. The .proto is read in place, never copied.
set -euo pipefail
cd "$(dirname "$0")/../../plugin-sdk/go"

PROTOC_GEN_GO_VERSION=v1.36.11      # keep equal to google.golang.org/protobuf in go.mod
PROTOC_GEN_GO_GRPC_VERSION=v1.6.0

bin="$PWD/.bin"
install_tool() { # name module@version
  local stamp="$bin/.$1-$2"
  if [ ! -x "$bin/$1" ] || [ ! -e "$stamp" ]; then
    GOBIN="$bin" GOFLAGS=-mod=mod go install "$3@$2"
    rm -f "$bin/.$1-"*; touch "$stamp"
  fi
}
install_tool protoc-gen-go "$PROTOC_GEN_GO_VERSION" google.golang.org/protobuf/cmd/protoc-gen-go
install_tool protoc-gen-go-grpc "$PROTOC_GEN_GO_GRPC_VERSION" google.golang.org/grpc/cmd/protoc-gen-go-grpc

module=github.com/hookd/hookd/plugin-sdk/go
rm -rf gen/hookdv1
mkdir -p gen/hookdv1
protoc -I ../../proto \
  --plugin=protoc-gen-go="$bin/protoc-gen-go" --go_out=. --go_opt=module="$module" \
  --plugin=protoc-gen-go-grpc="$bin/protoc-gen-go-grpc" --go-grpc_out=. --go-grpc_opt=module="$module" \
  hookd/v1/plugin.proto

for file in gen/hookdv1/*.go; do
  sed -i -E 's#^(//[[:space:]]+-?[[:space:]]*protoc[[:space:]]+)v[0-9][^[:space:]]*$#\1(normalised by scripts/generate.d/go.sh)#' "$file"
done
