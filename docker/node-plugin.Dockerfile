# A Node plugin from examples/<PLUGIN>, served as a sidecar: set HOOKD_LISTEN (and the
# HOOKD_TLS_* files for TCP) when running it (docs/protocol.md §3). The image runs the plugin's
# bundle, examples/<PLUGIN>/dist/main.js: one file with the SDK and grpc-js inside, so the image
# needs nothing but node. Build from the repository root after `npm run build`:
#   npm run build && docker build -f docker/node-plugin.Dockerfile --build-arg PLUGIN=node-legacy-env .
# BASE_IMAGE: as in daemon.Dockerfile (public node image, or hookd-base-node:local offline).
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
ARG PLUGIN
WORKDIR /opt/hookd/examples/${PLUGIN}
COPY examples/${PLUGIN} .
RUN test -f dist/main.js || { echo "PLUGIN=${PLUGIN}: examples/${PLUGIN}/dist/main.js not found (run npm run build first)" >&2; exit 1; }
ENTRYPOINT ["node", "dist/main.js"]
