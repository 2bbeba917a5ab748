#!/usr/bin/env bash
# critest against a hookd daemon of this checkout, outside the test runner: the same critest
# (scripts/cri-tools.sh), stand-in images (scripts/cri-images.sh) and skip list
# (test/cri/critest-skips.txt) as test/cri/critest.test.ts, for a full report while working on
# the CRI. The daemon (runc, a private data root, bridge and subnet) and the registry live in one
# temp dir; pods and containers are removed, the daemon and registry stopped, the dir removed.
#
#   scripts/cri-hookd-critest.sh [REPORT.json] [extra critest args, e.g. -ginkgo.focus=PodSandbox]
#
# Writes ginkgo's JSON report to REPORT.json (default ./critest-hookd.json), critest's output and
# the daemon's log beside it (REPORT.critest.log, REPORT.daemon.log), and prints the summary.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
report="$(realpath -m "${1:-critest-hookd.json}")"
shift || true

eval "$(bash "$repo/scripts/cri-tools.sh" | sed 's/^/export /')" # crictl=..., critest=...
(cd "$repo" && node scripts/build.mjs --js-only >/dev/null)
dir=$(mktemp -d /tmp/hookd-critest-XXXXXX)
bridge="hkc$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
daemon_pid=""

cleanup() {
  set +e
  cp "$dir/critest.out" "${report%.json}.critest.log" 2>/dev/null
  cp "$dir/daemon.log" "${report%.json}.daemon.log" 2>/dev/null
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    "$crictl" -r "unix://$dir/data/cri.sock" rm -af >/dev/null 2>&1
    "$crictl" -r "unix://$dir/data/cri.sock" rmp -af >/dev/null 2>&1
    ids=$(docker -H "unix://$dir/data/hookd.sock" ps -aq 2>/dev/null)
    [ -n "$ids" ] && docker -H "unix://$dir/data/hookd.sock" rm -f $ids >/dev/null 2>&1
    kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null
  fi
  [ -f "$dir/reg/registry.pid" ] && kill "$(cat "$dir/reg/registry.pid")" 2>/dev/null
  grep " $dir" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
  ip link del "$bridge" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

eval "$(bash "$repo/scripts/cri-images.sh" serve "$dir/reg" | sed 's/^/reg_/')" # reg_registry=..., reg_pid=...
mirror="http://$reg_registry"
cat > "$dir/hookd.json" <<EOF
{
  "dataRoot": "$dir/data", "pluginsDir": "$dir/plugins.d", "runtime": "runc", "runRoot": "$dir/run", "logLevel": "debug",
  "network": { "bridgeName": "$bridge", "subnet": "10.$((100 + RANDOM % 100)).$((RANDOM % 256)).0/24" },
  "registries": { "mirrors": { "registry.k8s.io": "$mirror", "gcr.io": "$mirror", "k8s.gcr.io": "$mirror", "docker.io": "$mirror" } }
}
EOF
mkdir -p "$dir/plugins.d"
node "$repo/bin/hookd.js" daemon --config "$dir/hookd.json" > "$dir/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 300); do
  grep -q 'is listening on' "$dir/daemon.log" 2>/dev/null && [ -S "$dir/data/cri.sock" ] && break
  kill -0 "$daemon_pid" 2>/dev/null || { echo "hookd exited:" >&2; tail -30 "$dir/daemon.log" >&2; exit 1; }
  sleep 0.2
done

mapfile -t skips < <(grep -v '^\s*#' "$repo/test/cri/critest-skips.txt" | sed -n 's/^\(.*\S\)\s*$/\1/p')
skip_args=()
for pattern in "${skips[@]}"; do skip_args+=("-ginkgo.skip=$pattern"); done

echo "cri-hookd-critest: running critest against hookd (daemon log: $dir/daemon.log)" >&2
set +e
(cd "$dir" && "$critest" -runtime-endpoint "unix://$dir/data/cri.sock" -image-endpoint "unix://$dir/data/cri.sock" \
  -ginkgo.json-report="$report" -ginkgo.no-color "${skip_args[@]}" "$@" > "$dir/critest.out" 2>&1)
status=$?
set -e
tail -5 "$dir/critest.out" >&2
echo "cri-hookd-critest: critest exited $status; report in $report" >&2
node --import tsx "$repo/test/cri/critest-table.ts" "hookd=$report"
