// Property test of the merge's full path against its frozen copy (reference-merge.ts, the code
// before the reply-lean changes): for random documents (endpoint- and create-config-shaped, with
// maps, keyed arrays, keys that need brackets or escapes, `__proto__`) and random replies of one
// to three plugins, serialised as Go's json.Marshal does (sorted keys), as the SDKs do (the input's
// order), indented, corrupted or nested too deep, the host gives exactly the reference's decoded
// value or error, claims, merged document, provenance, dropped plugins and errors, and never
// modifies its input. Then the same through dispatchHook, where combineGroup runs the steps.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyClaims, diffDocuments } from '../../../src/host/document-diff.ts';
import { dispatchHook } from '../../../src/host/dispatch.ts';
import { hookSpec } from '../../../src/host/hooks.ts';
import { appendProvenance, mergeGroup, type GroupReply } from '../../../src/host/merge.ts';
import { decodeReplyDocument } from '../../../src/host/reply-decode.ts';
import { replyBytesDepthProblem, replyDepthProblem } from '../../../src/host/reply-limits.ts';
import { isJsonFaithful } from '../../../src/host/reply-narrow.ts';
import type { ProvenanceEntry } from '../../../src/host/types.ts';
import { FakeHandle } from './fake-handle.ts';
import * as reference from './reference-merge.ts';

const RUNS = Number(process.env.HOOKD_FUZZ_RUNS ?? 600);
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const key = fc.constantFrom(
  'a', 'b', 'Name', 'Priority', 'com.example.keep', 'x]y', 'back\\slash', '', 'é', '__proto__', 'constructor', 'VpcECS', '1',
  'q"uote', '\u0001', '\ud83d', '\udc00', '😀', 'tab\t', '\u2028',
);
const text = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('"', '\\', '=', 'é😀', '\u2028'));
const scalar = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));
const map = fc.dictionary(key, text, { maxKeys: 4 });
const envEntry = fc.tuple(fc.constantFrom('A', 'B', 'PATH', 'é'), fc.constantFrom('', '=1', '=x=y', '=2')).map(([k, v]) => `${k}${v}`);
const endpoint = fc.record({
  Name: text, NetworkID: text, MacAddress: text, GenericParams: fc.oneof(map, fc.constant(null)),
  Priority: fc.integer(), DisableResolver: fc.boolean(), X: fc.jsonValue({ maxDepth: 2 }),
}, { requiredKeys: ['Name'] });
const createConfig = fc.record({
  Hostname: text,
  Env: fc.array(envEntry, { maxLength: 4 }),
  Labels: fc.oneof(map, fc.constant(null)),
  Cmd: fc.array(text, { maxLength: 2 }),
  HostConfig: fc.record({
    Memory: fc.integer(),
    Binds: fc.array(fc.constantFrom('/a:/data', '/b:/data:ro', 'v:/x', '/y', 'bad'), { maxLength: 3 }),
    Mounts: fc.array(fc.record({ Target: fc.constantFrom('/m', '/n'), ReadOnly: fc.boolean() }, { requiredKeys: [] }), { maxLength: 2 }),
    LogConfig: fc.record({ Type: text, Config: map }),
  }, { requiredKeys: [] }),
  X: fc.jsonValue({ maxDepth: 3 }),
}, { requiredKeys: [] });
const documentShape = fc.oneof(endpoint, createConfig) as fc.Arbitrary<Record<string, Json>>;

/** One change: a random walk into the document, then set, delete, add, push or splice there. */
const edit = fc.record({
  steps: fc.array(fc.nat(), { maxLength: 4 }),
  action: fc.constantFrom('set', 'delete', 'add', 'push', 'splice', 'null', 'reorder'),
  key,
  value: fc.oneof(scalar, map, envEntry, fc.jsonValue({ maxDepth: 2 })),
});
type Edit = { steps: number[]; action: string; key: string; value: unknown };

