#!/usr/bin/env bash
# crun refuses a hybrid cgroup host (v1 controllers plus a cgroup2 mount) whose cgroup2 still has
# controllers ("cgroups in hybrid mode not supported, drop all controllers from cgroupv2"). On
# hosts that mount every v1 controller but hugetlb (or another), that controller stays on cgroup2.
# This binds each such controller to a v1 hierarchy of its own, as systemd's hybrid layout does,
# so that cgroup2 has none left. Idempotent; needs root; does nothing on pure v1 or v2 hosts.
set -euo pipefail
unified=/sys/fs/cgroup/unified
[ -f "$unified/cgroup.controllers" ] || exit 0
for controller in $(cat "$unified/cgroup.controllers"); do
  target="/sys/fs/cgroup/$controller"
  if mountpoint -q "$target"; then continue; fi
  mkdir -p "$target"
  mount -t cgroup -o "$controller" cgroup "$target"
  echo "prepare-cgroups: bound $controller to cgroup v1 at $target"
done
