# A Node plugin from examples/<PLUGIN>, served as a sidecar: set HOOKD_LISTEN (and the
# HOOKD_TLS_* files for TCP) when running it (docs/protocol.md §3). Build from the repository root:
#   docker build -f docker/node-plugin.Dockerfile --build-arg PLUGIN=node-legacy-env .
# BASE_IMAGE: as in daemon.Dockerfile (public node image, or hookd-base-node:local offline).
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
WORKDIR /opt/hookd
COPY package.json package-lock.json ./
COPY plugin-sdk/node plugin-sdk/node
COPY examples examples
RUN [ -d node_modules ] || npm ci --omit=dev --ignore-scripts --no-audit --no-fund
ARG PLUGIN
RUN test -f "examples/${PLUGIN}/src/main.ts" || { echo "PLUGIN=${PLUGIN}: examples/${PLUGIN}/src/main.ts not found" >&2; exit 1; }
WORKDIR /opt/hookd/examples/${PLUGIN}
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
