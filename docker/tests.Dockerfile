# The compose test's driver (test/compose/): a Node program that talks to the daemon's API through
# the shared socket volume and asserts what each sidecar plugin did. Same BASE_IMAGE as the daemon.
# It runs test/compose/dist/main.js, the driver bundled into one file by `npm run build`.
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
WORKDIR /opt/hookd
COPY test/compose/dist test/compose/dist
ENTRYPOINT ["node", "test/compose/dist/main.js"]
CMD ["effects"]
