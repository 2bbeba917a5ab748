// Property test of the narrowed reply diff (reply-claims.ts): for random create-config-shaped
// documents and random edits, serialised as an SDK does (the input's key order, compact) and also
// reformatted (other whitespace or key order), corrupted inside the edit, or nested past the depth
// limit there, the fast path gives exactly the full path's claims, merged document, provenance and
// error (code and message). The full path is decodeReplyDocument + mergeGroup's own diff, the
// host's path before the narrowing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { diffDocuments, type Claim } from '../../../src/host/document-diff.ts';
import { hookSpec } from '../../../src/host/hooks.ts';
import { dispatchHook } from '../../../src/host/dispatch.ts';
import { appendProvenance, compareNames, mergeGroup } from '../../../src/host/merge.ts';
import { decodeReplyClaims, narrowedClaims, SentDocument } from '../../../src/host/reply-claims.ts';
import { decodeReplyDocument } from '../../../src/host/reply-decode.ts';
import { commonPrefixLength, commonSuffixLength } from '../../../src/host/reply-narrow.ts';
import type { ProvenanceEntry } from '../../../src/host/types.ts';
import { FakeHandle, type RecordedCall } from './fake-handle.ts';

const RUNS = Number(process.env.HOOKD_FUZZ_RUNS ?? 600);
const spec = hookSpec('container.preCreate');
const context = { hook: spec.name, order: 3 };
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Strings with quotes, backslashes, brackets, control characters and non-ASCII, so that edits land
// inside escapes and multi-byte characters.
const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('a', '"', '\\', '{', ']', ',', ':', '=', '\n', 'é', '😀', '\u2028', '/'), maxLength: 8 }),
);
const envEntry = fc.tuple(fc.constantFrom('A', 'B', 'PATH', 'X_1', 'é'), text).map(([k, v]) => `${k}=${v}`);
const bind = fc.tuple(fc.constantFrom('/a', '/srv', 'vol'), fc.constantFrom('/data', '/x', '/y'), fc.constantFrom('', ':ro', ':rw')).map(([s, d, o]) => `${s}:${d}${o}`);
const mount = fc.record({ Type: fc.constantFrom('bind', 'volume'), Source: text, Target: fc.constantFrom('/m', '/n', '/o') }, { requiredKeys: ['Target'] });
const document = fc.record({
  Hostname: text,
  Env: fc.array(envEntry, { maxLength: 5 }),
  Cmd: fc.array(text, { maxLength: 3 }),
  Labels: fc.dictionary(text, text, { maxKeys: 4 }),
  Image: text,
  HostConfig: fc.record({
    Memory: fc.integer(),
    Binds: fc.array(bind, { maxLength: 3 }),
    Mounts: fc.array(mount, { maxLength: 3 }),
    RestartPolicy: fc.record({ Name: text, MaximumRetryCount: fc.nat() }),
    LogConfig: fc.record({ Type: text, Config: fc.dictionary(text, text, { maxKeys: 2 }) }),
  }, { requiredKeys: [] }),
  X: fc.jsonValue({ maxDepth: 3 }),
}, { requiredKeys: ['HostConfig'] }) as fc.Arbitrary<{ [key: string]: Json }>;

/** A walk from the root to a random container or member, then one change there. */
const oneEdit = fc.record({
  steps: fc.array(fc.nat(), { maxLength: 5 }),
  action: fc.constantFrom('replace', 'delete', 'add', 'push', 'splice', 'rename', 'duplicate', 'replace-and-rename-next'),
  value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), text, envEntry, bind, mount),
  key: text,
});

/** One edit mostly (an SDK's plugin changing one thing), sometimes two far apart. */
const edits = fc.array(oneEdit, { minLength: 1, maxLength: 2 });

type Edit = { steps: number[]; action: string; value: unknown; key: string };

function applyEdits(root: Json, list: readonly Edit[]): Json {
  let copy = JSON.parse(JSON.stringify(root)) as Json;
  for (const one of list) copy = applyEdit(copy, one);
  return copy;
}

/**
 * Values whose JSON is not themselves (a Date, an undefined member, NaN, an array hole): in the
 * caller's input they must send both paths the same way (the full diff sees them as changes).
 */
