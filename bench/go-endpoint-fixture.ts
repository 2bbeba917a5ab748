// The Go plugin every Go bench calls (examples/go-endpoint-params, container.preCreateEndpoint) and
// the one request they send it: the host's input, the same request as a message for the thin
// client, and its bytes for the raw clients (encoded by the host's own descriptor). bench/go-client.ts,
// bench/profile-go.ts and bench/cpu-split-go.ts share it, so all three measure the same call.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadPluginDefinition } from './raw-client.ts';
import { parseManifest } from './shipped-host.ts';

export const GO_EXAMPLE = fileURLToPath(new URL('../examples/go-endpoint-params', import.meta.url));
export const GO_BINARY = join(GO_EXAMPLE, 'bin/go-endpoint-params');
export const GO_METHOD = '/hookd.v1.Plugin/ContainerPreCreateEndpoint';

const ENDPOINT = { Name: 'eth0', NetworkID: 'n1', MacAddress: '', GenericParams: { 'com.example.keep': 'yes' } };
const FIELDS = { container_id: 'c0ffee', env: ['alinet_vswitch=vsw-1', 'VpcECS=1', 'PATH=/usr/bin', 'HOME=/root'], phase: 'ENDPOINT_PHASE_CREATE' as const };

/** What `PluginHost.invoke('container.preCreateEndpoint', …)` is given. */
export const HOST_INPUT = { endpoint: ENDPOINT, containerId: FIELDS.container_id, env: FIELDS.env, phase: FIELDS.phase };

/** The example's manifest, launched from its built binary, health checks once an hour; `extra` overrides fields. */
export function goManifest(extra: Record<string, unknown> = {}): ReturnType<typeof parseManifest> {
  const file = join(GO_EXAMPLE, 'manifest.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return parseManifest({ ...json, launch: { command: GO_BINARY, cwd: GO_EXAMPLE }, health: { intervalMs: 3_600_000 }, ...extra }, file);
}

/** The request the host sends for HOST_INPUT (with a fixed request id), and its bytes. */
export function goRequest(): { request: Record<string, unknown>; requestBytes: Buffer } {
  const method = (loadPluginDefinition()['hookd.v1.Plugin'] as Record<string, { requestSerialize(value: object): Buffer }>).ContainerPreCreateEndpoint!;
  const request = { context: { request_id: '0b6f7c1e-8a53-4f1d-9b1e-2f7d2c6a9e10' }, endpoint_json: Buffer.from(JSON.stringify(ENDPOINT)), ...FIELDS };
  return { request, requestBytes: method.requestSerialize(request) };
}
