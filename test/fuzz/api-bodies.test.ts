// Property-based fuzzing of the daemon's HTTP API (fast-check) with the fakes behind it:
// - a create body with one field of the wrong Engine API type is a 400 naming that field;
// - arbitrary JSON and arbitrary bytes on the routes that take bodies never get a 5xx, every 4xx
//   has a message, and the daemon keeps answering;
// - nothing is written outside the data root (the data root's parent is listed before and after).
// Bounded: HOOKD_FUZZ_RUNS runs per property (default 150; the longer run in docs/chaos-and-fuzz.md).

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import engineApi from '../../src/daemon/validation/engine-schema/engine-api.json' with { type: 'json' };
import { createDaemon, type Daemon } from '../../src/daemon/daemon.ts';
import type { ContainerRecord } from '../../src/daemon/containers/container-record.ts';
import type { VolumeRecord } from '../../src/daemon/volumes/volume-record.ts';
import { call, tempSocketPath } from '../unit/daemon/api-http.ts';
import { FakeImageStore, FakeInvoker, FakeRuntime, MemoryStore, silentLogger } from '../unit/daemon/containers-fakes.ts';

const RUNS = Number(process.env.HOOKD_FUZZ_RUNS ?? 150);

let daemon: Daemon;
let socketPath: string;
let parent: string;
let dataRoot: string;

before(async () => {
  parent = await mkdtemp(join(tmpdir(), 'hookd-fuzz-'));
  dataRoot = join(parent, 'data');
  await mkdir(dataRoot);
  socketPath = await tempSocketPath();
  daemon = createDaemon({
    config: { dataRoot, listen: { socketPath } },
    invoker: new FakeInvoker(), runtime: new FakeRuntime(), images: new FakeImageStore(dataRoot), logger: silentLogger,
    stores: { containers: new MemoryStore<ContainerRecord>(), volumes: new MemoryStore<VolumeRecord>() },
  });
  await daemon.listen();
});
after(async () => {
  await daemon.close();
  await rm(parent, { recursive: true, force: true });
});

type Kind = 'string' | 'integer' | 'fraction' | 'boolean' | 'array' | 'object';
const SAMPLE: Record<Kind, fc.Arbitrary<unknown>> = {
  string: fc.string(),
  integer: fc.integer(),
  fraction: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  boolean: fc.boolean(),
  array: fc.array(fc.integer(), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
};

function accepts(types: readonly string[], kind: Kind): boolean {
  if (kind === 'integer') return types.includes('integer') || types.includes('number');
  if (kind === 'fraction') return types.includes('number');
  return types.includes(kind);
}

/** Every typed field of the create body: [path, accepted types]. */
function typedFields(): Array<[string[], string[]]> {
  type Properties = Record<string, { type?: string[] }>;
  const definitions = engineApi.definitions as Record<string, { properties?: Properties; allOf?: Array<{ $ref?: string; properties?: Properties }> }>;
  const propertiesOf = (name: string): Record<string, { type?: string[] }> => {
    const definition = definitions[name]!;
    const parts = [definition, ...(definition.allOf ?? [])];
    const own = (part: { $ref?: string; properties?: Record<string, { type?: string[] }> }): Record<string, { type?: string[] }> =>
      (part.$ref ? propertiesOf(part.$ref.replace('#/definitions/', '')) : part.properties ?? {});
    return Object.assign({}, ...parts.map(own));
  };
  const fields: Array<[string[], string[]]> = [];
  for (const [name, schema] of Object.entries(propertiesOf('ContainerConfig'))) if (schema.type) fields.push([[name], schema.type]);
  for (const [name, schema] of Object.entries(propertiesOf('HostConfig'))) if (schema.type) fields.push([['HostConfig', name], schema.type]);
  return fields;
}

test('a create body with one field of the wrong Engine API type is a 400 naming that field', async () => {
  const fields = typedFields();
  assert.ok(fields.length > 80, `${fields.length} typed fields`);
  const wrong = fc.constantFrom(...fields).chain(([path, types]) => {
    const kinds = (Object.keys(SAMPLE) as Kind[]).filter((kind) => !accepts(types, kind));
    return fc.tuple(fc.constant(path), fc.constantFrom(...kinds).chain((kind) => SAMPLE[kind]));
  });
  await fc.assert(fc.asyncProperty(wrong, async ([path, value]) => {
    const body: Record<string, unknown> = { Image: 'busybox', HostConfig: {} };
    if (path.length === 1) body[path[0]!] = value;
    else (body.HostConfig as Record<string, unknown>)[path[1]!] = value;
    const answer = await call(socketPath, 'POST', '/containers/create', JSON.stringify(body));
    assert.equal(answer.status, 400, `${path.join('.')} = ${JSON.stringify(value)}: ${answer.body.toString()}`);
    assert.ok((answer.json() as { message: string }).message.includes(path.join('.')), (answer.json() as { message: string }).message);
  }), { numRuns: RUNS });
});

const ROUTES: Array<[string, string]> = [
  ['POST', '/containers/create'], ['POST', '/volumes/create'], ['POST', '/containers/fuzz-target/update'],
  ['POST', '/containers/fuzz-target/exec'], ['POST', '/exec/nope/start'], ['POST', '/containers/fuzz-target/rename?name=x'],
];

test('arbitrary JSON and arbitrary bytes never get a 5xx, every error has a message, and nothing is written outside the data root', async () => {
  const created = await call(socketPath, 'POST', '/containers/create?name=fuzz-target', JSON.stringify({ Image: 'busybox' }));
  assert.equal(created.status, 201);
  const outsideBefore = await readdir(parent);
  const body = fc.oneof(
    fc.json({ depthSize: 'medium' }).map((text) => Buffer.from(text)),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    fc.record({ Name: fc.oneof(fc.string(), fc.constantFrom('../../escape', '/etc/x', '..', 'a/../../b')), Driver: fc.oneof(fc.string(), fc.integer()), Labels: fc.anything() }).map((value) => Buffer.from(JSON.stringify(value))),
    fc.record({ Image: fc.constant('busybox'), HostConfig: fc.record({ Binds: fc.array(fc.constantFrom('../../x:/y', '/:/host', 'a:b:c:d', ':/x')), Mounts: fc.array(fc.record({ Type: fc.string(), Source: fc.string(), Target: fc.oneof(fc.string(), fc.integer()) }), { maxLength: 2 }) }, { requiredKeys: [] }) }).map((value) => Buffer.from(JSON.stringify(value))),
  );
  await fc.assert(fc.asyncProperty(fc.constantFrom(...ROUTES), body, async ([method, path], bytes) => {
    const answer = await call(socketPath, method, path, bytes);
    assert.ok(answer.status < 500, `${method} ${path} ${bytes.toString().slice(0, 120)} → ${answer.status} ${answer.body.toString()}`);
    if (answer.status >= 400) assert.notEqual(((answer.json() as { message?: string }).message ?? '').trim(), '', `${method} ${path} → ${answer.status} without a message`);
  }), { numRuns: RUNS });
  assert.deepEqual(await readdir(parent), outsideBefore, 'nothing was created beside the data root');
  assert.equal((await call(socketPath, 'GET', '/_ping')).status, 200, 'the daemon still answers');
});
