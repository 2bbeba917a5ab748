"""A real plugin process, started as the daemon starts it: lifecycle, exit rules and stdout."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
from pathlib import Path

import grpc
import pytest

from grpc_health.v1 import health_pb2, health_pb2_grpc
from hookd_plugin._gen.hookd.v1 import plugin_pb2 as pb
from hookd_plugin._gen.hookd.v1 import plugin_pb2_grpc as pb_grpc
from hookd_plugin.testing import launched_plugin

EXIT_TIMEOUT_S = 10


def stderr_records(stderr: bytes) -> list[dict]:
    return [json.loads(line) for line in stderr.decode().splitlines() if line.strip()]


def test_a_launched_plugin_answers_describe_and_is_healthy(fixture_argv, plugin_env):
    with launched_plugin(fixture_argv("every_hook"), env=plugin_env) as launched:
        reply = launched.plugin.Describe(pb.DescribeRequest(host_protocol_versions=["1"]), timeout=5)
        health = launched.health.Check(health_pb2.HealthCheckRequest(service="hookd.v1.Plugin"), timeout=5)
    assert (reply.name, reply.version, list(reply.protocol_versions)) == ("every-hook", "1.2.3", ["1"])
    assert len(reply.hooks) == 11
    assert health.status == health_pb2.HealthCheckResponse.SERVING


def test_shutdown_replies_then_the_process_exits_0_writing_nothing_to_stdout(fixture_argv, plugin_env):
    with launched_plugin(fixture_argv("every_hook"), env=plugin_env) as launched:
        launched.plugin.Configure(pb.ConfigureRequest(config_json=b'{"a":1}', plugin_name="every"), timeout=5)
        reply = launched.plugin.VolumePreCreate(pb.VolumePreCreateRequest(config_json=b'{"Name":"v"}'), timeout=5)
        assert json.loads(reply.config.json) == {"Name": "v", "Labels": {"seen": "yes"}}
        launched.plugin.Shutdown(pb.ShutdownRequest(reason="daemon stopping"), timeout=5)
        # stdin is still open: the exit is the Shutdown's doing.
        assert launched.process.wait(timeout=EXIT_TIMEOUT_S) == 0
        stdout, stderr = launched.process.stdout.read(), launched.process.stderr.read()
    assert stdout == b""
    records = stderr_records(stderr)
    assert all({"level", "time", "msg"} <= set(r) and r["plugin"] == "test-plugin" for r in records)
    assert all(r["time"].endswith("Z") and r["level"] in ("debug", "info", "warn", "error") for r in records)
    assert [r["msg"] for r in records if r["msg"] in ("configured", "shutdown requested", "stopping")] == [
        "configured", "shutdown requested", "stopping"]


def test_the_plugin_exits_0_when_its_stdin_closes(fixture_argv, plugin_env):
    with launched_plugin(fixture_argv("every_hook"), env=plugin_env) as launched:
        launched.close_stdin()
        assert launched.process.wait(timeout=EXIT_TIMEOUT_S) == 0
        assert launched.process.stdout.read() == b""
        assert any(r.get("reason") == "stdin closed" for r in stderr_records(launched.process.stderr.read()))


def test_sigterm_stops_the_plugin_cleanly(fixture_argv, plugin_env):
    with launched_plugin(fixture_argv("every_hook"), env=plugin_env) as launched:
        launched.process.send_signal(signal.SIGTERM)
        assert launched.process.wait(timeout=EXIT_TIMEOUT_S) == 0


def test_run_by_hand_it_says_what_it_is_and_exits_1(fixture_argv, plugin_env):
    result = subprocess.run(fixture_argv("every_hook"), env=plugin_env, stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=30)
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr.decode().startswith(
        "This is a hookd plugin (every-hook 1.2.3). It is started by the hookd daemon, not by hand: ")


def test_a_sidecar_serves_on_its_unix_socket_and_ignores_stdin(fixture_argv, plugin_env):
    with tempfile.TemporaryDirectory() as directory:
        address = f"unix://{directory}/sidecar.sock"
        process = subprocess.Popen(fixture_argv("every_hook"), env={**plugin_env, "HOOKD_LISTEN": address},
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            with grpc.insecure_channel(address) as channel:
                reply = pb_grpc.PluginStub(channel).Describe(pb.DescribeRequest(), timeout=20, wait_for_ready=True)
                assert reply.name == "every-hook"
                assert process.poll() is None  # stdin was /dev/null (EOF at once), yet it still serves
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=EXIT_TIMEOUT_S) == 0
        assert process.stdout.read() == b""


def test_a_tcp_sidecar_without_tls_refuses_to_start(fixture_argv, plugin_env):
    result = subprocess.run(fixture_argv("every_hook"), env={**plugin_env, "HOOKD_LISTEN": "127.0.0.1:0"},
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    assert result.returncode == 1
    assert "is a TCP address, which needs TLS: set HOOKD_TLS_CERT_FILE and HOOKD_TLS_KEY_FILE" in stderr_records(result.stderr)[0]["msg"]


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(not any((Path(p) / "openssl").exists() for p in os.environ.get("PATH", "").split(os.pathsep)),
                    reason="openssl is needed to make test certificates: apt-get install openssl")
def test_a_tcp_sidecar_serves_mutual_tls(fixture_argv, plugin_env, tmp_path):
    subj_ext = ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
             "-subj", "/CN=test-ca", "-keyout", "ca.key", "-out", "ca.crt", cwd=tmp_path)
    for who in ("server", "client"):
        _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", f"/CN={who}",
                 "-keyout", f"{who}.key", "-out", f"{who}.csr", *subj_ext, cwd=tmp_path)
        _openssl("x509", "-req", "-in", f"{who}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                 "-days", "1", "-copy_extensions", "copy", "-out", f"{who}.crt", cwd=tmp_path)
    port = _free_port()
    env = {**plugin_env, "HOOKD_LISTEN": f"127.0.0.1:{port}", "HOOKD_TLS_CERT_FILE": str(tmp_path / "server.crt"),
           "HOOKD_TLS_KEY_FILE": str(tmp_path / "server.key"), "HOOKD_TLS_CLIENT_CA_FILE": str(tmp_path / "ca.crt")}
    process = subprocess.Popen(fixture_argv("every_hook"), env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        ca = (tmp_path / "ca.crt").read_bytes()
        with_cert = grpc.ssl_channel_credentials(ca, (tmp_path / "client.key").read_bytes(),
                                                 (tmp_path / "client.crt").read_bytes())
        with grpc.secure_channel(f"localhost:{port}", with_cert) as channel:
            reply = pb_grpc.PluginStub(channel).Describe(pb.DescribeRequest(), timeout=20, wait_for_ready=True)
            assert reply.name == "every-hook"
        with grpc.secure_channel(f"localhost:{port}", grpc.ssl_channel_credentials(ca)) as channel:
            with pytest.raises(grpc.RpcError):
                health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=EXIT_TIMEOUT_S) == 0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_stray_print_by_the_plugin_author_does_not_stop_the_plugin_from_starting(fixture_argv, plugin_env):
    with launched_plugin(fixture_argv("every_hook", "--print-on-start"), env=plugin_env) as launched:
        assert launched.plugin.Describe(pb.DescribeRequest(), timeout=5).name == "every-hook"