const holed: unknown[] = [1];
holed[2] = 2; // index 1 is a hole: JSON null, undefined to the diff
const unfaithful = fc.constantFrom<Array<[string, unknown]>>(
  [], [], [], [], [],
  [['Z', undefined]], [['Z', new Date(0)]], [['Z', Number.NaN]], [['Z', holed]], [['Z', { toJSON: () => 'x' }]],
);

function applyEdit(root: Json, { steps, action, value, key }: Edit): Json {
  const copy = root;
  let node = copy;
  for (const step of steps) {
    const children = Array.isArray(node) ? node : node !== null && typeof node === 'object' ? Object.values(node) : [];
    const next = children[step % Math.max(children.length, 1)];
    if (next === undefined || next === null || typeof next !== 'object') break;
    node = next;
  }
  if (Array.isArray(node)) {
    const at = steps.length % (node.length + 1);
    if (action === 'push' || action === 'add') node.push(value as Json);
    else if (action === 'splice' || action === 'delete') node.splice(at, 1);
    else node[Math.min(at, node.length)] = value as Json;
  } else if (node !== null && typeof node === 'object') {
    const keys = Object.keys(node);
    const target = keys[steps.length % Math.max(keys.length, 1)];
    if (action === 'delete' && target !== undefined) delete node[target];
    else if (action === 'duplicate' && target !== undefined) {
      // A member whose key another member of the object has too, in the text only (a hand-made
      // reply): JSON.parse keeps the last value at the first position. Marked here, written by serialise.
      node[`${DUPLICATE}${target}`] = value as Json;
    } else if (action === 'replace-and-rename-next' && target !== undefined) {
      // Two edits a few bytes apart, either side of a member boundary: a value and the next key.
      const next = keys[keys.indexOf(target) + 1];
      const entries = Object.entries(node).map(([k, v]): [string, Json] => [k === next ? key : k, k === target ? value as Json : v]);
      for (const k of keys) delete node[k];
      for (const [k, v] of entries) node[k] = v;
    } else if (action === 'rename' && target !== undefined) {
      // A key renamed in place: the same position, another name (SDKs keep member order).
      const entries = Object.entries(node).map(([k, v]): [string, Json] => [k === target ? key : k, v]);
      for (const k of keys) delete node[k];
      for (const [k, v] of entries) node[k] = v;
    } else if (action === 'add' || target === undefined) node[key] = value as Json;
    else node[target] = value as Json;
  }
  return copy;
}

function shuffledKeys(value: Json, seed: number): Json {
  if (Array.isArray(value)) return value.map((item) => shuffledKeys(item, seed + 1));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const rotated = [...keys.slice(seed % Math.max(keys.length, 1)), ...keys.slice(0, seed % Math.max(keys.length, 1))];
  return Object.fromEntries(rotated.map((k) => [k, shuffledKeys(value[k] as Json, seed + 1)]));
}

/** How the reply's bytes are made from the edited document. */
const serialisation = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'sdk' as const }) },
  fc.constant({ kind: 'indented' as const }),
  fc.nat().map((seed) => ({ kind: 'reordered' as const, seed })),
  fc.tuple(fc.nat(), fc.constantFrom('x', '"', '\\', '{', '}', ']', ',', '\u00ff')).map(([at, junk]) => ({ kind: 'corrupt' as const, at, junk })),
  fc.tuple(fc.nat(), fc.integer({ min: 55, max: 70 })).map(([at, depth]) => ({ kind: 'deep' as const, at, depth })),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 12 })).map(([at, length]) => ({ kind: 'cut' as const, at, depth: length })),
);

type Serialisation = { kind: string; at?: number; seed?: number; junk?: string; depth?: number };

/** A key prefix that serialise turns into a second member with the key that follows it. */
const DUPLICATE = '\u0000dup:';
const DUPLICATE_KEY = /"\\u0000dup:/g;

