# The compose test's driver (test/compose/): a Node program that talks to the daemon's API through
# the shared socket volume and asserts what each sidecar plugin did. Same BASE_IMAGE as the daemon.
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
WORKDIR /opt/hookd
COPY package.json package-lock.json ./
COPY plugin-sdk/node plugin-sdk/node
COPY examples examples
RUN [ -d node_modules ] || npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY test/compose test/compose
ENTRYPOINT ["node", "--import", "tsx", "test/compose/main.ts"]
CMD ["effects"]
