# The hookd daemon, compiled (dist/). Build from the repository root after `npm run build`:
#   npm run build && docker build -f docker/daemon.Dockerfile .
# BASE_IMAGE is any image with Node 20 and a shell. The default is the public image, which gets the
# production dependencies from npm here; scripts/compose/build-base-images.sh makes
# hookd-base-node:local, which already holds them in /opt/hookd/node_modules, for machines offline.
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
WORKDIR /opt/hookd
# npm ci needs every workspace's package.json; the examples are small.
COPY package.json package-lock.json ./
COPY plugin-sdk/node plugin-sdk/node
COPY examples examples
RUN [ -d node_modules ] || npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY dist dist
COPY bin bin
RUN test -f dist/cli/main.js || { echo "dist/ is missing: run npm run build before docker build" >&2; exit 1; }
# The config and the plugin manifests are the deployment's: mount them at /etc/hookd.
ENTRYPOINT ["node", "bin/hookd.js"]
CMD ["daemon", "--config", "/etc/hookd/hookd.json"]