function serialise(edited: Json, how: Serialisation): Buffer {
  const sdk = JSON.stringify(edited).replace(DUPLICATE_KEY, '"');
  switch (how.kind) {
    case 'indented': return Buffer.from(JSON.stringify(edited, null, 1).replace(DUPLICATE_KEY, '"'));
    case 'reordered': return Buffer.from(JSON.stringify(shuffledKeys(edited, how.seed ?? 0)).replace(DUPLICATE_KEY, '"'));
    case 'corrupt': {
      const at = (how.at ?? 0) % (sdk.length + 1);
      return Buffer.from(sdk.slice(0, at) + (how.junk ?? '') + sdk.slice(at));
    }
    case 'cut': {
      // Bytes cut out (a member without its comma, half a string, a bracket): mostly invalid JSON.
      const at = (how.at ?? 0) % (sdk.length + 1);
      return Buffer.from(sdk.slice(0, at) + sdk.slice(at + (how.depth ?? 1)));
    }
    case 'deep': {
      // A bomb in place of a value: after a ':' or '[' that is not inside a string, when one is found.
      const bomb = '['.repeat(how.depth ?? 0) + ']'.repeat(how.depth ?? 0);
      const at = sdk.indexOf('":[', (how.at ?? 0) % (sdk.length + 1));
      return Buffer.from(at === -1 ? sdk : `${sdk.slice(0, at + 3)}${bomb},${sdk.slice(at + 3)}`);
    }
    default: return Buffer.from(sdk);
  }
}

type Outcome = { claims: Claim[]; document: unknown; provenance: unknown } | { error: string };

function outcome(run: () => { claims: Claim[]; merged: ReturnType<typeof mergeGroup> }): Outcome {
  try {
    const { claims, merged } = run();
    return { claims, document: merged.document, provenance: merged.claims };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { error: `${code ?? 'no code'}: ${message}` };
  }
}

test('the narrowed diff gives exactly the full path\'s claims, document, provenance and errors', () => {
  let narrowed = 0;
  let sdkRuns = 0;
  fc.assert(fc.property(document, edits, serialisation, unfaithful, (document, change, how, extra) => {
    const input: Record<string, unknown> = { ...document };
    for (const [key, value] of extra) input.X = { ...(input.X as object), [key]: value };
    const sent = Buffer.from(JSON.stringify(input));
    const reply = { config: { json: serialise(applyEdits(JSON.parse(sent.toString()) as Json, change), how) } };
    const full = outcome(() => {
      const output = decodeReplyDocument(spec, 'p', reply, input);
      return { claims: output === undefined ? [] : diffDocuments(input, output, 'p'), merged: mergeGroup(input, [{ plugin: 'p', output }], context) };
    });
    const fast = outcome(() => {
      const decoded = decodeReplyClaims(spec, 'p', reply, new SentDocument(input, sent));
      const claims = 'claims' in decoded ? decoded.claims : decoded.output === undefined ? [] : diffDocuments(input, decoded.output, 'p');
      return { claims, merged: mergeGroup(input, [{ plugin: 'p', ...decoded }], context) };
    });
    assert.deepEqual(fast, full);
    if (narrowedClaims(spec, 'p', reply, new SentDocument(input, sent)) !== undefined) narrowed += 1;
    if (how.kind === 'sdk' && extra.length === 0 && change.length === 1) sdkRuns += 1;
    assert.equal(JSON.stringify(input), sent.toString(), 'the input is not modified');
    if (extra.length > 0) assert.equal(narrowedClaims(spec, 'p', reply, new SentDocument(input, sent)), undefined);
  }), { numRuns: RUNS });
  // The property is not vacuous: most SDK-style replies with one edit take the narrowed path.
  assert.ok(narrowed > sdkRuns / 3, `only ${narrowed} of ${sdkRuns} SDK-style replies were narrowed`);
});

// The common prefix and suffix are probed byte by byte in JS over their first bytes, then found
// by binary search over native compares: both must count exactly what a byte loop counts.
test('commonPrefixLength and commonSuffixLength count exactly the common bytes, up to the limit', () => {
  const bytes = fc.uint8Array({ maxLength: 70 }).map((array) => array.map((byte) => byte % 3)); // few values: long common runs
  fc.assert(fc.property(bytes, bytes, fc.nat(), (shared, tail, cut) => {
    const a = Buffer.from([...shared, ...tail]);
    const b = Buffer.from([...shared, ...tail.slice(0, cut % (tail.length + 1)), 7]);
    for (const [x, y] of [[a, b], [b, a], [a, Buffer.from(a)]] as const) {
      const shorter = Math.min(x.length, y.length);
      for (const limit of [shorter, Math.floor(shorter / 2)]) {
        let prefix = 0;
        while (prefix < limit && x[prefix] === y[prefix]) prefix += 1;
        let suffix = 0;
        while (suffix < limit && x[x.length - 1 - suffix] === y[y.length - 1 - suffix]) suffix += 1;
        assert.equal(commonPrefixLength(x, y, limit), prefix);
        assert.equal(commonSuffixLength(x, y, limit), suffix);
      }
    }
  }), { numRuns: RUNS });
});

