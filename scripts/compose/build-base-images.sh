#!/usr/bin/env bash
# Builds the local base images of the compose test offline, from this machine's own runtimes, so
# that `docker build` never pulls (no registry is reachable here). Each image is a root filesystem
# assembled in a temporary directory and loaded with `docker import`:
#
#   hookd-base-node:local     node + its shared libraries + busybox, and the repository's
#                             production node_modules (npm ci --omit=dev) in /opt/hookd
#   hookd-base-python:local   Debian's /usr/bin/python3.11 + stdlib + grpcio/protobuf from plugin-sdk/python/.venv
#   hookd-base-go:local       the Go toolchain (/usr/local/go) + the Go modules the SDK and examples need,
#                             with GOPROXY=off: the build stage of docker/go-plugin.Dockerfile
#   hookd-base-static:local   busybox + CA certificates: where the static Go plugins run
#
# On a machine with internet access none of this is needed: the Dockerfiles default to public
# images (node:20-bookworm-slim, python:3.11-slim-bookworm, golang:1.25-bookworm, debian:bookworm-slim).
# An image that already exists is kept unless HOOKD_REBUILD_BASE=1 (its inputs rarely change).
#
# Needs: docker, busybox-static (/bin/busybox), node + npm, Debian's python3.11, go; run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

for tool in docker node npm go; do
  command -v "$tool" >/dev/null || { echo "build-base-images: $tool is not installed" >&2; exit 1; }
done
[ -x /bin/busybox ] || { echo "build-base-images: /bin/busybox is missing (apt-get install busybox-static)" >&2; exit 1; }
[ -x /usr/bin/python3.11 ] || { echo "build-base-images: /usr/bin/python3.11 is missing (apt-get install python3.11)" >&2; exit 1; }

work=$(mktemp -d /tmp/hookd-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

needs_build() {
  if [ "${HOOKD_REBUILD_BASE:-0}" != 1 ] && docker image inspect "$1" >/dev/null 2>&1; then
    echo "build-base-images: $1 exists (HOOKD_REBUILD_BASE=1 rebuilds it)"
    return 1
  fi
}

# Copies a host file to the same place under $root: the file itself at its resolved path, and a
# link at the path it was named by when that differs (/lib64/ld-linux-x86-64.so.2 on a merged-/usr
# host resolves to /usr/lib/x86_64-linux-gnu/...; the binary asks for the first).
copy_path() {
  local root=$1 path=$2 real named
  real=$(readlink -f "$path")
  named=$(readlink -f "$(dirname "$path")")/$(basename "$path")
  # A busybox applet link at that path gives way to the real program.
  [ -L "$root$real" ] && rm "$root$real"
  if [ ! -e "$root$real" ]; then
    mkdir -p "$root$(dirname "$real")"
    cp "$real" "$root$real"
  fi
  if [ "$named" != "$real" ] && [ ! -e "$root$named" ]; then
    mkdir -p "$root$(dirname "$named")"
    ln -s "$real" "$root$named"
  fi
}

# Copies the shared libraries (ldd) that each file under $root loads, from the host.
copy_libs() {
  local root=$1 file lib
  shift
  for file in "$@"; do
    # ldd prints "name => /path (addr)" for libraries and "/path (addr)" for the loader.
    for lib in $(ldd "$file" 2>/dev/null | grep -o '/[^ ]*' || true); do copy_path "$root" "$lib"; done
  done
}

# Copies host executables to the same paths under $root, with their libraries.
copy_with_libs() {
  local root=$1 file
  shift
  for file in "$@"; do
    copy_path "$root" "$file"
    copy_libs "$root" "$(readlink -f "$file")"
  done
}

# A root filesystem with busybox as /bin/sh and its applets, users, CA certificates and /tmp.
new_rootfs() {
  local root=$1 link applet
  mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc/ssl/certs,tmp,root,run,var/tmp,proc,sys,dev}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  for link in bin sbin lib lib64; do ln -s "usr/$link" "$root/$link"; done
  cp /bin/busybox "$root/usr/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$root/usr/bin/$applet" ] || ln -s busybox "$root/usr/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  [ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  return 0
}

import_rootfs() {
  local root=$1 tag=$2
  shift 2
  local changes=()
  for change in "$@"; do changes+=(--change "$change"); done
  tar --numeric-owner -C "$root" -cf - . | docker import "${changes[@]}" - "$tag" >/dev/null
  echo "build-base-images: built $tag ($(du -sh "$root" | cut -f1))"
}

# Runs a command in the new image, so a missing library fails here, naming the image, and not
# later in a plugin's container.
smoke_test() {
  local tag=$1 output
  shift
  if ! output=$(docker run --rm --network none "$tag" "$@" 2>&1); then
    docker rmi "$tag" >/dev/null 2>&1 || true
    echo "build-base-images: $tag does not work, so it was removed: $* said: $output" >&2
    exit 1
  fi
}

