#!/usr/bin/env bash
# Builds a busybox image from the machine's busybox-static (no registry needed) and imports it
# into a running hookd as busybox:latest. Usage: scripts/import-busybox.sh [unix:///path/hookd.sock]
set -euo pipefail
host="${1:-unix://$(cd "$(dirname "$0")/.." && pwd)/.hookd/hookd.sock}"
busybox=$(command -v busybox || true)
if [ -z "$busybox" ] || ! file -L "$busybox" 2>/dev/null | grep -q static && ! ldd "$busybox" 2>&1 | grep -q "not a dynamic"; then
  busybox=/bin/busybox
fi
if [ ! -x "$busybox" ]; then
  echo "busybox-static is not installed: apt-get install busybox-static" >&2
  exit 1
fi
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev,root,etc/profile.d}
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
echo 'root:x:0:' > "$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
tar -C "$rootfs" -cf - . | docker -H "$host" import --change 'CMD ["/bin/sh"]' - busybox:latest
