# A Go plugin from examples/<PLUGIN>, built static (CGO_ENABLED=0) and served as a sidecar: set
# HOOKD_LISTEN (and the HOOKD_TLS_* files for TCP) when running it (docs/protocol.md §3).
#   docker build -f docker/go-plugin.Dockerfile --build-arg PLUGIN=go-endpoint-params .
# GO_IMAGE builds, BASE_IMAGE runs. Defaults are public images; offline,
# scripts/compose/build-base-images.sh makes hookd-base-go:local (with every module the examples
# need, GOPROXY=off) and hookd-base-static:local.
ARG GO_IMAGE=golang:1.25-bookworm
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${GO_IMAGE} AS build
ENV CGO_ENABLED=0
WORKDIR /src
COPY plugin-sdk/go plugin-sdk/go
# The SDK with gRPC and protobuf compiled once, before PLUGIN is known, so that every Go plugin
# image shares this layer (and its build cache) instead of compiling gRPC again.
RUN cd plugin-sdk/go && go build -trimpath ./...
ARG PLUGIN
COPY examples/${PLUGIN} examples/${PLUGIN}
RUN cd "examples/${PLUGIN}" && go build -trimpath -o /out/hookd-plugin .

FROM ${BASE_IMAGE}
COPY --from=build /out/hookd-plugin /usr/local/bin/hookd-plugin
ENTRYPOINT ["/usr/local/bin/hookd-plugin"]