build_node() {
  local tag=hookd-base-node:local root=$work/node stage=$work/node-modules dir
  needs_build "$tag" || return 0
  new_rootfs "$root"
  # The daemon runs GNU tar (--quoting-style), cp -a, du -sb and mkfifo: the real ones, not busybox's.
  copy_with_libs "$root" "$(command -v node)" "$(command -v tar)" "$(command -v cp)" "$(command -v du)" "$(command -v mkfifo)"
  # node may be a tarball install elsewhere (/usr/local/lib/nodejs/...): put it on PATH as /usr/bin/node.
  [ -e "$root/usr/bin/node" ] || ln -s "$(readlink -f "$(command -v node)")" "$root/usr/bin/node"
  # The production dependencies of the workspace, installed from the lockfile (npm's cache first).
  mkdir -p "$stage"
  cp package.json package-lock.json "$stage/"
  for dir in plugin-sdk/node examples/*/; do
    dir=${dir%/}
    [ -f "$dir/package.json" ] || continue
    mkdir -p "$stage/$dir" && cp "$dir/package.json" "$stage/$dir/"
  done
  (cd "$stage" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error)
  mkdir -p "$root/opt/hookd"
  cp -a "$stage/node_modules" "$root/opt/hookd/node_modules"
  import_rootfs "$root" "$tag" 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' 'WORKDIR /opt/hookd'
  smoke_test "$tag" node -e 'require("/opt/hookd/node_modules/@grpc/grpc-js"); require("node:child_process").execFileSync("tar", ["--version"])'
}

build_python() {
  local tag=hookd-base-python:local root=$work/python venv=plugin-sdk/python/.venv site pkg
  needs_build "$tag" || return 0
  if [ ! -x "$venv/bin/python" ]; then
    # No SDK venv yet (scripts/generate.d/python.sh makes it): a throwaway one with the same pins.
    venv=$work/venv
    /usr/bin/python3.11 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r plugin-sdk/python/requirements-dev.txt
  fi
  new_rootfs "$root"
  copy_with_libs "$root" /usr/bin/python3.11
  ln -s python3.11 "$root/usr/bin/python3"
  ln -s python3.11 "$root/usr/bin/python"
  mkdir -p "$root/usr/lib/python3.11"
  tar -C /usr/lib/python3.11 --exclude=test --exclude=__pycache__ --exclude=idlelib --exclude=tkinter -cf - . | tar -C "$root/usr/lib/python3.11" -xf -
  # The SDK's runtime dependencies only (no mypy, pytest or grpcio-tools), from the venv the
  # generator made: the same versions the SDK is tested with.
  site=$(echo "$venv"/lib/python3.11/site-packages)
  mkdir -p "$root/usr/local/lib/python3.11/dist-packages"
  for pkg in grpc grpc_health google typing_extensions.py grpcio-*.dist-info grpcio_health_checking-*.dist-info protobuf-*.dist-info typing_extensions-*.dist-info; do
    case $pkg in grpcio_tools*) continue ;; esac
    cp -a "$site"/$pkg "$root/usr/local/lib/python3.11/dist-packages/"
  done
  rm -rf "$root/usr/local/lib/python3.11/dist-packages/grpcio_tools"*
  copy_libs "$root" $(find "$root/usr/lib/python3.11/lib-dynload" "$root/usr/local/lib/python3.11/dist-packages" -name '*.so')
  import_rootfs "$root" "$tag" 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' 'ENV PYTHONDONTWRITEBYTECODE=1'
  smoke_test "$tag" python3 -c 'import grpc, grpc_health.v1.health, google.protobuf, ssl, asyncio'
}

build_go() {
  local tag=hookd-base-go:local root=$work/go goroot dir
  needs_build "$tag" || return 0
  new_rootfs "$root"
  goroot=$(go env GOROOT)
  mkdir -p "$root/usr/local/go"
  tar -C "$goroot" --exclude=./test --exclude=./doc --exclude=./api --exclude=testdata -cf - . | tar -C "$root/usr/local/go" -xf -
  # Every module the SDK and the examples build with, from the host's module cache first (the Go
  # proxy only for what it lacks), so the image builds with GOPROXY=off.
  local hostcache
  hostcache=$(go env GOMODCACHE)
  for dir in plugin-sdk/go examples/go-*/; do
    [ -f "$dir/go.mod" ] || continue
    (cd "$dir" && GOMODCACHE="$root/go/pkg/mod" GOFLAGS=-mod=mod GOTOOLCHAIN=local \
      GOPROXY="file://$hostcache/cache/download,$(go env GOPROXY)" go mod download)
  done
  chmod -R u+w "$root/go"
  import_rootfs "$root" "$tag" \
    'ENV PATH=/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin' 'ENV GOPATH=/go' 'ENV GOMODCACHE=/go/pkg/mod' \
    'ENV GOPROXY=off' 'ENV GOTOOLCHAIN=local' 'ENV GOFLAGS=-mod=mod'
  smoke_test "$tag" go version
}

build_static() {
  local tag=hookd-base-static:local root=$work/static
  needs_build "$tag" || return 0
  new_rootfs "$root"
  import_rootfs "$root" "$tag" 'ENV PATH=/usr/local/bin:/usr/bin:/bin'
  smoke_test "$tag" sh -c true
}

build_node
build_python
build_go
build_static
