// The narrowed reply diff at its boundaries (reply-claims.ts, reply-narrow.ts): for each reply, the
// fast path must give exactly the full path's claims and error, and the table says whether it may
// answer itself (narrowed, and at which container) or must hand over to the full path.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffDocuments, type Claim } from '../../../src/host/document-diff.ts';
import { dispatchHook } from '../../../src/host/dispatch.ts';
import { hookSpec } from '../../../src/host/hooks.ts';
import { decodeReplyClaims, narrowedClaims, SentDocument } from '../../../src/host/reply-claims.ts';
import { decodeReplyDocument } from '../../../src/host/reply-decode.ts';
import { narrowReply } from '../../../src/host/reply-narrow.ts';
import { FakeHandle } from './fake-handle.ts';

const spec = hookSpec('container.preCreate');
const INPUT = {
  Hostname: 'web',
  Env: ['PATH=/bin', 'QUOTE=say "hi"\\now\n'],
  Labels: { team: 'payments', 'a]b': 'x' },
  HostConfig: {
    Memory: 0,
    Binds: ['/srv:/data:ro'],
    Mounts: [{ Type: 'bind', Source: '/s', Target: '/m', ReadOnly: false }],
  },
  Cmd: ['node', 'é😀'],
};
const SENT = JSON.stringify(INPUT);

interface BoundaryCase {
  title: string;
  /** The reply's text, made from the input's JSON text. */
  reply: string;
  /** The part narrowReply finds around the edit: an array, or a run of members of an object. */
  part: string | undefined;
  /** Whether the fast path answers (otherwise the full path does, which reports every error). */
  isNarrowed: boolean;
}

const cases: BoundaryCase[] = [
  { title: 'an identical reply', reply: SENT, part: 'identical', isNarrowed: true },
  { title: 'an edit at the first byte (leading space)', reply: ` ${SENT}`, part: undefined, isNarrowed: false },
  { title: 'an edit at the first byte (an array for an object)', reply: `[${SENT.slice(1, -1)}]`, part: undefined, isNarrowed: false },
  { title: 'an edit at the last byte (trailing space)', reply: `${SENT} `, part: undefined, isNarrowed: false },
  { title: 'an edit at the last byte (the closing brace gone)', reply: SENT.slice(0, -1), part: undefined, isNarrowed: false },
  { title: 'an Env entry appended', reply: SENT.replace('now\\n"]', 'now\\n","NEW=1"]'), part: 'array of $.Env', isNarrowed: true },
  { title: 'an edit inside a string, right after a backslash', reply: SENT.replace('\\now\\n', '\\now\\t'), part: 'array of $.Env', isNarrowed: true },
  { title: 'an escaped quote removed inside a string', reply: SENT.replace('say \\"hi\\"', 'say hi'), part: 'array of $.Env', isNarrowed: true },
  { title: 'a multi-byte character changed', reply: SENT.replace('é😀', 'é😁'), part: 'array of $.Cmd', isNarrowed: true },
  { title: 'a key renamed', reply: SENT.replace('"team":', '"group":'), part: 'members of $.Labels', isNarrowed: true },
  { title: 'a key with a bracket renamed', reply: SENT.replace('"a]b":', '"a]c":'), part: 'members of $.Labels', isNarrowed: true },
  { title: 'a keyed-array element changed inside', reply: SENT.replace('"ReadOnly":false', '"ReadOnly":true'), part: 'array of $.HostConfig.Mounts', isNarrowed: true },
  { title: 'a bind changed', reply: SENT.replace('/srv:/data:ro', '/srv:/data:rw'), part: 'array of $.HostConfig.Binds', isNarrowed: true },
  { title: 'two edits in one struct: its smallest container holding both', reply: SENT.replace('"Memory":0', '"Memory":64').replace(':ro"', ':rw"'), part: 'members of $.HostConfig', isNarrowed: true },
  { title: 'two edits just either side of a member boundary', reply: SENT.replace('"Memory":0,"Binds"', '"Memory":1,"Ainds"'), part: 'members of $.HostConfig', isNarrowed: true },
  { title: 'an Env entry deleted with its comma (the deletion slides left onto its own bytes)', reply: SENT.replace('"PATH=/bin",', ''), part: 'array of $.Env', isNarrowed: true },
  { title: 'a whole top-level key deleted', reply: SENT.replace(/"Labels":\{[^}]*\},/, ''), part: 'members of $', isNarrowed: true },
  { title: 'a small top-level member deleted', reply: SENT.replace('"Hostname":"web",', ''), part: 'members of $', isNarrowed: true },
  { title: 'a top-level member added at the end', reply: `${SENT.slice(0, -1)},"User":"1000"}`, part: 'members of $', isNarrowed: true },
  { title: 'a label added first in a map', reply: SENT.replace('"Labels":{', '"Labels":{"new":"1",'), part: 'members of $.Labels', isNarrowed: true },
  { title: 'the first member deleted but not its comma (an empty run after "{" before ",")', reply: SENT.replace('"Hostname":"web"', ''), part: 'members of $', isNarrowed: false },
  { title: 'a key renamed to a sibling\'s key (twice in the text; JSON.parse keeps one)', reply: SENT.replace('"team":', '"a]b":'), part: 'members of $.Labels', isNarrowed: false },
  { title: 'a top-level scalar changed', reply: SENT.replace('"web"', '"api"'), part: 'members of $', isNarrowed: true },
  { title: 'two edits in different top-level members', reply: SENT.replace('PATH=', 'PATH2=').replace('"node"', '"deno"'), part: undefined, isNarrowed: false },
  { title: 'an Env replaced by an object', reply: SENT.replace(/"Env":\[[^\]]*\]/, '"Env":{"A":"1"}'), part: 'members of $', isNarrowed: true },
  { title: 'invalid JSON only inside the changed region', reply: SENT.replace('"PATH=/bin",', '"PATH=/bin",,'), part: 'array of $.Env', isNarrowed: false },
  { title: 'an unterminated string inside the changed region', reply: SENT.replace('"PATH=/bin"', '"PATH=/bin'), part: 'array of $.Env', isNarrowed: false },
  { title: 'a depth bomb inside the region (past the limit)', reply: SENT.replace('"Memory":0', `"Memory":${'['.repeat(63)}${']'.repeat(63)}`), part: 'members of $.HostConfig', isNarrowed: false },
  { title: 'nesting inside the region up to the limit', reply: SENT.replace('"Memory":0', `"Memory":${'['.repeat(62)}${']'.repeat(62)}`), part: 'members of $.HostConfig', isNarrowed: true },
  { title: 'Go\'s json.Marshal order (keys sorted)', reply: JSON.stringify(Object.fromEntries(Object.entries({ ...INPUT, Hostname: 'x' }).sort())), part: undefined, isNarrowed: false },
  { title: 'Python\'s json.dumps spacing', reply: JSON.stringify({ ...INPUT, Hostname: 'x' }).replace(/":/g, '": ').replace(/,"/g, ', "'), part: undefined, isNarrowed: false },
];

/** The full path's answer: decodeReplyDocument then the whole documents' diff. */
function fullPath(reply: object, input: unknown): Claim[] | string {
  try {
    const output = decodeReplyDocument(spec, 'p', reply, input);
    return output === undefined ? [] : diffDocuments(input, output, 'p');
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as Error).message}`;
  }
}

function fastPath(reply: object, sent: SentDocument, input: unknown): Claim[] | string {
  try {
    const decoded = decodeReplyClaims(spec, 'p', reply, sent);
    if ('claims' in decoded) return decoded.claims;
    return decoded.output === undefined ? [] : diffDocuments(input, decoded.output, 'p');
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as Error).message}`;
  }
}