// Over several groups: what each group is sent (after a group whose changes all lie in one array
// its replies were narrowed to, the bytes are the previous ones with that array re-encoded:
// reply-claims.ts resplicedBytes), the merged document, provenance and errors are exactly those of
// the full path: JSON.stringify of the document so far, and decodeReplyDocument + mergeGroup.
const envEdit = fc.record({
  action: fc.constantFrom('env-add', 'env-set', 'env-remove', 'env-reorder'),
  entry: envEntry,
  at: fc.nat(),
});
const pluginEdit = fc.oneof({ weight: 3, arbitrary: envEdit }, { weight: 1, arbitrary: oneEdit });
const pipeline = fc.array(fc.array(pluginEdit, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 });

/** A plugin as an SDK runs it: parse what it was sent, change it, re-serialise in the same order. */
function answer(sent: Buffer, change: Edit | { action: string; entry: string; at: number }): Buffer {
  const document = JSON.parse(sent.toString()) as Record<string, Json>;
  if ('entry' in change) {
    const env = Array.isArray(document.Env) ? document.Env : (document.Env = []);
    const at = change.at % Math.max(env.length, 1);
    if (change.action === 'env-add') env.push(change.entry);
    else if (change.action === 'env-set' && env.length > 0) env[at] = change.entry;
    else if (change.action === 'env-remove') env.splice(at, 1);
    else env.reverse();
    return Buffer.from(JSON.stringify(document));
  }
  return Buffer.from(JSON.stringify(applyEdits(document, [change])).replace(DUPLICATE_KEY, '"'));
}

test('over several groups, each group is sent and merges exactly what the full path would', async () => {
  await fc.assert(fc.asyncProperty(document, pipeline, async (input, groups) => {
    // The full path, group by group.
    const expectedSent: string[] = [];
    let expected: { document: unknown; provenance: ProvenanceEntry[] } | { error: string };
    try {
      let current: unknown = input;
      let provenance: ProvenanceEntry[] = [];
      groups.forEach((edits, order) => {
        const bytes = Buffer.from(JSON.stringify(current));
        expectedSent.push(...edits.map(() => bytes.toString()));
        const replies = edits.map((change, i) => ({ plugin: `g${order}p${i}`, output: decodeReplyDocument(spec, `g${order}p${i}`, { config: { json: answer(bytes, change) } }, current) }));
        const merged = mergeGroup(current, replies, { hook: spec.name, order });
        if (merged.claims.length > 0) current = merged.document;
        provenance = appendProvenance(provenance, merged.claims);
      });
      expected = { document: current, provenance };
    } catch (error) {
      expected = { error: `${(error as { code: string }).code}: ${(error as Error).message}` };
    }

    const log: RecordedCall[] = [];
    const handles = groups.flatMap((edits, order) => edits.map((change, i) => new FakeHandle(`g${order}p${i}`, {
      order, subscribe: ['container.preCreate'],
      reply: (request) => ({ config: { json: answer(request.config_json as Buffer, change) } }),
    }, log)));
    let actual: typeof expected;
    try {
      const result = await dispatchHook(handles, 'container.preCreate', { document: input });
      actual = { document: result.document, provenance: result.provenance };
    } catch (error) {
      actual = { error: `${(error as { code: string }).code}: ${(error as Error).message}` };
    }
    assert.deepEqual(actual, expected);
    if (!('error' in expected)) {
      const sent = [...log].sort((a, b) => compareNames(a.plugin, b.plugin)).map((call) => (call.request.config_json as Buffer).toString());
      assert.deepEqual(sent, expectedSent);
    }
  }), { numRuns: Math.ceil(RUNS / 3) });
});
