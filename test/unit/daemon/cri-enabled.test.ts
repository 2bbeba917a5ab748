// When the daemon serves the CRI (cri.enabled): "auto" serves it only on a runtime that isolates,
// so a daemon on the process runtime starts without it (and says why); true on such a runtime
// is a start error naming the runtime; false never binds the socket.

import assert from 'node:assert/strict';
import { access, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDaemon } from '../../../src/daemon/daemon.ts';
import type { ContainerRecord } from '../../../src/daemon/containers/container-record.ts';
import type { VolumeRecord } from '../../../src/daemon/volumes/volume-record.ts';
import { criClient } from '../../e2e/cri-client.ts';
import { tempSocketPath } from './api-http.ts';
import { FakeImageStore, FakeInvoker, FakeRuntime, makeDataRoot, MemoryStore, silentLogger } from './containers-fakes.ts';

async function daemonWith(enabled: boolean | 'auto', isolated = false) {
  const dataRoot = await makeDataRoot();
  const criSocket = join(dataRoot, 'cri.sock');
  const runtime = new FakeRuntime();
  // The fake stands in for runc where only the flag matters: whether the CRI server starts.
  if (isolated) Object.defineProperty(runtime, 'isolated', { value: true });
  const daemon = createDaemon({
    config: { dataRoot, listen: { socketPath: await tempSocketPath() }, cri: { enabled, socketPath: criSocket } },
    invoker: new FakeInvoker(), runtime, images: new FakeImageStore(dataRoot), logger: silentLogger,
    stores: { containers: new MemoryStore<ContainerRecord>(), volumes: new MemoryStore<VolumeRecord>() },
  });
  return { daemon, criSocket };
}

for (const [enabled, isolated] of [['auto', false], [false, true]] as const) {
  test(`cri.enabled ${JSON.stringify(enabled)} on ${isolated ? 'an isolating' : 'the process'} runtime: the daemon starts without a CRI socket`, async () => {
    const { daemon, criSocket } = await daemonWith(enabled, isolated);
    try {
      const address = await daemon.listen();
      assert.equal(address.criSocketPath, undefined);
      await assert.rejects(access(criSocket), { code: 'ENOENT' });
    } finally {
      await daemon.close();
    }
  });
}

test('cri.enabled "auto" on an isolating runtime serves the CRI on its socket (0660), and close removes it', async () => {
  const { daemon, criSocket } = await daemonWith('auto', true);
  try {
    const address = await daemon.listen();
    assert.equal(address.criSocketPath, criSocket);
    assert.equal((await lstat(criSocket)).mode & 0o777, 0o660);
    const client = criClient(criSocket);
    assert.equal((await client.runtime.Version!({})).runtime_name, 'hookd');
    client.close();
  } finally {
    await daemon.close();
  }
  await assert.rejects(access(criSocket), { code: 'ENOENT' });
});

test('cri.enabled true on the process runtime fails the start, naming the runtime and why', async () => {
  const { daemon } = await daemonWith(true);
  try {
    await assert.rejects(daemon.listen(), /cri\.enabled is true but the runtime "process" does not isolate containers, and pods need namespaces/);
  } finally {
    await daemon.close();
  }
});
