import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dispatchHook } from '../../../src/host/dispatch.ts';
import { effectivePolicy, effectiveTimeoutMs } from '../../../src/host/dispatch-policy.ts';
import { HookdError, isHookdError, type HookdErrorCode } from '../../../src/host/errors.ts';
import { hookSpec, type FailurePolicy, type HookName } from '../../../src/host/hooks.ts';
import { MAX_REPLY_DOCUMENT_BYTES } from '../../../src/host/reply-decode.ts';
import type { HookSubscription } from '../../../src/host/types.ts';
import {
  documentReply, FakeHandle, hang, manifestFor, receivedDocument, type FakeOptions, type RecordedCall,
} from './fake-handle.ts';

const CREATE: HookName = 'container.preCreate';

function rejectsWith(code: HookdErrorCode, check?: (message: string) => void) {
  return (error: unknown): boolean => {
    assert.ok(isHookdError(error), `expected a HookdError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check?.(error.message);
    return true;
  };
}

/** A preCreate plugin that applies `change` to the config it receives. */
function mutator(change: (config: Record<string, unknown>) => void, options: FakeOptions = {}): FakeOptions {
  return {
    subscribe: [CREATE],
    ...options,
    reply: (request) => {
      const config = JSON.parse((request.config_json as Buffer).toString('utf8')) as Record<string, unknown>;
      change(config);
      return documentReply('config', config);
    },
  };
}

function plugins(log: RecordedCall[], specs: Record<string, FakeOptions>): FakeHandle[] {
  return Object.entries(specs).map(([name, options]) => new FakeHandle(name, options, log));
}

describe('dispatchHook: groups and parallelism', () => {
  it('calls one order group in parallel and the next group only after it', async () => {
    const log: RecordedCall[] = [];
    const handles = plugins(log, {
      late: { subscribe: ['daemon.preStart'], order: 10, delayMs: 5 },
      a: { subscribe: ['daemon.preStart'], order: 0, delayMs: 30 },
      b: { subscribe: ['daemon.preStart'], order: 0, delayMs: 30 },
    });
    const result = await dispatchHook(handles, 'daemon.preStart', { fields: { daemon_version: '1' } });
    assert.deepEqual(result.called, ['a', 'b', 'late']);
    const [a, b, late] = ['a', 'b', 'late'].map((name) => log.find((call) => call.plugin === name) as RecordedCall);
    assert.ok(a && b && late);
    // parallel: each of a and b started before the other ended
    assert.ok(a.startedAt < (b.endedAt as number) && b.startedAt < (a.endedAt as number));
    // pipeline: the later group started after both ended
    assert.ok(late.startedAt >= Math.max(a.endedAt as number, b.endedAt as number));
  });

  it('gives the next group the merged document and records who it overrode', async () => {
    const log: RecordedCall[] = [];
    const handles = plugins(log, {
      quota: mutator((c) => { (c.HostConfig as Record<string, unknown>).Memory = 100; }, { order: 0 }),
      labels: mutator((c) => { c.Labels = { team: 'a' }; }, { order: 0 }),
      cap: mutator((c) => { (c.HostConfig as Record<string, unknown>).Memory = 50; }, { order: 5 }),
    });
    const result = await dispatchHook(handles, CREATE, { document: { Image: 'busybox', HostConfig: {} } });
    const capCall = log.find((call) => call.plugin === 'cap') as RecordedCall;
    assert.deepEqual(receivedDocument(capCall, 'config_json'), { Image: 'busybox', HostConfig: { Memory: 100 }, Labels: { team: 'a' } });
    assert.deepEqual(result.document, { Image: 'busybox', HostConfig: { Memory: 50 }, Labels: { team: 'a' } });
    assert.equal(result.changed, true);
    assert.deepEqual(result.provenance, [
      { path: 'Labels[team]', plugin: 'labels', order: 0, action: 'set' },
      { path: 'HostConfig.Memory', plugin: 'quota', order: 0, action: 'set' },
      { path: 'HostConfig.Memory', plugin: 'cap', order: 5, action: 'set', overrode: 'quota' },
    ]);
  });

  it('returns the input unchanged and calls nobody when no plugin subscribes', async () => {
    const log: RecordedCall[] = [];
    const handles = plugins(log, { other: { subscribe: ['volume.preCreate'] }, off: { subscribe: [CREATE], enabled: false } });
    const input = { Image: 'busybox' };
    const result = await dispatchHook(handles, CREATE, { document: input });
    assert.deepEqual(result, { hook: CREATE, requestId: result.requestId, called: [], skipped: [], changed: false, provenance: [], document: input });
    assert.equal(log.length, 0);
  });

  it('fails the hook with ERR_MERGE_CONFLICT when one group disagrees', async () => {
    const handles = plugins([], {
      quota: mutator((c) => { c.HostConfig = { Memory: 1 }; }),
      netprio: mutator((c) => { c.HostConfig = { Memory: 2 }; }),
    });
    await assert.rejects(dispatchHook(handles, CREATE, { document: { HostConfig: {} } }),
      rejectsWith('ERR_MERGE_CONFLICT', (m) => assert.equal(m, 'plugins "netprio" and "quota" both tried to set HostConfig.Memory')));
  });
});

describe('dispatchHook: request messages', () => {
  it('sends context, the document bytes and the extra fields named by the spec', async () => {
    const log: RecordedCall[] = [];
    const handles = plugins(log, { p: { subscribe: [CREATE] } });
    const result = await dispatchHook(handles, CREATE, { document: { Image: 'x' }, fields: { name: 'web' } }, { requestId: 'req-1' });
    const [call] = log;
    assert.ok(call);
    assert.equal(call.rpc, 'ContainerPreCreate');
    assert.deepEqual(call.request.context, { request_id: 'req-1' });
    assert.equal(call.request.name, 'web');
    assert.deepEqual(receivedDocument(call, 'config_json'), { Image: 'x' });
    assert.equal(result.requestId, 'req-1');
    assert.equal(call.options.hook, CREATE);
  });

  it('sends a raw document as the caller gave it and returns the merged JSON', async () => {
    const log: RecordedCall[] = [];
    const raw = Buffer.from('{ "Memory":  10 }');
    const handles = plugins(log, {
      p: { subscribe: ['container.preUpdate'], reply: () => documentReply('body', { Memory: 20 }) },
    });
    const result = await dispatchHook(handles, 'container.preUpdate', { rawDocument: raw, fields: { container_id: 'c1' } });
    assert.equal(log[0]?.request.body, raw);
    assert.deepEqual(result.document, { Memory: 20 });
    assert.equal(result.changed, true);
  });

  it('forwards a raw body that is not JSON and leaves the document undefined when nobody replaces it', async () => {
    const log: RecordedCall[] = [];
    const raw = Buffer.from('not json');
    const quiet = plugins(log, { p: { subscribe: ['container.preUpdate'] } });
    const unchanged = await dispatchHook(quiet, 'container.preUpdate', { rawDocument: raw });
    assert.equal(log[0]?.request.body, raw);
    assert.equal(unchanged.document, undefined);
    assert.equal(unchanged.changed, false);
    const fixer = plugins([], { p: { subscribe: ['container.preUpdate'], reply: () => documentReply('body', { Memory: 1 }) } });
    const fixed = await dispatchHook(fixer, 'container.preUpdate', { rawDocument: raw });
    assert.deepEqual(fixed.document, { Memory: 1 });
  });

  it('omits context for hooks whose request has none', async () => {
    const log: RecordedCall[] = [];
    await dispatchHook(plugins(log, { p: { subscribe: ['daemon.preStop'] } }), 'daemon.preStop', { fields: { reason: 'SIGTERM' } });
    assert.deepEqual(log[0]?.request, { reason: 'SIGTERM' });
  });

  it('refuses a merge hook without a document with ERR_HOOK_BAD_INPUT', async () => {
    await assert.rejects(dispatchHook([], CREATE, {}), rejectsWith('ERR_HOOK_BAD_INPUT'));
  });
});

describe('dispatchHook: timeouts and deadlines', () => {
  const sub = (timeoutMs?: number): HookSubscription => ({ hook: CREATE, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  const cases: Array<{ title: string; manifest: FakeOptions; subscription: HookSubscription; expected: number }> = [
    { title: 'manifest timeout when Describe suggests none', manifest: { timeoutMs: 1500 }, subscription: sub(), expected: 1500 },
    { title: 'Describe suggestion below the manifest timeout', manifest: { timeoutMs: 1500 }, subscription: sub(300), expected: 300 },
    { title: 'Describe suggestion capped by the manifest timeout', manifest: { timeoutMs: 1500 }, subscription: sub(9000), expected: 1500 },
    { title: 'per-hook manifest timeout over everything', manifest: { timeoutMs: 1500, hooks: { [CREATE]: { timeoutMs: 7000 } } }, subscription: sub(300), expected: 7000 },
  ];
  for (const { title, manifest, subscription, expected } of cases) {
    it(`uses the ${title}`, () => {
      assert.equal(effectiveTimeoutMs(manifestFor('p', manifest), CREATE, subscription), expected);
    });
  }

  it('caps each call deadline by the caller deadline', async () => {
    const log: RecordedCall[] = [];
    const handles = plugins(log, { p: { subscribe: [CREATE], timeoutMs: 60000 } });
    const deadline = Date.now() + 1000;
    await dispatchHook(handles, CREATE, { document: {} }, { deadline });
    assert.equal(log[0]?.options.deadline, deadline);
  });

  it('gives each call its own timeout when the caller deadline is later', async () => {
    const log: RecordedCall[] = [];
    const handles = plugins(log, { p: { subscribe: [CREATE], timeoutMs: 500 } });
    const before = Date.now();
    await dispatchHook(handles, CREATE, { document: {} }, { deadline: Date.now() + 60000 });
    const deadline = log[0]?.options.deadline as number;
    assert.ok(deadline >= before + 500 && deadline <= Date.now() + 500, `deadline ${deadline - before} ms after start`);
  });

  it('fails a hanging plugin with ERR_HOOK_TIMEOUT at its timeout, even if the handle ignores the deadline', async () => {
    const handles = plugins([], { slow: { subscribe: [CREATE], timeoutMs: 50, reply: hang } });
    const started = Date.now();
    await assert.rejects(dispatchHook(handles, CREATE, { document: {} }),
      rejectsWith('ERR_HOOK_TIMEOUT', (m) => assert.match(m, /plugin "slow" did not answer container.preCreate within 50 ms/)));
    assert.ok(Date.now() - started < 1000);
  });

  it('stops at the caller deadline rather than the longer plugin timeout', async () => {
    const handles = plugins([], { slow: { subscribe: [CREATE], timeoutMs: 10000, reply: hang } });
    const started = Date.now();
    await assert.rejects(dispatchHook(handles, CREATE, { document: {} }, { deadline: Date.now() + 60 }), rejectsWith('ERR_HOOK_TIMEOUT'));
    assert.ok(Date.now() - started < 1000);
  });

  it('does not start a later group once the caller deadline has passed', async () => {
    const log: RecordedCall[] = [];
    const handles = plugins(log, {
      first: { subscribe: [CREATE], order: 0, delayMs: 60, failurePolicy: 'ignore' },
      second: { subscribe: [CREATE], order: 1 },
    });
    await assert.rejects(dispatchHook(handles, CREATE, { document: {} }, { deadline: Date.now() + 30 }), rejectsWith('ERR_HOOK_ABORTED'));
    assert.deepEqual(log.map((call) => call.plugin), ['first']);
  });

  it('aborts calls in flight when the caller signal aborts', async () => {
    const log: RecordedCall[] = [];
    const handles = plugins(log, { a: { subscribe: [CREATE], delayMs: 5000 }, b: { subscribe: [CREATE], delayMs: 5000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('client went away')), 20);
    await assert.rejects(dispatchHook(handles, CREATE, { document: {} }, { signal: controller.signal }),
      rejectsWith('ERR_HOOK_ABORTED', (m) => assert.match(m, /client went away/)));
    assert.ok(log.every((call) => call.options.signal?.aborted));
  });
});

describe('dispatchHook: failure policies', () => {
  const spec = hookSpec(CREATE);
  const cases: Array<{ title: string; manifest: FakeOptions; described?: FailurePolicy; expected: FailurePolicy }> = [
    { title: 'the hook default', manifest: {}, expected: 'fail' },
    { title: 'the Describe option over the hook default', manifest: {}, described: 'ignore', expected: 'ignore' },
    { title: 'the manifest policy over Describe', manifest: { failurePolicy: 'fail' }, described: 'ignore', expected: 'fail' },
    { title: 'the per-hook manifest policy over the manifest policy', manifest: { failurePolicy: 'fail', hooks: { [CREATE]: { failurePolicy: 'ignore' } } }, expected: 'ignore' },
  ];
  for (const { title, manifest, described, expected } of cases) {
    it(`takes ${title}`, () => {
      const subscription: HookSubscription = { hook: CREATE, ...(described ? { failurePolicy: described } : {}) };
      assert.equal(effectivePolicy(manifestFor('p', manifest), spec, subscription), expected);
    });
  }

  it('throws the plugin error under policy fail, naming plugin and hook', async () => {
    const handles = plugins([], {
      veto: { subscribe: [CREATE], reply: () => { throw new Error('quota exceeded'); } },
    });
    await assert.rejects(dispatchHook(handles, CREATE, { document: {} }),
      rejectsWith('ERR_HOOK_TRANSPORT', (m) => assert.match(m, /plugin "veto" could not be reached for container.preCreate: quota exceeded/)));
  });

  it('skips a failing plugin under policy ignore, logs a warning, and merges the others', async () => {
    const warnings: unknown[] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as import('pino').Logger;
    const handles = plugins([], {
      flaky: { subscribe: [CREATE], failurePolicy: 'ignore', reply: hang, timeoutMs: 20 },
      labels: mutator((c) => { c.Labels = { a: '1' }; }),
    });
    const result = await dispatchHook(handles, CREATE, { document: {} }, { logger });
    assert.deepEqual(result.document, { Labels: { a: '1' } });
    assert.deepEqual(result.called, ['flaky', 'labels']);
    assert.equal(result.skipped.length, 1);
    assert.equal(result.skipped[0]?.plugin, 'flaky');
    assert.equal(result.skipped[0]?.code, 'ERR_HOOK_TIMEOUT');
    assert.equal(warnings.length, 1);
  });

  it('follows the hook default: preCreateEndpoint ignores a failing plugin', async () => {
    const handles = plugins([], {
      broken: { subscribe: ['container.preCreateEndpoint'], reply: () => { throw new Error('boom'); } },
    });
    const result = await dispatchHook(handles, 'container.preCreateEndpoint', { document: { Name: 'bridge', Priority: 0 } });
    assert.deepEqual(result.document, { Name: 'bridge', Priority: 0 });
    assert.equal(result.skipped[0]?.code, 'ERR_HOOK_TRANSPORT');
  });

  it('aborts the other calls of the group once one fails fatally', async () => {
    const log: RecordedCall[] = [];
    const handles = plugins(log, {
      fails: { subscribe: [CREATE], reply: () => { throw new Error('no'); } },
      slow: { subscribe: [CREATE], delayMs: 5000 },
    });
    const started = Date.now();
    await assert.rejects(dispatchHook(handles, CREATE, { document: {} }), rejectsWith('ERR_HOOK_TRANSPORT'));
    assert.ok(Date.now() - started < 1000);
    assert.equal(log.find((call) => call.plugin === 'slow')?.options.signal?.aborted, true);
  });

  it('judges an abort the plugin reports on its own (it is being stopped) by policy, not as the caller aborting', async () => {
    const handles = plugins([], {
      stopping: {
        subscribe: [CREATE], failurePolicy: 'ignore',
        reply: (_request, options) => { throw new HookdError('ERR_HOOK_ABORTED', { plugin: 'stopping', hook: options.hook, reason: 'plugin is stopping' }); },
      },
    });
    const result = await dispatchHook(handles, CREATE, { document: {} });
    assert.deepEqual(result.skipped.map((s) => s.code), ['ERR_HOOK_ABORTED']);
  });

  it('skips a parked plugin under ignore without calling it, and fails under fail', async () => {
    const log: RecordedCall[] = [];
    const ignoring = plugins(log, { down: { subscribe: [CREATE], state: 'failed', failurePolicy: 'ignore' } });
    const result = await dispatchHook(ignoring, CREATE, { document: {} });
    assert.equal(result.skipped[0]?.code, 'ERR_PLUGIN_UNAVAILABLE');
    assert.equal(log.length, 0);
    const failing = plugins(log, { down: { subscribe: [CREATE], state: 'failed' } });
    await assert.rejects(dispatchHook(failing, CREATE, { document: {} }),
      rejectsWith('ERR_PLUGIN_UNAVAILABLE', (m) => assert.match(m, /plugin "down" is failed/)));
  });

  it('calls a starting or restarting plugin (its call waits for ready within the deadline) instead of skipping it', async () => {
    for (const state of ['starting', 'restarting'] as const) {
      const log: RecordedCall[] = [];
      await dispatchHook(plugins(log, { coming: { subscribe: [CREATE], state } }), CREATE, { document: {} });
      assert.equal(log.length, 1, state);
    }
  });
});

describe('dispatchHook: required plugins', () => {
  it('fails closed before calling anyone when a subscribed required plugin is down, whatever its policy', async () => {
    const log: RecordedCall[] = [];
    const handles = plugins(log, {
      guard: { subscribe: [CREATE], required: true, state: 'failed', failurePolicy: 'ignore' },
      other: { subscribe: [CREATE] },
    });
    await assert.rejects(dispatchHook(handles, CREATE, { document: {} }),
      rejectsWith('ERR_PLUGIN_REQUIRED_UNAVAILABLE', (m) => assert.equal(m, 'required plugin "guard" is failed, so container.preCreate fails closed')));
    assert.equal(log.length, 0);
  });

  it('fails closed for every hook while a required plugin has never described itself', async () => {
    const handles = plugins([], { guard: { required: true, state: 'starting' } });
    for (const hook of ['container.preCreate', 'daemon.preStop'] as const) {
      await assert.rejects(dispatchHook(handles, hook, { document: {} }), rejectsWith('ERR_PLUGIN_REQUIRED_UNAVAILABLE'));
    }
  });

  it('fails closed only for the hooks its manifest lists when the subscription is unknown', async () => {
    const handles = plugins([], { guard: { required: true, state: 'starting', hooks: { [CREATE]: { timeoutMs: 100 } } } });
    await assert.rejects(dispatchHook(handles, CREATE, { document: {} }), rejectsWith('ERR_PLUGIN_REQUIRED_UNAVAILABLE'));
    const result = await dispatchHook(handles, 'daemon.preStop', {});
    assert.deepEqual(result.called, []);
  });

  it('does not involve a ready required plugin in hooks it did not subscribe to', async () => {
    const result = await dispatchHook(plugins([], { guard: { required: true, subscribe: ['daemon.preStop'] } }), CREATE, { document: {} });
    assert.deepEqual(result.called, []);
  });

  it('fails closed when a required plugin becomes unreachable mid-call, even under ignore', async () => {
    const handles = plugins([], {
      guard: {
        subscribe: [CREATE], required: true, failurePolicy: 'ignore',
        reply: (_request, options) => { throw new (class extends Error {})(`connection reset during ${options.hook}`); },
      },
    });
    await assert.rejects(dispatchHook(handles, CREATE, { document: {} }),
      rejectsWith('ERR_PLUGIN_REQUIRED_UNAVAILABLE', (m) => assert.match(m, /connection reset/)));
  });

  it('fails closed when a required plugin times out, even under ignore', async () => {
    const handles = plugins([], { guard: { subscribe: [CREATE], required: true, failurePolicy: 'ignore', timeoutMs: 20, reply: hang } });
    await assert.rejects(dispatchHook(handles, CREATE, { document: {} }), rejectsWith('ERR_HOOK_TIMEOUT'));
  });

  it('lets a required plugin\'s deliberate rejection follow its policy', async () => {
    const handles = plugins([], {
      guard: { subscribe: [CREATE], required: true, failurePolicy: 'ignore', reply: () => documentReply('config', 'not an object') },
    });
    const result = await dispatchHook(handles, CREATE, { document: {} });
    assert.equal(result.skipped[0]?.code, 'ERR_HOOK_BAD_REPLY');
  });
});

describe('dispatchHook: bad replies', () => {
  const cases: Array<{ title: string; reply: unknown; message: RegExp }> = [
    { title: 'bytes that are not JSON', reply: { config: { json: Buffer.from('{nope') } }, message: /config.json\): is not JSON/ },
    { title: 'a JSON array for an object input', reply: documentReply('config', [1]), message: /must be a JSON object like the input, got array/ },
    { title: 'a JSON null for an object input', reply: documentReply('config', null), message: /got null/ },
    { title: 'a document over the size cap', reply: { config: { json: Buffer.alloc(MAX_REPLY_DOCUMENT_BYTES + 1, 0x20) } }, message: /byte limit/ },
    { title: 'a JsonDocument without bytes', reply: { config: { json: 42 } }, message: /must be bytes/ },
    { title: 'JSON nested 100,000 deep (it would overflow the merge)', reply: { config: { json: Buffer.from(`{"Image":"x","Labels":${'['.repeat(100_000)}${']'.repeat(100_000)}}`) } }, message: /nests deeper than 64 levels/ },
    { title: 'an Env of 200,000 entries', reply: documentReply('config', { Image: 'x', Env: Array.from({ length: 200_000 }, (_, i) => `V${i}=1`) }), message: /more than 100000 values/ },
  ];
  for (const { title, reply, message } of cases) {
    it(`rejects ${title} with ERR_HOOK_BAD_REPLY naming the plugin`, async () => {
      const handles = plugins([], { odd: { subscribe: [CREATE], reply: () => reply } });
      await assert.rejects(dispatchHook(handles, CREATE, { document: { Image: 'x' } }),
        rejectsWith('ERR_HOOK_BAD_REPLY', (m) => { assert.match(m, /^plugin "odd" returned an invalid container.preCreate reply/); assert.match(m, message); }));
    });
    it(`skips ${title} under policy ignore`, async () => {
      const handles = plugins([], { odd: { subscribe: [CREATE], failurePolicy: 'ignore', reply: () => reply } });
      const result = await dispatchHook(handles, CREATE, { document: { Image: 'x' } });
      assert.deepEqual(result.document, { Image: 'x' });
      assert.equal(result.skipped[0]?.code, 'ERR_HOOK_BAD_REPLY');
    });
  }

  it('treats an unset or null JsonDocument as unchanged', async () => {
    const handles = plugins([], { a: { subscribe: [CREATE], reply: () => ({ config: null }) }, b: { subscribe: [CREATE], reply: () => ({}) } });
    const result = await dispatchHook(handles, CREATE, { document: { Image: 'x' } });
    assert.equal(result.changed, false);
    assert.deepEqual(result.skipped, []);
  });

  it('rejects a change outside the allow-list, or skips it under ignore', async () => {
    const deny = plugins([], { quota: mutator((c) => { c.Image = 'evil'; }, { allowedPaths: ['HostConfig.Memory'] }) });
    await assert.rejects(dispatchHook(deny, CREATE, { document: { Image: 'x' } }),
      rejectsWith('ERR_PATH_NOT_ALLOWED', (m) => assert.equal(m, 'plugin "quota" may not change Image in container.preCreate (allowed: HostConfig.Memory)')));
    const skip = plugins([], {
      quota: mutator((c) => { c.Image = 'evil'; }, { allowedPaths: ['HostConfig.Memory'], failurePolicy: 'ignore' }),
      env: mutator((c) => { c.Env = ['A=1']; }),
    });
    const result = await dispatchHook(skip, CREATE, { document: { Image: 'x' } });
    assert.deepEqual(result.document, { Image: 'x', Env: ['A=1'] });
    assert.equal(result.skipped[0]?.code, 'ERR_PATH_NOT_ALLOWED');
  });
});

describe('dispatchHook: OCI hooks, routes, snapshotters, notify', () => {
  const START: HookName = 'container.preStart';
  const hook = (priority: number, name: string) => ({ priority, path: `/usr/bin/${name}`, args: [name], env: [], timeout_seconds: 0 });

  it('gathers OCI hooks from all groups, higher priority first, ties in group then name order', async () => {
    const handles = plugins([], {
      zeta: { subscribe: [START], order: 0, reply: () => ({ hooks: [hook(0, 'z0'), hook(5, 'z5')] }) },
      alpha: { subscribe: [START], order: 0, reply: () => ({ hooks: [hook(0, 'a0'), hook(-100, 'aneg')] }) },
      early: { subscribe: [START], order: -1, reply: () => ({ hooks: [hook(0, 'e0')] }) },
    });
    const result = await dispatchHook(handles, START, { fields: { container_id: 'c', container_json: Buffer.from('{}') } });
    assert.deepEqual(result.ociHooks?.map((h) => `${h.plugin}:${h.path}:${h.priority}`), [
      'zeta:/usr/bin/z5:5', 'early:/usr/bin/e0:0', 'alpha:/usr/bin/a0:0', 'zeta:/usr/bin/z0:0', 'alpha:/usr/bin/aneg:-100',
    ]);
    assert.equal(result.ociHooks?.[0]?.timeoutSeconds, undefined);
  });

  it('rejects an OCI hook with a relative path, naming plugin and field', async () => {
    const handles = plugins([], { bad: { subscribe: [START], reply: () => ({ hooks: [hook(1, 'ok'), { ...hook(0, 'x'), path: 'touch' }] }) } });
    await assert.rejects(dispatchHook(handles, START, {}),
      rejectsWith('ERR_HOOK_BAD_REPLY', (m) => assert.match(m, /plugin "bad" .*\(hooks\[1\]\.path\): must be an absolute path/)));
  });

  const routes = [{ method: 'GET', path: '/info' }, { method: 'POST', path: '/containers/create' }];
  it('combines route changes of several plugins', async () => {
    const handles = plugins([], {
      metrics: { subscribe: ['api.updateHandler'], reply: () => ({ add: [{ method: 'get', path: '/x/metrics' }], remove: [], wrap: [] }) },
      audit: { subscribe: ['api.updateHandler'], reply: () => ({ add: [], remove: [], wrap: [{ route: routes[1], before: true, after: false }] }) },
    });
    const result = await dispatchHook(handles, 'api.updateHandler', { fields: { routes } });
    assert.deepEqual(result.routes, {
      add: [{ method: 'GET', path: '/x/metrics', plugin: 'metrics' }],
      remove: [],
      wrap: [{ method: 'POST', path: '/containers/create', plugin: 'audit', before: true, after: false }],
    });
  });

  it('fails start-up with ERR_ROUTE_CONFLICT when two plugins add the same route', async () => {
    const add = () => ({ add: [{ method: 'GET', path: '/x' }] });
    const handles = plugins([], { b: { subscribe: ['api.updateHandler'], reply: add }, a: { subscribe: ['api.updateHandler'], reply: add, order: 3 } });
    await assert.rejects(dispatchHook(handles, 'api.updateHandler', { fields: { routes } }),
      rejectsWith('ERR_ROUTE_CONFLICT', (m) => assert.equal(m, 'plugins "a" and "b" both claim route GET /x')));
  });

  it('unions snapshotters without duplicates or the one already unpacked', async () => {
    const handles = plugins([], {
      a: { subscribe: ['image.postPull'], reply: () => ({ snapshotters: ['qcow2', 'overlayfs'] }) },
      b: { subscribe: ['image.postPull'], reply: () => ({ snapshotters: ['qcow2', 'zfs'] }) },
    });
    const result = await dispatchHook(handles, 'image.postPull', { fields: { image_ref: 'busybox', snapshotter: 'overlayfs' } });
    assert.deepEqual(result.snapshotters, ['qcow2', 'zfs']);
  });

  it('rejects snapshotter names that are not strings, and skips them under ignore', async () => {
    const bad = () => ({ snapshotters: [1] });
    await assert.rejects(dispatchHook(plugins([], { odd: { subscribe: ['image.postPull'], reply: bad } }), 'image.postPull', {}),
      rejectsWith('ERR_HOOK_BAD_REPLY', (m) => assert.match(m, /plugin "odd" .*\(snapshotters\)/)));
    const result = await dispatchHook(plugins([], { odd: { subscribe: ['image.postPull'], reply: bad, failurePolicy: 'ignore' } }), 'image.postPull', {});
    assert.deepEqual(result.snapshotters, []);
    assert.equal(result.skipped[0]?.code, 'ERR_HOOK_BAD_REPLY');
  });

  it('skips a malformed route reply under ignore and keeps the others', async () => {
    const handles = plugins([], {
      odd: { subscribe: ['api.updateHandler'], failurePolicy: 'ignore', reply: () => ({ add: [{ method: 'GET', path: 'no-slash' }] }) },
      good: { subscribe: ['api.updateHandler'], reply: () => ({ remove: [{ method: 'GET', path: '/info' }] }) },
    });
    const result = await dispatchHook(handles, 'api.updateHandler', { fields: { routes } });
    assert.deepEqual(result.routes?.remove, [{ method: 'GET', path: '/info', plugin: 'good' }]);
    assert.match(result.skipped[0]?.message ?? '', /\(add\[0\]\.path\): must start with "\/"/);
  });

  it('tells every subscribed plugin on a notify hook and returns nothing to combine', async () => {
    const log: RecordedCall[] = [];
    const handles = plugins(log, {
      a: { subscribe: ['container.postUpdate'] }, b: { subscribe: ['container.postUpdate'], order: 2 }, c: { subscribe: [CREATE] },
    });
    const result = await dispatchHook(handles, 'container.postUpdate', { fields: { container_id: 'x', rootfs: '/r', env: ['A=1'] } });
    assert.deepEqual(result.called, ['a', 'b']);
    assert.equal(result.changed, false);
    assert.deepEqual(log.map((call) => call.rpc), ['ContainerPostUpdate', 'ContainerPostUpdate']);
  });
});
