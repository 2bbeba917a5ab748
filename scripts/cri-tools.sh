#!/usr/bin/env bash
# Builds crictl and critest from sigs.k8s.io/cri-tools (pinned below; the Go module proxy serves
# it) once into a cache dir shared by every clone and worktree, and prints the two paths:
#   crictl=<path>
#   critest=<path>
# A second run finds the binaries at that version and builds nothing. critest is not a command but
# a Go test binary (`go test -c ./cmd/critest` inside the module), so it is compiled in a writable
# copy of the module's directory (the module cache is read-only).
#
# The cache: $HOOKD_CRI_TOOLS_DIR, else ${XDG_CACHE_HOME:-~/.cache}/hookd/cri-tools/<version>.
# Go builds run under `nice -n 10` (the machine is shared).
set -euo pipefail
version=v1.37.0
module=sigs.k8s.io/cri-tools
cache="${HOOKD_CRI_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hookd/cri-tools/$version}"
crictl="$cache/crictl"
critest="$cache/critest"

command -v go >/dev/null || { echo "cri-tools: go is required to build crictl and critest" >&2; exit 1; }
mkdir -p "$cache"
# Test files running together may all ask on a cold cache: one builds, the others wait here and
# then find the binaries.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$crictl" ]; then
  echo "cri-tools: building crictl $version into $cache" >&2
  GOBIN="$cache/.gobin" nice -n 10 go install "$module/cmd/crictl@$version"
  mv "$cache/.gobin/crictl" "$crictl.partial" && mv "$crictl.partial" "$crictl"
  rmdir "$cache/.gobin" 2>/dev/null || true
fi

if [ ! -x "$critest" ]; then
  echo "cri-tools: building critest $version into $cache" >&2
  dir=$(nice -n 10 go mod download -json "$module@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || { echo "cri-tools: go mod download gave no directory for $module@$version" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
  cp -r "$dir/." "$work/src" && chmod -R u+w "$work/src"
  (cd "$work/src" && GOFLAGS=-mod=mod nice -n 10 go test -c -o "$critest.partial" ./cmd/critest)
  mv "$critest.partial" "$critest"
fi

echo "crictl=$crictl"
echo "critest=$critest"
