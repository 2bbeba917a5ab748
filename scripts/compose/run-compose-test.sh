#!/usr/bin/env bash
# The compose integration test, start to finish (docs/integration-testing.md). Run by .ci/run and
# by test/compose/compose.test.ts:
#
#   1. a Docker engine: installs docker.io + docker-compose (and busybox-static, python3.11,
#      openssl) from Debian and starts dockerd when they are missing and we are root; otherwise
#      exits 77 with the reason (a skip, not a pass)
#   2. the local base images (scripts/compose/build-base-images.sh, offline) and the TLS material
#      (scripts/compose/gen-certs.sh)
#   3. `docker-compose up --build --exit-code-from tests`: every sidecar's effect
#   4. resilience, against the same stack brought up again:
#        stop go-endpoint-params (failurePolicy ignore) → starts skip it, with a warning in the log
#        stop legacy-env (required)                     → creates fail closed naming it
#        start both                                      → every effect is back (redialled)
#        restart volume-defaults                         → every effect is back
#   5. `docker-compose down -v`, always
#
# Environment: HOOKD_COMPOSE_PUBLIC_IMAGES=1 builds on the public base images instead of the local
# ones (needs a registry); HOOKD_COMPOSE_PROJECT names the compose project (default: one per run);
# HOOKD_COMPOSE_REQUIRED=1 (CI) turns every reason to skip into a failure.
# Exit status: 0 passed, 1 failed, 77 skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."

SKIPPED=77
# The engine, the base images' shell (busybox) and Python, and openssl for the certificates.
DEBIAN_PACKAGES=(docker.io docker-compose busybox-static python3.11 python3.11-venv openssl)
ENGINE_START_TIMEOUT_S=60
project=${HOOKD_COMPOSE_PROJECT:-hookd-it-$$}
logs=$(mktemp -d /tmp/hookd-compose-test.XXXXXX)
started=$(date +%s)

say() { echo "compose-test [$(( $(date +%s) - started ))s] $*"; }
# HOOKD_COMPOSE_REQUIRED=1 (CI): a reason to skip is a failure, so a broken engine never passes as "skipped".
skip() {
  [ "${HOOKD_COMPOSE_REQUIRED:-0}" = 1 ] && fail "$* (HOOKD_COMPOSE_REQUIRED=1: not skipping)"
  echo "compose-test: SKIP: $*"
  rm -rf "$logs"
  exit "$SKIPPED"
}
fail() { echo "compose-test: FAIL: $*" >&2; exit 1; }

# --- 1. the engine ------------------------------------------------------------------------------
install_engine() {
  [ "$(id -u)" = 0 ] || skip "a tool is missing and we are not root to install it (apt-get install ${DEBIAN_PACKAGES[*]})"
  command -v apt-get >/dev/null || skip "a tool is missing and there is no apt-get to install it (${DEBIAN_PACKAGES[*]})"
  say "installing ${DEBIAN_PACKAGES[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$logs/apt.log" 2>&1 || skip "apt-get update failed: $(tail -3 "$logs/apt.log")"
  apt-get install -y -qq "${DEBIAN_PACKAGES[@]}" >>"$logs/apt.log" 2>&1 || skip "apt-get install failed: $(tail -3 "$logs/apt.log")"
}

start_engine() {
  local reason
  reason=$(docker info 2>&1 >/dev/null) && return 0
  [ "$(id -u)" = 0 ] || skip "the Docker engine cannot be reached and we are not root to start it: $(echo "$reason" | tail -1)"
  command -v dockerd >/dev/null || skip "the Docker engine is not running and dockerd is not installed"
  say "starting dockerd (log: /var/log/hookd-dockerd.log)"
  # setsid: dockerd outlives this script (the next run reuses it) and is not in our process group.
  setsid dockerd >>/var/log/hookd-dockerd.log 2>&1 </dev/null &
  for _ in $(seq "$ENGINE_START_TIMEOUT_S"); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  skip "dockerd did not come up within ${ENGINE_START_TIMEOUT_S}s: $(tail -3 /var/log/hookd-dockerd.log)"
}

