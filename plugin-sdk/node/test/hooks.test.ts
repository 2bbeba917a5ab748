// Each hook's decoding (request → handler context) and encoding (result → reply), through the
// harness, which serializes both ways with the protocol's own codecs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definePlugin, setEnv, type ContainerCreateConfig } from '../src/index.ts';
import { createTestHarness } from '../src/testing/index.ts';

const createConfig = (): ContainerCreateConfig => ({ Image: 'busybox', Env: ['A=1'], Unknown: { kept: [1, 'two'] } });

test('containerPreCreate gets the parsed config, the name and the request id', async () => {
  let seen: unknown;
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1',
    hooks: { containerPreCreate: ({ config, name, requestId }) => void (seen = { config, name, requestId }) },
  }));
  await harness.containerPreCreate(createConfig(), { name: 'web', requestId: 'req-7' });
  assert.deepEqual(seen, { config: createConfig(), name: 'web', requestId: 'req-7' });
});

test('containerPreCreate replies "unchanged" when the handler changes nothing', async () => {
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1', hooks: { containerPreCreate: ({ config }) => config },
  }));
  assert.equal(await harness.containerPreCreate(createConfig()), undefined);
});

test('containerPreCreate sends the whole document, unknown fields kept, when changed in place', async () => {
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1', hooks: { containerPreCreate: ({ config }) => setEnv(config, 'B', '2') },
  }));
  assert.deepEqual(await harness.containerPreCreate(createConfig()), { ...createConfig(), Env: ['A=1', 'B=2'] });
});

test('containerPreCreate sends a returned document as the plugin built it', async () => {
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1', hooks: { containerPreCreate: () => ({ Image: 'alpine' }) },
  }));
  assert.deepEqual(await harness.containerPreCreate(createConfig()), { Image: 'alpine' });
});

test('containerPreStart encodes OCI hooks with defaults for args, env and timeout', async () => {
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1',
    hooks: {
      containerPreStart: ({ containerId, container }) => [
        { priority: -100, path: '/usr/bin/touch', args: ['touch', `/tmp/${containerId}`], env: ['X=1'], timeoutSeconds: 3 },
        { priority: 5, path: `/opt/${String(container.BaseFS).split('/').pop()}` },
      ],
    },
  }));
  const hooks = await harness.containerPreStart({ Id: 'c1', BaseFS: '/var/lib/rootfs' });
  assert.deepEqual(hooks, [
    { priority: -100, path: '/usr/bin/touch', args: ['touch', '/tmp/c1'], env: ['X=1'], timeout_seconds: 3 },
    { priority: 5, path: '/opt/rootfs', args: [], env: [], timeout_seconds: 0 },
  ]);
});

test('containerPreStart refuses a relative hook path with a message naming the hook', async () => {
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1', hooks: { containerPreStart: () => [{ priority: 0, path: 'touch' }] },
  }));
  await assert.rejects(harness.containerPreStart({}), { code: 2, details: /hook #0: path must be an absolute path/ });
});

test('containerPreCreateEndpoint decodes env and phase and returns the changed endpoint', async () => {
  let seen: unknown;
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1',
    hooks: {
      containerPreCreateEndpoint: ({ endpoint, env, phase, containerId }) => {
        seen = { env, phase, containerId };
        endpoint.Priority = 42;
        endpoint.GenericParams = { vlan: '7' };
      },
    },
  }));
  const endpoint = { Name: 'bridge', Priority: 0, DisableResolver: true, EndpointConfig: { IPAddress: '' } };
  const reply = await harness.containerPreCreateEndpoint(endpoint, { containerId: 'c1', env: ['K=V'], phase: 'remove' });
  assert.deepEqual(seen, { env: ['K=V'], phase: 'remove', containerId: 'c1' });
  assert.deepEqual(reply, { ...endpoint, Priority: 42, GenericParams: { vlan: '7' } });
});

test('containerPreUpdate sees the raw body and the parsed one, and may answer with either', async () => {
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1',
    hooks: {
      containerPreUpdate: ({ body, rawBody }) => {
        if (body === undefined) return `{"Memory":${rawBody.toString().length}}`;
        body.Memory = 1024;
      },
    },
  }));
  assert.deepEqual(JSON.parse(String(await harness.containerPreUpdate({ Env: ['A=1'] }))), { Env: ['A=1'], Memory: 1024 });
  assert.equal(String(await harness.containerPreUpdate('not json')), '{"Memory":8}');
});