function applyEdit(root: Json, { steps, action, key: name, value: shared }: Edit): Json {
  const value = structuredClone(shared); // a reply is made more than once from the same edit
  let node: Json = root;
  for (const step of steps) {
    const children: Json[] = Array.isArray(node) ? node : node !== null && typeof node === 'object' ? Object.values(node) : [];
    const next = children[step % Math.max(children.length, 1)];
    if (next === undefined || next === null || typeof next !== 'object') break;
    node = next;
  }
  if (Array.isArray(node)) {
    const at = steps.length % (node.length + 1);
    if (action === 'push' || action === 'add') node.push(value as Json);
    else if (action === 'splice' || action === 'delete') node.splice(at, 1);
    else if (action === 'reorder') node.reverse();
    else node[Math.min(at, node.length)] = (action === 'null' ? null : value) as Json;
  } else if (node !== null && typeof node === 'object') {
    const keys = Object.keys(node);
    const target = keys[steps.length % Math.max(keys.length, 1)];
    if (action === 'delete' && target !== undefined) delete node[target];
    else if (action === 'reorder') {
      const entries = Object.entries(node).reverse();
      for (const k of keys) delete node[k];
      for (const [k, v] of entries) Object.defineProperty(node, k, { value: v, writable: true, enumerable: true, configurable: true });
    } else {
      const at = action === 'add' || target === undefined ? name : target;
      Object.defineProperty(node, at, { value: action === 'null' ? null : value, writable: true, enumerable: true, configurable: true });
    }
  }
  return root;
}

/** Go's json.Marshal of a map: keys sorted at every level. */
function sortedKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, Json> = {};
  for (const k of Object.keys(value).sort()) Object.defineProperty(sorted, k, { value: sortedKeys(value[k] as Json), writable: true, enumerable: true, configurable: true });
  return sorted;
}

const serialisation = fc.oneof(
  { weight: 5, arbitrary: fc.constant('go') },
  { weight: 2, arbitrary: fc.constant('sdk') },
  fc.constantFrom('indented', 'unset', 'not-bytes', 'base64', 'not-an-object', 'kind'),
  fc.tuple(fc.nat(), fc.constantFrom('x', '"', '}', ',', '\\')).map(([at, junk]) => `corrupt:${at}:${junk}`),
  fc.integer({ min: 60, max: 70 }).map((depth) => `deep:${depth}`),
);

/** A plugin's reply message for `edits` of the document it was sent, serialised as `how` says. */
function replyFor(sent: string, edits: readonly Edit[], how: string): Record<string, unknown> {
  const changed = edits.reduce((document, one) => applyEdit(document, one), JSON.parse(sent) as Json);
  const go = JSON.stringify(sortedKeys(changed));
  const [kind, at, junk] = how.split(':');
  switch (kind) {
    case 'unset': return { config: null };
    case 'not-bytes': return { config: { json: 5 } };
    case 'not-an-object': return { config: 'x' };
    case 'base64': return { config: { json: Buffer.from(go).toString('base64') } };
    case 'kind': return { config: { json: Buffer.from('[1]') } };
    case 'sdk': return { config: { json: Buffer.from(JSON.stringify(changed)) } };
    case 'indented': return { config: { json: Buffer.from(JSON.stringify(sortedKeys(changed), null, 2)) } };
    case 'corrupt': {
      const cut = Number(at) % (go.length + 1);
      return { config: { json: Buffer.from(go.slice(0, cut) + (junk ?? '') + go.slice(cut)) } };
    }
    case 'deep': {
      const depth = Number(at);
      return { config: { json: Buffer.from(`{"Deep":${'['.repeat(depth)}${']'.repeat(depth)},${go.slice(1)}`) } };
    }
    default: return { config: { json: Buffer.from(go) } };
  }
}

function attempt<T>(run: () => T): T | { error: string } {
  try {
    return run();
  } catch (error) {
    return { error: `${(error as { code?: string }).code ?? 'no code'}: ${(error as Error).message}` };
  }
}

const spec = hookSpec('container.preCreate');
const allowLists = fc.constantFrom<string[] | undefined>(undefined, undefined, ['Priority', 'DisableResolver', 'GenericParams'], ['Labels[*]', 'Env[*]'], ['HostConfig.*', 'X'], [], ['$']);
const plugin = fc.record({ edits: fc.array(edit, { minLength: 0, maxLength: 3 }), how: serialisation, allowedPaths: allowLists, ignore: fc.boolean() });
const group = fc.array(plugin, { minLength: 1, maxLength: 3 });

