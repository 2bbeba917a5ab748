#!/usr/bin/env bash
# The reference side of docs/cri.md's critest table: the same critest (scripts/cri-tools.sh), the
# same stand-in images (scripts/cri-images.sh) and the same skip list (test/cri/critest-skips.txt)
# against Debian's containerd 1.6 with its built-in CRI plugin and runc, set up like hookd:
# registry mirrors for registry.k8s.io, gcr.io, k8s.gcr.io and docker.io to the local registry,
# the pause image imported with `ctr -n k8s.io images import`, CNI bridge + portmap from
# /usr/lib/cni. Everything (config, socket, root, state, CNI config) lives in one temp dir; the
# daemon, its shims and the registry are stopped and the dir removed at the end.
#
#   scripts/cri-containerd-critest.sh [REPORT.json] [extra critest args...]
#
# Writes ginkgo's JSON report to REPORT.json (default: ./critest-containerd.json), critest's output
# and containerd's log beside it (REPORT.critest.log, REPORT.containerd.log), and prints the
# summary (node --import tsx test/cri/critest-table.ts compares it with hookd's report).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
report="$(realpath -m "${1:-critest-containerd.json}")"
shift || true

for tool in containerd containerd-shim-runc-v2 ctr runc skopeo docker-registry; do
  command -v "$tool" >/dev/null || { echo "cri-containerd-critest: $tool is not installed (apt-get install containerd runc skopeo docker-registry)" >&2; exit 1; }
done

eval "$(bash "$repo/scripts/cri-tools.sh" | sed 's/^/export /')" # crictl=..., critest=...
dir=$(mktemp -d /tmp/hookd-containerd-critest-XXXXXX)
sock="$dir/containerd.sock"
ctrd_pid=""

cleanup() {
  set +e
  # Logs stay beside the report (the temp dir goes).
  cp "$dir/critest.out" "${report%.json}.critest.log" 2>/dev/null
  cp "$dir/containerd.log" "${report%.json}.containerd.log" 2>/dev/null
  if [ -n "$ctrd_pid" ] && kill -0 "$ctrd_pid" 2>/dev/null; then
    # Pods first (their shims outlive containerd otherwise), then the daemon.
    "$crictl" -r "unix://$sock" rmp -af >/dev/null 2>&1
    kill "$ctrd_pid"; wait "$ctrd_pid" 2>/dev/null
  fi
  # Shims of this root that are still there (a pod critest left behind).
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $sock" || true); do kill -9 "$pid" 2>/dev/null; done
  [ -f "$dir/reg/registry.pid" ] && kill "$(cat "$dir/reg/registry.pid")" 2>/dev/null
  grep " $dir" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
  ip link del ctrdcri0 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

eval "$(bash "$repo/scripts/cri-images.sh" serve "$dir/reg" | sed 's/^/reg_/')" # reg_registry=..., reg_pid=...
mirror="http://$reg_registry"

mkdir -p "$dir/cni" "$dir/root" "$dir/state" "$dir/opt"
cat > "$dir/cni/10-ctrdcri.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "ctrdcri",
  "plugins": [
    { "type": "bridge", "bridge": "ctrdcri0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.123.0.0/16" }]], "routes": [{ "dst": "0.0.0.0/0" }],
                "dataDir": "$dir/ipam" } },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF

mirrors=""
for host in registry.k8s.io gcr.io k8s.gcr.io docker.io; do
  mirrors+="
    [plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"$host\"]
      endpoint = [\"$mirror\"]"
done
stream_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$dir/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.9"
    stream_server_address = "127.0.0.1"
    stream_server_port = "$stream_port"
    # Root here cannot set a negative oom_score_adj (the pause container asks for -998): clamp it.
    restrict_oom_score_adj = true
    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"
      snapshotter = "overlayfs"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$dir/cni"
    [plugins."io.containerd.grpc.v1.cri".registry]$mirrors
EOF

containerd --config "$dir/config.toml" > "$dir/containerd.log" 2>&1 &
ctrd_pid=$!
for _ in $(seq 1 300); do
  [ -S "$sock" ] && "$crictl" -r "unix://$sock" version >/dev/null 2>&1 && break
  kill -0 "$ctrd_pid" 2>/dev/null || { echo "containerd exited:" >&2; tail -30 "$dir/containerd.log" >&2; exit 1; }
  sleep 0.2
done

layout=$(bash "$repo/scripts/cri-images.sh" build | sed -n 's/^layout=//p')
skopeo copy --quiet "oci:$layout:pause" "docker-archive:$dir/pause.tar:registry.k8s.io/pause:3.9"
ctr -a "$sock" -n k8s.io images import "$dir/pause.tar" >/dev/null

mapfile -t skips < <(grep -v '^\s*#' "$repo/test/cri/critest-skips.txt" | sed -n 's/^\(.*\S\)\s*$/\1/p')
skip_args=()
for pattern in "${skips[@]}"; do skip_args+=("-ginkgo.skip=$pattern"); done

echo "cri-containerd-critest: running critest against containerd $(containerd --version | awk '{print $3}') (log: $dir/containerd.log)" >&2
set +e
(cd "$dir" && nice -n 5 "$critest" -runtime-endpoint "unix://$sock" -image-endpoint "unix://$sock" \
  -ginkgo.json-report="$report" -ginkgo.no-color "${skip_args[@]}" "$@" > "$dir/critest.out" 2>&1)
status=$?
set -e
tail -5 "$dir/critest.out" >&2
echo "cri-containerd-critest: critest exited $status; report in $report" >&2
node --import tsx "$repo/test/cri/critest-table.ts" "containerd=$report"
