# A Python plugin from examples/<PLUGIN>, run as `python3 -m <MODULE>`, served as a sidecar: set
# HOOKD_LISTEN (and the HOOKD_TLS_* files for TCP) when running it (docs/protocol.md §3).
#   docker build -f docker/python-plugin.Dockerfile --build-arg PLUGIN=python-volume-defaults --build-arg MODULE=volume_defaults .
# BASE_IMAGE: the public Python image (the SDK's dependencies come from PyPI here), or
# hookd-base-python:local from scripts/compose/build-base-images.sh, which already has them.
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}
WORKDIR /opt/hookd
COPY plugin-sdk/python plugin-sdk/python
RUN python3 -c 'import grpc, grpc_health.v1.health, google.protobuf' 2>/dev/null \
  || pip install --no-cache-dir ./plugin-sdk/python
ARG PLUGIN
ARG MODULE
COPY examples/${PLUGIN} examples/${PLUGIN}
WORKDIR /opt/hookd/examples/${PLUGIN}
ENV PYTHONPATH=/opt/hookd/plugin-sdk/python/src HOOKD_PYTHON_MODULE=${MODULE}
RUN python3 -c "import ${MODULE}.plugin" || { echo "MODULE=${MODULE} cannot be imported from examples/${PLUGIN}" >&2; exit 1; }
ENTRYPOINT ["sh", "-c", "exec python3 -m \"$HOOKD_PYTHON_MODULE\" \"$@\"", "--"]