describe('the narrowed reply diff at its boundaries', () => {
  for (const { title, reply: text, part: expectedPart, isNarrowed } of cases) {
    it(`${title}: ${isNarrowed ? `narrowed (${expectedPart})` : 'the full path answers'}, with the same claims or error`, () => {
      const reply = { config: { json: Buffer.from(text) } };
      const sent = new SentDocument(INPUT, Buffer.from(SENT));
      assert.deepEqual(fastPath(reply, sent, INPUT), fullPath(reply, INPUT));
      const narrowed = narrowReply(Buffer.from(SENT), Buffer.from(text), 64);
      const part = narrowed === undefined || narrowed === 'identical' ? narrowed
        : `${narrowed.kind} of ${['$', ...narrowed.keyTexts.map((key) => JSON.parse(key) as string)].join('.')}`;
      assert.equal(part, expectedPart);
      assert.equal(narrowedClaims(spec, 'p', reply, sent) !== undefined, isNarrowed);
    });
  }

  it('errors name the plugin and the field, as on the full path', () => {
    const reply = { config: { json: Buffer.from(SENT.replace('"PATH=/bin",', '"PATH=/bin",,')) } };
    assert.throws(() => decodeReplyClaims(spec, 'quota', reply, new SentDocument(INPUT, Buffer.from(SENT))), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ERR_HOOK_BAD_REPLY');
      assert.match(error.message, /quota/);
      assert.match(error.message, /config\.json/);
      return true;
    });
  });

  it('takes the full path when the input is not its own JSON (an undefined member is a removal there)', () => {
    const input = { ...INPUT, Domainname: undefined };
    const reply = { config: { json: Buffer.from(SENT.replace('PATH=/bin', 'PATH=/usr/bin')) } };
    const sent = new SentDocument(input, Buffer.from(JSON.stringify(input)));
    assert.equal(narrowedClaims(spec, 'p', reply, sent), undefined);
    const claims = fastPath(reply, sent, input) as Claim[];
    assert.deepEqual(claims.map((claim) => `${claim.action} ${claim.path}`), ['set Env[PATH]', 'remove Domainname']);
  });

  it('takes the full path for bytes that are not the input\'s JSON.stringify (a raw body)', () => {
    const reply = { config: { json: Buffer.from(SENT) } };
    assert.equal(narrowedClaims(spec, 'p', reply, new SentDocument(INPUT, undefined)), undefined);
  });
});

