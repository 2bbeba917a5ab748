"""Running a plugin: where to listen (from the HOOKD_* environment), the gRPC server with the
Plugin and Health services, and the three ways it stops (Shutdown RPC, stdin closed, signal).

- Launched by the daemon: HOOKD_PLUGIN_ADDRESS (unix:///abs/path.sock) is set, with
  HOOKD_PLUGIN_NAME and HOOKD_PROTOCOL_VERSIONS. The daemon holds our stdin open; when it closes
  (the daemon died, even by SIGKILL) we exit, so no plugin outlives its daemon.
- Sidecar: HOOKD_LISTEN is "unix:///path" or "host:port". TCP requires TLS (HOOKD_TLS_CERT_FILE,
  HOOKD_TLS_KEY_FILE), mutual when HOOKD_TLS_CLIENT_CA_FILE is set. stdin is not watched.
- Neither: somebody ran the plugin by hand; say what it is and exit 1.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from .logs import install_json_logging
from .plugin import Plugin
from .service import PROTOCOL_VERSIONS, SERVICE_NAME, PluginService

SHUTDOWN_GRACE_S = 3.0
"""In-flight calls get this long to finish once stopping starts (the host waits a few seconds
after Shutdown before SIGTERM)."""

log = logging.getLogger("hookd_plugin")


class ListenConfigError(Exception):
    """The HOOKD_* environment does not say where or how to listen; the message says what to set."""


@dataclass(frozen=True)
class ListenSpec:
    address: str
    credentials: grpc.ServerCredentials | None
    exit_on_stdin_eof: bool


def by_hand_message(plugin: Plugin) -> str:
    return (
        f"This is a hookd plugin ({plugin.name} {plugin.version}). It is started by the hookd daemon, "
        "not by hand: add a manifest for it to the daemon's plugin directory (see docs/configuration.md), "
        "or run it as a sidecar by setting HOOKD_LISTEN=unix:///path/to/plugin.sock (see docs/protocol.md).\n"
    )


def listen_spec_from_env(env: Mapping[str, str]) -> ListenSpec | None:
    """Where and how to listen; None when no HOOKD_* variable says (run by hand). Reads addresses
    as the Node SDK does: "unix:///p", "unix:/p" or "/p" are unix sockets, "tcp://h:p" or "h:p" TCP."""
    launched = env.get("HOOKD_PLUGIN_ADDRESS", "").strip()
    listen = env.get("HOOKD_LISTEN", "").strip()
    if not launched and not listen:
        return None
    # A launched plugin serves where the host said, even if HOOKD_LISTEN leaked into its env.
    variable = "HOOKD_PLUGIN_ADDRESS" if launched else "HOOKD_LISTEN"
    address = normalize_address(launched or listen)
    tls_files = _tls_files(env)
    if is_tcp_address(address):
        if tls_files is None and (not launched or not _is_loopback(address)):
            # Sidecars are reached over the network: TCP without TLS is refused (DESIGN §2). A
            # launched plugin on TCP could be reached by anyone on the host: loopback only.
            raise ListenConfigError(
                f"{variable}={address} is a TCP address, which needs TLS: set HOOKD_TLS_CERT_FILE and "
                "HOOKD_TLS_KEY_FILE (and HOOKD_TLS_CLIENT_CA_FILE to require client certificates), "
                "or use a unix:///path socket")
    elif tls_files is not None:
        raise ListenConfigError(f"{variable}={address} is a unix socket; HOOKD_TLS_* apply to TCP addresses only")
    credentials = _tls_credentials(*tls_files) if tls_files else None
    return ListenSpec(address, credentials, exit_on_stdin_eof=bool(launched))


def normalize_address(value: str) -> str:
    if value.startswith("unix:"):
        return value
    if value.startswith("/"):
        return f"unix://{value}"
    return value.removeprefix("tcp://")


def is_tcp_address(address: str) -> bool:
    return not address.startswith("unix:")


def _is_loopback(address: str) -> bool:
    host = address.rsplit(":", 1)[0].strip("[]")
    return host in ("localhost", "::1") or host.startswith("127.")


def _tls_files(env: Mapping[str, str]) -> tuple[str, str, str] | None:
    cert, key, ca = (env.get(name, "").strip() for name in
                     ("HOOKD_TLS_CERT_FILE", "HOOKD_TLS_KEY_FILE", "HOOKD_TLS_CLIENT_CA_FILE"))
    if not (cert or key or ca):
        return None
    if not cert or not key:
        raise ListenConfigError("HOOKD_TLS_CERT_FILE and HOOKD_TLS_KEY_FILE must be set together")
    return cert, key, ca


def _tls_credentials(cert_file: str, key_file: str, ca_file: str) -> grpc.ServerCredentials:
    try:
        pair = (Path(key_file).read_bytes(), Path(cert_file).read_bytes())
        ca = Path(ca_file).read_bytes() if ca_file else None
    except OSError as error:
        raise ListenConfigError(f"cannot read a TLS file: {error}") from error
    return grpc.ssl_server_credentials([pair], root_certificates=ca, require_client_auth=ca is not None)


class PluginServer:
    """The gRPC server of one plugin: hookd.v1.Plugin plus grpc.health.v1.Health, both SERVING
    once started. `stopped` is set by a Shutdown call (after its reply is queued) or by `request_stop`."""

    def __init__(self, plugin: Plugin, address: str, credentials: grpc.ServerCredentials | None = None) -> None:
        self.address = address
        self.stopped = asyncio.Event()
        self.stop_reason = ""
        loop = asyncio.get_running_loop()

        def stop_after_reply() -> None:
            loop.call_soon(self.request_stop, "Shutdown RPC")

        self._service = PluginService(plugin, on_shutdown=stop_after_reply)
        self._health = health.aio.HealthServicer()
        self._server = grpc.aio.server()
        self._server.add_generic_rpc_handlers((self._service.generic_handler(),))
        health_pb2_grpc.add_HealthServicer_to_server(self._health, self._server)
        self._credentials = credentials

    def request_stop(self, reason: str) -> None:
        if not self.stopped.is_set():
            self.stop_reason = reason
            self.stopped.set()

    async def start(self) -> None:
        try:
            if self._credentials is None:
                self._server.add_insecure_port(self.address)
            else:
                self._server.add_secure_port(self.address, self._credentials)
        except RuntimeError as error:
            raise ListenConfigError(f"cannot listen on {self.address}: {error}") from error
        await self._server.start()
        for service in ("", SERVICE_NAME):
            await self._health.set(service, health_pb2.HealthCheckResponse.SERVING)

    async def stop(self) -> None:
        await self._health.enter_graceful_shutdown()
        await self._server.stop(SHUTDOWN_GRACE_S)


def _watch_stdin(loop: asyncio.AbstractEventLoop, server: PluginServer) -> None:
    """Blocks on stdin in a daemon thread (stdin may be a pipe, /dev/null or a file, which the event
    loop cannot all watch) and asks the server to stop at end of file."""
    def read_until_eof() -> None:
        try:
            while os.read(0, 65536):
                pass
        except OSError:
            pass  # a closed or broken stdin is the same signal as end of file
        loop.call_soon_threadsafe(server.request_stop, "stdin closed")

    threading.Thread(target=read_until_eof, name="hookd-stdin", daemon=True).start()


async def run(plugin: Plugin, spec: ListenSpec) -> int:
    """Serves until Shutdown, stdin EOF (launched) or SIGTERM/SIGINT; returns the exit code."""
    loop = asyncio.get_running_loop()
    server = PluginServer(plugin, spec.address, spec.credentials)
    await server.start()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, server.request_stop, signal.Signals(signum).name)
    if spec.exit_on_stdin_eof:
        _watch_stdin(loop, server)
    log.info("serving", extra={"address": spec.address, "version": plugin.version})
    await server.stopped.wait()
    log.info("stopping", extra={"reason": server.stop_reason})
    await server.stop()
    return 0


def serve(plugin: Plugin) -> NoReturn:
    """Runs the plugin as the HOOKD_* environment says and exits the process: 0 after a clean stop,
    1 when run by hand or when it cannot listen. Never writes to stdout."""
    install_json_logging(os.environ.get("HOOKD_PLUGIN_NAME", "").strip() or plugin.name)
    try:
        spec = listen_spec_from_env(os.environ)
    except ListenConfigError as error:
        log.error(str(error))
        sys.exit(1)
    if spec is None:
        sys.stderr.write(by_hand_message(plugin))
        sys.exit(1)
    offered = [v for v in os.environ.get("HOOKD_PROTOCOL_VERSIONS", "").split(",") if v.strip()]
    if offered and not set(offered) & set(PROTOCOL_VERSIONS):
        log.warning("the host speaks protocol versions %s, this SDK speaks %s: the host will refuse us",
                    ",".join(offered), ",".join(PROTOCOL_VERSIONS))
    try:
        sys.exit(asyncio.run(run(plugin, spec)))
    except ListenConfigError as error:
        log.error(str(error))
        sys.exit(1)
