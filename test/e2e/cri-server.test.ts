// The CRI server of the real daemon (bin/hookd.js, runc under conmon): a grpc-js client built from
// the vendored upstream proto calls Version, Status and UpdateRuntimeConfig over the unix socket;
// an RPC nobody implements answers UNIMPLEMENTED naming the method; the socket is 0660 and gone
// after a graceful stop, and a crashed daemon's socket is taken over on the next start.

import assert from 'node:assert/strict';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { runcMissingReason } from './daemon-per-runtime.ts';
import { DaemonProcess, makeWorkDir, REPO } from './daemon-process.ts';
import { criClient, criSocketOf, type CriClient } from './cri-client.ts';

let work: { dir: string; remove: () => Promise<void> } | undefined;
let daemon: DaemonProcess | undefined;
let client: CriClient | undefined;
let skipReason: string | undefined;

before(async () => {
  skipReason = await runcMissingReason();
  if (skipReason) return;
  work = await makeWorkDir();
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc' } });
  client = criClient(criSocketOf(daemon.dataRoot));
});

after(async () => {
  client?.close();
  await daemon?.stop();
  await work?.remove();
});

test('Version names hookd, its version and the CRI API v1', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const version = await client!.runtime.Version!({ version: 'v1' });
  const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string };
  assert.deepEqual(version, { version: '0.1.0', runtime_name: 'hookd', runtime_version: pkg.version, runtime_api_version: 'v1' });
});

test('Status reports the runtime and the CNI network ready, and the runtime handlers', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const status = await client!.runtime.Status!({ verbose: true });
  const conditions = Object.fromEntries((status.status.conditions as Array<{ type: string; status: boolean; message: string }>).map((c) => [c.type, c]));
  assert.equal(conditions.RuntimeReady?.status, true, conditions.RuntimeReady?.message);
  assert.equal(conditions.NetworkReady?.status, true, conditions.NetworkReady?.message);
  const handlers = (status.runtime_handlers as Array<{ name: string }>).map((handler) => handler.name);
  assert.ok(handlers.includes('') && handlers.includes('runc'), `handlers: ${handlers.join(', ')}`);
  assert.ok(!handlers.includes('process'), 'no pod may run on the process runtime, which isolates nothing');
  assert.equal(JSON.parse(status.info.config as string).runtime, 'runc');
});

test('UpdateRuntimeConfig records the pod CIDR (Status shows it) and refuses one that is not a CIDR, naming the field', async (t) => {
  if (skipReason) return t.skip(skipReason);
  await client!.runtime.UpdateRuntimeConfig!({ runtime_config: { network_config: { pod_cidr: '10.244.1.0/24' } } });
  const status = await client!.runtime.Status!({ verbose: true });
  assert.equal(JSON.parse(status.info.config as string).podCidr, '10.244.1.0/24');
  await assert.rejects(client!.runtime.UpdateRuntimeConfig!({ runtime_config: { network_config: { pod_cidr: 'ten-dot' } } }), (error: grpc.ServiceError) => {
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error.details, /UpdateRuntimeConfig: runtime_config\.network_config\.pod_cidr "ten-dot" is not a CIDR/);
    return true;
  });
});

test('an RPC nobody implements answers UNIMPLEMENTED naming the method, on both services', async (t) => {
  if (skipReason) return t.skip(skipReason);
  await assert.rejects(client!.runtime.CheckpointContainer!({ container_id: 'x' }), (error: grpc.ServiceError) => {
    assert.equal(error.code, grpc.status.UNIMPLEMENTED);
    assert.match(error.details, /hookd does not implement runtime\.v1\.RuntimeService\/CheckpointContainer/);
    return true;
  });
});

test('GET /metrics counts CRI calls by method and status code, with their latency', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const count = async (method: string, code: string): Promise<number> => {
    const body = (await daemon!.http('GET', '/metrics')).body;
    const line = body.split('\n').find((l) => l.startsWith(`hookd_cri_requests_total{method="${method}",code="${code}"} `));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  const versions = await count('Version', 'OK');
  await client!.runtime.Version!({});
  await client!.runtime.Version!({});
  await assert.rejects(client!.runtime.CheckpointPod!({}));
  assert.equal(await count('Version', 'OK'), versions + 2);
  assert.ok(await count('CheckpointPod', 'UNIMPLEMENTED') >= 1);
  assert.match((await daemon!.http('GET', '/metrics')).body, /^hookd_cri_request_duration_seconds_count\{method="Version"\} \d+$/m);
});

test('the socket is mode 0660; SIGKILL leaves it behind and the next daemon takes it over; SIGTERM removes it', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const socket = criSocketOf(daemon!.dataRoot);
  assert.equal((await lstat(socket)).mode & 0o777, 0o660);
  client!.close();
  await daemon!.stop('SIGKILL');
  assert.ok((await lstat(socket)).isSocket(), 'a killed daemon cannot remove its socket');
  await daemon!.spawn();
  await daemon!.listening();
  client = criClient(socket);
  assert.equal((await client.runtime.Version!({})).runtime_name, 'hookd');
  client.close();
  client = undefined;
  await daemon!.stop();
  await assert.rejects(lstat(socket), { code: 'ENOENT' });
});