test('decode, diff, merge and provenance are exactly the reference\'s, for replies in any key order', () => {
  fc.assert(fc.property(documentShape, group, fc.array(fc.nat(), { maxLength: 3 }), (input, plugins, history) => {
    const sent = JSON.stringify(input);
    const replies: GroupReply[] = [];
    const referenceReplies: reference.GroupReply[] = [];
    plugins.forEach((one, i) => {
      const name = `p${(i * 7) % 3}${i}`; // not in call order: mergeGroup sorts by name
      const reply = replyFor(sent, one.edits, one.how);
      const expected = attempt(() => reference.decodeReplyDocument(spec, name, reply, input));
      const actual = attempt(() => decodeReplyDocument(spec, name, reply, input));
      assert.deepEqual(actual, expected);
      if (typeof expected === 'object' && expected !== null && 'error' in expected) return;
      assert.deepEqual(diffDocuments(input, actual, name), reference.diffDocuments(input, expected, name));
      const allowed = one.allowedPaths === undefined ? {} : { allowedPaths: one.allowedPaths };
      replies.push({ plugin: name, output: actual, ...allowed });
      referenceReplies.push({ plugin: name, output: expected, ...allowed });
    });
    const policyFor = (name: string): 'ignore' | 'fail' => (plugins[Number(name.slice(2))]?.ignore === true ? 'ignore' : 'fail');
    const context = { hook: spec.name, order: 2, policyFor };
    const expected = attempt(() => reference.mergeGroup(input, referenceReplies, context));
    assert.deepEqual(attempt(() => mergeGroup(input, replies, context)), expected);
    // The claims given instead of the output (dispatch's narrowed decode) merge the same way.
    const withClaims = replies.map((reply) => (reply.output === undefined ? reply : { ...reply, output: undefined, claims: diffDocuments(input, reply.output, reply.plugin) }));
    assert.deepEqual(attempt(() => mergeGroup(input, withClaims, context)), expected);
    assert.equal(JSON.stringify(input), sent, 'the input is not modified');
    if (!('error' in expected)) {
      const earlier: ProvenanceEntry[] = history.map((n) => ({ path: ['GenericParams[a]', 'Env[PATH]', 'HostConfig', '$', 'Labels'][n % 5] as string, plugin: `e${n % 2}`, order: n % 2, action: 'set' }));
      assert.deepEqual(appendProvenance(earlier, expected.claims), reference.appendProvenance(earlier, expected.claims));
      // Applying every claim of every reply in turn (no conflict check): the same document.
      const claims = replies.flatMap((reply) => diffDocuments(input, reply.output, reply.plugin));
      assert.deepEqual(attempt(() => applyClaims(input, claims)), attempt(() => reference.applyClaims(input, claims)));
      assert.equal(JSON.stringify(input), sent, 'the input is not modified');
    }
  }), { numRuns: RUNS });
});