needs_install=0
command -v docker >/dev/null || needs_install=1
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || needs_install=1
[ -x /bin/busybox ] || needs_install=1
[ -x /usr/bin/python3.11 ] || needs_install=1
command -v openssl >/dev/null || needs_install=1
[ "$needs_install" = 0 ] || install_engine
start_engine
if command -v docker-compose >/dev/null; then compose=(docker-compose); else compose=(docker compose); fi
dc() { "${compose[@]}" -p "$project" --ansi never "$@"; }

cleanup() {
  local status=$?
  if [ "$status" != 0 ] && [ "$status" != "$SKIPPED" ]; then
    echo "--- last daemon and sidecar logs (all of them: $logs) ---" >&2
    dc logs --no-color --tail 40 >"$logs/compose.log" 2>&1 || true
    tail -120 "$logs/compose.log" >&2 || true
  fi
  dc down -v --remove-orphans --timeout 5 >/dev/null 2>&1 || true
  # The logs stay for a look after a failure; a pass leaves nothing behind.
  if [ "$status" = 0 ]; then rm -rf "$logs"; else echo "compose-test: logs in $logs" >&2; fi
  say "torn down (exit $status)"
}
trap cleanup EXIT
# A signal (the node test's timeout, ^C) ends the run through the EXIT trap, so compose is torn down.
trap 'exit 143' TERM
trap 'exit 130' INT

# --- 2. images and keys -------------------------------------------------------------------------
if [ "${HOOKD_COMPOSE_PUBLIC_IMAGES:-0}" != 1 ]; then
  say "building the local base images"
  bash scripts/compose/build-base-images.sh
  export HOOKD_NODE_IMAGE=hookd-base-node:local HOOKD_PYTHON_IMAGE=hookd-base-python:local
  export HOOKD_GO_IMAGE=hookd-base-go:local HOOKD_STATIC_IMAGE=hookd-base-static:local
fi
bash scripts/compose/gen-certs.sh

say "npm run build (the images copy dist/ and the plugins' bundles)"
npm run build >"$logs/npm-build.log" 2>&1 || { tail -40 "$logs/npm-build.log" >&2; fail "npm run build failed"; }
say "building the daemon, plugin and tests images"
dc build >"$logs/build.log" 2>&1 || { tail -40 "$logs/build.log" >&2; fail "docker-compose build failed"; }

# --- 3. the integration test as a plugin author runs it ---------------------------------------
say "docker-compose up --exit-code-from tests"
status=0
dc up --exit-code-from tests >"$logs/up.log" 2>&1 || status=$?
sed -n 's/^tests[-_]1 *| //p' "$logs/up.log"
[ "$status" = 0 ] || { tail -60 "$logs/up.log" >&2; fail "the tests service exited with $status"; }

# --- 4. resilience --------------------------------------------------------------------------------
run_tests() { dc run --rm --no-deps tests "$@" 2>"$logs/run.err" || { cat "$logs/run.err" >&2; fail "tests $*"; }; }

say "bringing the stack up again for the resilience checks"
# Every service but the tests, including any a docker-compose.override.yml adds.
mapfile -t services < <(dc config --services | grep -vx tests)
dc up -d "${services[@]}" >"$logs/up-d.log" 2>&1 \
  || { cat "$logs/up-d.log" >&2; fail "docker-compose up -d"; }
run_tests back

say "stopping go-endpoint-params (failurePolicy ignore)"
dc stop go-endpoint-params >/dev/null 2>&1
run_tests optional-away
# Through a file: grep -q stops reading at the first match, and pipefail would count the SIGPIPE.
dc logs --no-color daemon >"$logs/daemon.log" 2>&1
grep -q 'skipping plugin \\"go-endpoint-params\\"' "$logs/daemon.log" \
  || fail "the daemon's log has no warning that it skipped go-endpoint-params"
echo "ok    the daemon's log warns that it skipped go-endpoint-params"

say "stopping legacy-env (required)"
dc stop legacy-env >/dev/null 2>&1
run_tests required-away

say "starting legacy-env and go-endpoint-params again"
dc start legacy-env go-endpoint-params >/dev/null 2>&1
run_tests back legacy-env go-endpoint-params

say "restarting volume-defaults"
dc restart volume-defaults >/dev/null 2>&1
run_tests back volume-defaults

say "PASS"