test('containerPostUpdate, daemonPreStart and daemonPreStop pass their fields and reply empty', async () => {
  const seen: unknown[] = [];
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1',
    hooks: {
      containerPostUpdate: ({ rootfs, env, containerId }) => void seen.push({ rootfs, env, containerId }),
      daemonPreStart: async ({ daemonVersion, dataRoot }) => void seen.push({ daemonVersion, dataRoot }),
      daemonPreStop: ({ reason }) => void seen.push({ reason }),
    },
  }));
  await harness.containerPostUpdate({ containerId: 'c1', rootfs: '/r', env: ['A=1'] });
  await harness.daemonPreStart({ daemonVersion: '0.1.0', dataRoot: '/var/lib/hookd' });
  await harness.daemonPreStop('SIGINT');
  assert.deepEqual(seen, [
    { rootfs: '/r', env: ['A=1'], containerId: 'c1' },
    { daemonVersion: '0.1.0', dataRoot: '/var/lib/hookd' },
    { reason: 'SIGINT' },
  ]);
});

test('volumePreCreate and criPreCreateContainer return changed documents; the sandbox is decoded', async () => {
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1',
    hooks: {
      volumePreCreate: ({ config }) => ({ ...config, DriverOpts: { size: '10g' } }),
      criPreCreateContainer: ({ config, sandbox }) => setEnv(config, 'NETNS', String(sandbox.NetNS)),
    },
  }));
  assert.deepEqual(await harness.volumePreCreate({ Name: '', Labels: { a: 'b' } }), { Name: '', Labels: { a: 'b' }, DriverOpts: { size: '10g' } });
  const config = await harness.criPreCreateContainer(createConfig(), { ID: 'sb', NetNS: '/proc/1/ns/net' });
  assert.deepEqual(config?.Env, ['A=1', 'NETNS=/proc/1/ns/net']);
});

test('apiUpdateHandler sees the route table and returns route changes; handleHttp serves a route', async () => {
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1',
    hooks: {
      apiUpdateHandler: ({ routes }) => ({
        add: [{ method: 'GET', path: '/host/info' }],
        wrap: [{ route: routes[0] as { method: string; path: string }, before: true }],
      }),
      handleHttp: ({ phase, request }) => ({
        response: { status: 200, headers: [{ name: 'Content-Type', value: 'text/plain' }], body: `${phase} ${request.pathParams.name}` },
      }),
    },
  }));
  const changes = await harness.apiUpdateHandler([{ method: 'GET', path: '/containers/{name}/json' }]);
  assert.deepEqual(changes, {
    add: [{ method: 'GET', path: '/host/info' }],
    remove: [],
    wrap: [{ route: { method: 'GET', path: '/containers/{name}/json' }, before: true, after: false }],
  });
  const reply = await harness.handleHttp({
    phase: 'HTTP_PHASE_SERVE', request: { method: 'GET', path: '/host/info', path_params: { name: 'web' } },
  });
  assert.equal(reply.response?.status, 200);
  assert.equal(reply.response?.body.toString(), 'serve web');
  assert.equal(reply.request, null);
});

test('imagePostPull returns extra snapshotters', async () => {
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1',
    hooks: { imagePostPull: ({ snapshotter }) => (snapshotter === 'qcow2' ? ['overlayfs'] : []) },
  }));
  assert.deepEqual(await harness.imagePostPull({ imageRef: 'busybox:latest', snapshotter: 'qcow2' }), ['overlayfs']);
  assert.deepEqual(await harness.imagePostPull({ imageRef: 'busybox:latest', snapshotter: 'overlayfs' }), []);
});

test('a hook the plugin does not implement answers UNIMPLEMENTED', async () => {
  const harness = createTestHarness(definePlugin({ name: 'p', version: '1', hooks: {} }));
  await assert.rejects(harness.containerPreStart({}), { code: 12, details: /plugin "p" does not implement ContainerPreStart/ });
});

test('Configure passes the parsed manifest config and handlers see what configure returned', async () => {
  let received: unknown;
  const harness = createTestHarness(definePlugin({
    name: 'p', version: '1',
    configure: (config) => {
      received = config;
      return { threshold: (config as { threshold: number }).threshold * 2 };
    },
    hooks: { imagePostPull: ({ pluginConfig }) => [`x${(pluginConfig as { threshold: number }).threshold}`] },
  }), { config: { threshold: 21 } });
  assert.deepEqual(await harness.imagePostPull({ imageRef: 'a', snapshotter: 's' }), ['x42']);
  assert.deepEqual(received, { threshold: 21 });
});