test('dispatch merges groups of Go-style replies exactly as the reference, skips and errors included', async () => {
  await fc.assert(fc.asyncProperty(documentShape, fc.array(group, { minLength: 1, maxLength: 3 }), async (input, groups) => {
    const handles = groups.flatMap((plugins, order) => plugins.map((one, i) => new FakeHandle(`g${order}p${i}`, {
      order, subscribe: ['container.preCreate'], failurePolicy: one.ignore ? 'ignore' : 'fail',
      ...(one.allowedPaths === undefined ? {} : { allowedPaths: one.allowedPaths }),
      reply: (request) => replyFor((request.config_json as Buffer).toString(), one.edits, one.how === 'sdk' || one.how === 'indented' ? one.how : 'go'),
    })));
    const expected = attempt(() => {
      let document: unknown = input;
      let provenance: ProvenanceEntry[] = [];
      const skipped: Array<{ plugin: string; code: string; message: string }> = [];
      groups.forEach((plugins, order) => {
        const sent = JSON.stringify(document);
        const replies = plugins.map((one, i) => {
          const name = `g${order}p${i}`;
          const output = reference.decodeReplyDocument(spec, name, replyFor(sent, one.edits, one.how === 'sdk' || one.how === 'indented' ? one.how : 'go'), document);
          return { plugin: name, output, ...(one.allowedPaths === undefined ? {} : { allowedPaths: one.allowedPaths }) };
        });
        const merged = reference.mergeGroup(document, replies, { hook: spec.name, order, policyFor: (name) => (plugins[Number(name.split('p')[1])]?.ignore ? 'ignore' : 'fail') });
        for (const { plugin: name, error } of merged.dropped) skipped.push({ plugin: name, code: error.code, message: error.message });
        if (merged.claims.length > 0) document = merged.document;
        provenance = reference.appendProvenance(provenance, merged.claims);
      });
      return { document, provenance, skipped };
    });
    const actual = await dispatchHook(handles, 'container.preCreate', { document: input }).then(
      (result) => ({ document: result.document, provenance: result.provenance, skipped: result.skipped }),
      (error: unknown) => ({ error: `${(error as { code?: string }).code ?? 'no code'}: ${(error as Error).message}` }),
    );
    assert.deepEqual(actual, expected);
  }), { numRuns: Math.ceil(RUNS / 3) });
});

// The full path scans the reply's bytes for nesting (reply-limits.ts replyBytesDepthProblem), the
// narrowed path and the reference its decoded text: the same answer and message for any bytes,
// invalid UTF-8 and escapes before multi-byte characters included.
test('the depth scan of the bytes answers exactly as the scan of their text', () => {
  const piece = fc.constantFrom<number[]>(
    [0x5b], [0x7b], [0x5d], [0x7d], [0x22], [0x5c], [0x61], [0x5c, 0x22], [0x22, 0x5c, 0x22], [0x5c, 0x5c],
    [0xc3, 0xa9], [0xc3], [0x80], [0xf0, 0x9f, 0x98, 0x80], [0x5c, 0xc3, 0xa9], [0xe2, 0x80],
  );
  // Random pieces around a run of brackets that may reach past the limit (unless a string swallows it).
  const input = fc.tuple(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 0, max: 80 }), fc.array(piece, { maxLength: 40 }));
  fc.assert(fc.property(input, ([before, opened, after]) => {
    const bytes = Buffer.from([...before.flat(), ...Array.from({ length: opened }, () => 0x7b), ...after.flat()]);
    const text = bytes.toString('utf8');
    assert.equal(replyBytesDepthProblem(bytes, () => text), replyDepthProblem(text));
    assert.equal(replyDepthProblem(text), reference.replyDepthProblem(text));
  }), { numRuns: RUNS * 3 });
});

// Whether the input's bytes stand for its value (reply-narrow.ts isJsonFaithful, now recursive):
// the reference's answer for JSON values with an unfaithful leaf somewhere, nested near the limit.
test('isJsonFaithful answers exactly as the reference', () => {
  const holed: unknown[] = [1];
  holed[2] = 2;
  const leaf = fc.oneof(
    { weight: 8, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    fc.constantFrom<unknown>(undefined, Number.NaN, Number.POSITIVE_INFINITY, new Date(0), holed, { toJSON: () => 1 }, Object.create(null), 1n, () => 1, Symbol('s')),
  );
  const nested = fc.tuple(leaf, fc.integer({ min: 0, max: 70 }), fc.array(fc.boolean(), { maxLength: 70 })).map(([value, depth, shapes]) => {
    let wrapped: unknown = value;
    for (let i = 0; i < depth; i += 1) wrapped = shapes[i] === true ? [wrapped] : { k: wrapped };
    return wrapped;
  });
  fc.assert(fc.property(fc.array(nested, { maxLength: 3 }), fc.integer({ min: 0, max: 70 }), (values, maxDepth) => {
    const document = { a: values, b: values[0] };
    assert.equal(isJsonFaithful(document, maxDepth), reference.isJsonFaithful(document, maxDepth));
    assert.equal(isJsonFaithful(values[0], 64), reference.isJsonFaithful(values[0], 64));
  }), { numRuns: RUNS });
});