describe('dispatch with the narrowed diff', () => {
  it('merges narrowed replies over groups: each group is diffed against the bytes it was sent', async () => {
    const edit = (change: (doc: typeof INPUT) => void) => (request: Record<string, unknown>) => {
      const document = JSON.parse((request.config_json as Buffer).toString()) as typeof INPUT;
      change(document);
      return { config: { json: Buffer.from(JSON.stringify(document)) } };
    };
    const handles = [
      new FakeHandle('a', { order: 0, subscribe: ['container.preCreate'], reply: edit((doc) => { doc.Env.push('A=1'); }) }),
      new FakeHandle('b', { order: 0, subscribe: ['container.preCreate'], reply: edit((doc) => { doc.HostConfig.Memory = 64; }) }),
      new FakeHandle('c', { order: 1, subscribe: ['container.preCreate'], reply: edit((doc) => { doc.Env.push('C=1'); doc.Labels.team = 'infra'; }) }),
    ];
    const input = structuredClone(INPUT);
    const result = await dispatchHook(handles, 'container.preCreate', { document: input });
    // Group 1 changed Env (narrowed) and HostConfig (narrowed to members, not an array): the bytes
    // for group 2 are a JSON.stringify of the merged document, whichever way they were made.
    const afterFirstGroup = { ...INPUT, Env: [...INPUT.Env, 'A=1'], HostConfig: { ...INPUT.HostConfig, Memory: 64 } };
    assert.equal((handles[2]?.calls[0]?.request.config_json as Buffer).toString(), JSON.stringify(afterFirstGroup));
    assert.deepEqual(result.document, {
      ...INPUT, Env: [...INPUT.Env, 'A=1', 'C=1'], Labels: { ...INPUT.Labels, team: 'infra' }, HostConfig: { ...INPUT.HostConfig, Memory: 64 },
    });
    assert.deepEqual(result.provenance.map((entry) => `${entry.plugin} ${entry.action} ${entry.path}`), [
      'a set Env[A]', 'b set HostConfig.Memory', 'c set Env[C]', 'c set Labels[team]',
    ]);
    assert.deepEqual(input, INPUT, 'the caller\'s document is not modified');
    assert.equal((result.document as typeof INPUT).Cmd, input.Cmd, 'an untouched member is shared with the input');
  });

  it('sends the next group the previous bytes with only the changed Env re-encoded, equal to their JSON.stringify', async () => {
    const addEnv = (entry: string) => (request: Record<string, unknown>) => {
      const document = JSON.parse((request.config_json as Buffer).toString()) as typeof INPUT;
      document.Env.push(entry);
      return { config: { json: Buffer.from(JSON.stringify(document)) } };
    };
    const handles = [0, 1, 2].map((order) => new FakeHandle(`p${order}`, { order, subscribe: ['container.preCreate'], reply: addEnv(`E${order}=é\\"${order}`) }));
    const result = await dispatchHook(handles, 'container.preCreate', { document: structuredClone(INPUT) });
    const env = (count: number) => ({ ...INPUT, Env: [...INPUT.Env, ...[0, 1, 2].slice(0, count).map((order) => `E${order}=é\\"${order}`)] });
    for (const order of [1, 2]) {
      assert.equal((handles[order]?.calls[0]?.request.config_json as Buffer).toString(), JSON.stringify(env(order)));
    }
    assert.deepEqual(result.document, env(3));
  });

  it('takes the full path for container.preUpdate\'s raw body, with the same result', async () => {
    const raw = Buffer.from('{"Memory": 10, "Env": ["A=1"]}');
    const handles = [new FakeHandle('p', { subscribe: ['container.preUpdate'], reply: () => ({ body: { json: Buffer.from('{"Memory": 10, "Env": ["A=2"]}') } }) })];
    const result = await dispatchHook(handles, 'container.preUpdate', { rawDocument: raw, fields: { container_id: 'c1' } });
    assert.deepEqual(result.document, { Memory: 10, Env: ['A=2'] });
    assert.deepEqual(result.provenance.map((entry) => `${entry.action} ${entry.path}`), ['set Env[A]']);
  });
});
