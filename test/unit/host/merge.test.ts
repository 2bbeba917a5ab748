// Table-driven merge tests (NRI runTable style): every happy case has a conflicting twin beside it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAllowList } from '../../../src/host/allow-list.ts';
import { applyClaims, cloneDocument, diffDocuments } from '../../../src/host/document-diff.ts';
import { isHookdError, type HookdErrorCode } from '../../../src/host/errors.ts';
import { formatPath, parsePath, type PathSegment } from '../../../src/host/json-paths.ts';
import {
  combineRoutes, mergeAcrossGroups, mergeGroup, sortOciHooks, unionSnapshotters, validateRouteReply, type GroupReply,
} from '../../../src/host/merge.ts';
import type { OwnedOciHook } from '../../../src/host/types.ts';

type Doc = Record<string, unknown>;

interface MergeCase {
  title: string;
  input: Doc;
  /** plugin → the whole document it returns. */
  replies: Record<string, Doc | undefined>;
  allowed?: Record<string, string[]>;
  /** Expected merged document, or the error. */
  document?: Doc;
  /** Expected claims as "plugin action path", in plugin-name order. */
  claims?: string[];
  error?: { code: HookdErrorCode; message: string };
}

/** The input with `change` applied to a deep copy: how a plugin builds its reply. */
function edit(input: Doc, change: (doc: Doc & { HostConfig: Doc }) => void): Doc {
  const copy = structuredClone(input) as Doc & { HostConfig: Doc };
  change(copy);
  return copy;
}

const BASE: Doc = {
  Image: 'busybox',
  Env: ['PATH=/bin', 'HOME=/root'],
  Cmd: ['sh'],
  Labels: { 'com.example.team': 'a' },
  HostConfig: { Memory: 0, CpuShares: 2, Binds: ['/h:/data'], Dns: ['10.0.0.1'], Mounts: [{ Type: 'bind', Source: '/s', Target: '/m' }] },
};

const conflict = (a: string, b: string, path: string) => ({
  code: 'ERR_MERGE_CONFLICT' as const, message: `plugins "${a}" and "${b}" both tried to set ${path}`,
});
const notAllowed = (plugin: string, path: string, allowed: string) => ({
  code: 'ERR_PATH_NOT_ALLOWED' as const, message: `plugin "${plugin}" may not change ${path} in container.preCreate (allowed: ${allowed})`,
});

const CASES: MergeCase[] = [
  // Env, keyed by variable name
  {
    title: 'Env: two plugins add different variables; new ones go last in plugin-name order',
    input: BASE,
    replies: {
      b: edit(BASE, (d) => { d.Env = [...(d.Env as string[]), 'B=1']; }),
      a: edit(BASE, (d) => { d.Env = ['A=1', ...(d.Env as string[])]; }),
    },
    document: edit(BASE, (d) => { d.Env = ['PATH=/bin', 'HOME=/root', 'A=1', 'B=1']; }),
    claims: ['a set Env[A]', 'b set Env[B]'],
  },
  {
    title: 'Env: two plugins set one variable to different values → conflict',
    input: BASE,
    replies: {
      a: edit(BASE, (d) => { d.Env = ['PATH=/a', 'HOME=/root']; }),
      b: edit(BASE, (d) => { d.Env = ['PATH=/b', 'HOME=/root']; }),
    },
    error: conflict('a', 'b', 'Env[PATH]'),
  },
  {
    title: 'Env: two plugins set one variable to the same value → agree, both recorded',
    input: BASE,
    replies: {
      a: edit(BASE, (d) => { d.Env = ['PATH=/usr/bin', 'HOME=/root']; }),
      b: edit(BASE, (d) => { d.Env = ['HOME=/root', 'PATH=/usr/bin']; }),
    },
    document: edit(BASE, (d) => { d.Env = ['PATH=/usr/bin', 'HOME=/root']; }),
    claims: ['a set Env[PATH]', 'b set Env[PATH]'],
  },
  {
    title: 'Env: one plugin changes a variable in place while another appends',
    input: BASE,
    replies: {
      a: edit(BASE, (d) => { d.Env = ['PATH=/bin', 'HOME=/home/a', 'Z=1']; }),
      b: edit(BASE, (d) => { d.Env = ['C=1', 'PATH=/bin', 'HOME=/root']; }),
    },
    document: edit(BASE, (d) => { d.Env = ['PATH=/bin', 'HOME=/home/a', 'Z=1', 'C=1']; }),
    claims: ['a set Env[HOME]', 'a set Env[Z]', 'b set Env[C]'],
  },
  {
    title: 'Env: two plugins remove the same variable → agree',
    input: BASE,
    replies: { a: edit(BASE, (d) => { d.Env = ['PATH=/bin']; }), b: edit(BASE, (d) => { d.Env = ['PATH=/bin']; }) },
    document: edit(BASE, (d) => { d.Env = ['PATH=/bin']; }),
    claims: ['a remove Env[HOME]', 'b remove Env[HOME]'],
  },
  {
    title: 'Env: one plugin removes a variable another sets → conflict',
    input: BASE,
    replies: { a: edit(BASE, (d) => { d.Env = ['PATH=/bin']; }), b: edit(BASE, (d) => { d.Env = ['PATH=/bin', 'HOME=/b']; }) },
    error: conflict('a', 'b', 'Env[HOME]'),
  },
  {
    title: 'Env: adding variables to a config without Env merges them',
    input: { Image: 'x' },
    replies: { a: { Image: 'x', Env: ['A=1'] }, b: { Image: 'x', Env: ['B=1'] } },
    document: { Image: 'x', Env: ['A=1', 'B=1'] },
    claims: ['a set Env[A]', 'b set Env[B]'],
  },
  {
    title: 'Env: the same variable added with different values to a config without Env → conflict',
    input: { Image: 'x', Env: null },
    replies: { a: { Image: 'x', Env: ['A=1'] }, b: { Image: 'x', Env: ['A=2'] } },
    error: conflict('a', 'b', 'Env[A]'),
  },
  {
    title: 'Env: reordering variables is not a change',
    input: BASE,
    replies: { a: edit(BASE, (d) => { d.Env = ['HOME=/root', 'PATH=/bin']; }) },
    document: BASE,
    claims: [],
  },
  {
    title: 'Env: an Env that repeats a name is one atomic value, so two changes collide',
    input: { Env: ['A=1', 'A=2'] },
    replies: { a: { Env: ['A=1', 'A=2', 'X=1'] }, b: { Env: ['A=1', 'A=2', 'Y=1'] } },
    error: conflict('a', 'b', 'Env'),
  },

  // Labels and other maps, keyed by key
  {
    title: 'Labels: different keys merge, dotted keys stay one key',
    input: BASE,
    replies: {
      a: edit(BASE, (d) => { d.Labels = { 'com.example.team': 'a', 'com.example.owner': 'ann' }; }),
      b: edit(BASE, (d) => { d.Labels = { 'com.example.team': 'a', tier: 'web' }; }),
    },
    document: edit(BASE, (d) => { d.Labels = { 'com.example.team': 'a', 'com.example.owner': 'ann', tier: 'web' }; }),
    claims: ['a set Labels[com.example.owner]', 'b set Labels[tier]'],
  },
  {
    title: 'Labels: one key set to different values → conflict naming the key',
    input: BASE,
    replies: {
      a: edit(BASE, (d) => { d.Labels = { 'com.example.team': 'x' }; }),
      b: edit(BASE, (d) => { d.Labels = { 'com.example.team': 'y' }; }),
    },
    error: conflict('a', 'b', 'Labels[com.example.team]'),
  },
  {
    title: 'maps: nested EndpointsConfig entries merge field by field',
    input: { NetworkingConfig: { EndpointsConfig: { bridge: { IPAMConfig: {} } } } },
    replies: {
      a: { NetworkingConfig: { EndpointsConfig: { bridge: { IPAMConfig: { IPv4Address: '10.0.0.2' } } } } },
      b: { NetworkingConfig: { EndpointsConfig: { bridge: { IPAMConfig: {}, Aliases: ['web'] } } } },
    },
    document: { NetworkingConfig: { EndpointsConfig: { bridge: { IPAMConfig: { IPv4Address: '10.0.0.2' }, Aliases: ['web'] } } } },
    claims: ['a set NetworkingConfig.EndpointsConfig[bridge].IPAMConfig.IPv4Address', 'b set NetworkingConfig.EndpointsConfig[bridge].Aliases'],
  },
  {
    title: 'maps: a network named like a map field is still a struct inside',
    input: { NetworkingConfig: { EndpointsConfig: { Labels: { Aliases: [] } } } },
    replies: { a: { NetworkingConfig: { EndpointsConfig: { Labels: { Aliases: ['x'] } } } } },
    document: { NetworkingConfig: { EndpointsConfig: { Labels: { Aliases: ['x'] } } } },
    claims: ['a set NetworkingConfig.EndpointsConfig[Labels].Aliases'],
  },
  {
    title: 'maps: two plugins setting that network\'s Aliases differently → conflict on the struct field',
    input: { NetworkingConfig: { EndpointsConfig: { Labels: { Aliases: [] } } } },
    replies: {
      a: { NetworkingConfig: { EndpointsConfig: { Labels: { Aliases: ['x'] } } } },
      b: { NetworkingConfig: { EndpointsConfig: { Labels: { Aliases: ['y'] } } } },
    },
    error: conflict('a', 'b', 'NetworkingConfig.EndpointsConfig[Labels].Aliases'),
  },
  {
    title: 'maps: LogConfig.Config is a map, so its keys are bracketed and merge one by one',
    input: { HostConfig: { LogConfig: { Type: 'json-file', Config: {} } } },
    replies: {
      a: { HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } } } },
      b: { HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-file': '3' } } } },
    },
    document: { HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } } } },
    claims: ['a set HostConfig.LogConfig.Config[max-size]', 'b set HostConfig.LogConfig.Config[max-file]'],
  },
  {
    title: 'maps: two plugins setting one LogConfig.Config key differently → conflict on that key',
    input: { HostConfig: { LogConfig: { Type: 'json-file', Config: {} } } },
    replies: {
      a: { HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } } } },
      b: { HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': '20m' } } } },
    },
    error: conflict('a', 'b', 'HostConfig.LogConfig.Config[max-size]'),
  },
  {
    title: 'maps: a plugin removing a whole network another changes → conflict on the network',
    input: { NetworkingConfig: { EndpointsConfig: { bridge: { IPAMConfig: {} } } } },
    replies: {
      a: { NetworkingConfig: { EndpointsConfig: {} } },
      b: { NetworkingConfig: { EndpointsConfig: { bridge: { IPAMConfig: { IPv4Address: '10.0.0.2' } } } } },
    },
    error: conflict('a', 'b', 'NetworkingConfig.EndpointsConfig[bridge]'),
  },

  // Binds keyed by container path, Mounts by Target
  {
    title: 'Binds: different container paths merge',
    input: BASE,
    replies: {
      a: edit(BASE, (d) => { d.HostConfig.Binds = ['/h:/data', '/var/log/a:/logs']; }),
      b: edit(BASE, (d) => { d.HostConfig.Binds = ['/h:/data', '/cache']; }),
    },
    document: edit(BASE, (d) => { d.HostConfig.Binds = ['/h:/data', '/var/log/a:/logs', '/cache']; }),
    claims: ['a set HostConfig.Binds[/logs]', 'b set HostConfig.Binds[/cache]'],
  },
  {
    title: 'Binds: two sources for one container path → conflict naming the container path',
    input: BASE,
    replies: {
      a: edit(BASE, (d) => { d.HostConfig.Binds = ['/h:/data', '/a:/logs']; }),
      b: edit(BASE, (d) => { d.HostConfig.Binds = ['/h:/data', '/b:/logs:ro']; }),
    },
    error: conflict('a', 'b', 'HostConfig.Binds[/logs]'),
  },
  {
    title: 'Mounts: a plugin changing one mount and another adding one merge',
    input: BASE,
    replies: {
      a: edit(BASE, (d) => { d.HostConfig.Mounts = [{ Type: 'bind', Source: '/s', Target: '/m', ReadOnly: true }]; }),
      b: edit(BASE, (d) => { (d.HostConfig.Mounts as Doc[]).push({ Type: 'tmpfs', Target: '/tmp' }); }),
    },
    document: edit(BASE, (d) => { d.HostConfig.Mounts = [{ Type: 'bind', Source: '/s', Target: '/m', ReadOnly: true }, { Type: 'tmpfs', Target: '/tmp' }]; }),
    claims: ['a set HostConfig.Mounts[/m]', 'b set HostConfig.Mounts[/tmp]'],
  },
  {
    title: 'Mounts: one plugin removes a mount another changes → conflict',
    input: BASE,
    replies: {
      a: edit(BASE, (d) => { d.HostConfig.Mounts = []; }),
      b: edit(BASE, (d) => { d.HostConfig.Mounts = [{ Type: 'bind', Source: '/other', Target: '/m' }]; }),
    },
    error: conflict('a', 'b', 'HostConfig.Mounts[/m]'),
  },

  // atomic arrays
  {
    title: 'atomic arrays: different arrays changed by different plugins merge',
    input: BASE,
    replies: { a: edit(BASE, (d) => { d.Cmd = ['sleep', '1']; }), b: edit(BASE, (d) => { d.HostConfig.Dns = ['1.1.1.1']; }) },
    document: edit(BASE, (d) => { d.Cmd = ['sleep', '1']; d.HostConfig.Dns = ['1.1.1.1']; }),
    claims: ['a set Cmd', 'b set HostConfig.Dns'],
  },
  {
    title: 'atomic arrays: two plugins each appending to one array → conflict on the whole array',
    input: BASE,
    replies: {
      a: edit(BASE, (d) => { d.HostConfig.Dns = ['10.0.0.1', '8.8.8.8']; }),
      b: edit(BASE, (d) => { d.HostConfig.Dns = ['10.0.0.1', '1.1.1.1']; }),
    },
    error: conflict('a', 'b', 'HostConfig.Dns'),
  },

  // nested structs, removal, equal results
  {
    title: 'HostConfig: different fields merge',
    input: BASE,
    replies: { a: edit(BASE, (d) => { d.HostConfig.Memory = 1024; }), b: edit(BASE, (d) => { d.HostConfig.CpuShares = 512; }) },
    document: edit(BASE, (d) => { d.HostConfig.Memory = 1024; d.HostConfig.CpuShares = 512; }),
    claims: ['a set HostConfig.Memory', 'b set HostConfig.CpuShares'],
  },
  {
    title: 'HostConfig: one plugin replaces HostConfig while another sets a field in it → conflict on HostConfig',
    input: BASE,
    replies: { a: edit(BASE, (d) => { (d as Doc).HostConfig = null; }), b: edit(BASE, (d) => { d.HostConfig.Memory = 1024; }) },
    error: conflict('a', 'b', 'HostConfig'),
  },
  {
    title: 'removal: a plugin removes a field nobody else touches',
    input: BASE,
    replies: { a: edit(BASE, (d) => { delete d.HostConfig.CpuShares; }), b: edit(BASE, (d) => { d.HostConfig.Memory = 7; }) },
    document: edit(BASE, (d) => { delete d.HostConfig.CpuShares; d.HostConfig.Memory = 7; }),
    claims: ['a remove HostConfig.CpuShares', 'b set HostConfig.Memory'],
  },
  {
    title: 'removal: one plugin removes a field another sets → conflict',
    input: BASE,
    replies: { a: edit(BASE, (d) => { delete d.HostConfig.Memory; }), b: edit(BASE, (d) => { d.HostConfig.Memory = 7; }) },
    error: conflict('a', 'b', 'HostConfig.Memory'),
  },
  {
    title: 'equal results: both plugins set HostConfig.Memory to 5 → agree',
    input: BASE,
    replies: { quota: edit(BASE, (d) => { d.HostConfig.Memory = 5; }), netprio: edit(BASE, (d) => { d.HostConfig.Memory = 5; }) },
    document: edit(BASE, (d) => { d.HostConfig.Memory = 5; }),
    claims: ['netprio set HostConfig.Memory', 'quota set HostConfig.Memory'],
  },
  {
    title: 'different results: the design example → conflict naming both plugins in name order',
    input: BASE,
    replies: { quota: edit(BASE, (d) => { d.HostConfig.Memory = 5; }), netprio: edit(BASE, (d) => { d.HostConfig.Memory = 6; }) },
    error: conflict('netprio', 'quota', 'HostConfig.Memory'),
  },
  {
    title: 'unchanged: a reply equal to the input and an absent reply claim nothing',
    input: BASE,
    replies: { a: structuredClone(BASE), b: undefined },
    document: BASE,
    claims: [],
  },
  {
    title: 'several conflicts: the smallest path is reported, whatever the reply order',
    input: BASE,
    replies: {
      z: edit(BASE, (d) => { d.Image = 'z'; d.HostConfig.Memory = 1; }),
      y: edit(BASE, (d) => { d.Image = 'y'; d.HostConfig.Memory = 2; }),
    },
    error: conflict('y', 'z', 'HostConfig.Memory'),
  },

  // allow-lists
  {
    title: 'allow-list: changes inside Env[*] and HostConfig.Memory pass',
    input: BASE,
    allowed: { quota: ['Env[*]', 'HostConfig.Memory'] },
    replies: { quota: edit(BASE, (d) => { d.Env = [...(d.Env as string[]), 'Q=1']; d.HostConfig.Memory = 9; }) },
    document: edit(BASE, (d) => { d.Env = [...(d.Env as string[]), 'Q=1']; d.HostConfig.Memory = 9; }),
    claims: ['quota set Env[Q]', 'quota set HostConfig.Memory'],
  },
  {
    title: 'allow-list: a change outside it → ERR_PATH_NOT_ALLOWED naming plugin and path',
    input: BASE,
    allowed: { quota: ['Env[*]', 'HostConfig.Memory'] },
    replies: { quota: edit(BASE, (d) => { d.HostConfig.CpuShares = 1; }) },
    error: notAllowed('quota', 'HostConfig.CpuShares', 'Env[*], HostConfig.Memory'),
  },
  {
    title: 'allow-list: Labels[com.example.*] allows a label under that prefix',
    input: BASE,
    allowed: { tagger: ['Labels[com.example.*]'] },
    replies: { tagger: edit(BASE, (d) => { d.Labels = { 'com.example.team': 'a', 'com.example.x.y': '1' }; }) },
    document: edit(BASE, (d) => { d.Labels = { 'com.example.team': 'a', 'com.example.x.y': '1' }; }),
    claims: ['tagger set Labels[com.example.x.y]'],
  },
  {
    title: 'allow-list: Labels[com.example.*] refuses other labels and replacing Labels as a whole',
    input: BASE,
    allowed: { tagger: ['Labels[com.example.*]'] },
    replies: { tagger: edit(BASE, (d) => { d.Labels = { 'com.example.team': 'a', 'org.other': '1' }; }) },
    error: notAllowed('tagger', 'Labels[org.other]', 'Labels[com.example.*]'),
  },
  {
    title: 'allow-list: HostConfig.* allows any HostConfig field',
    input: BASE,
    allowed: { quota: ['HostConfig.*'] },
    replies: { quota: edit(BASE, (d) => { d.HostConfig.Binds = ['/h:/data', '/x:/y']; d.HostConfig.PidsLimit = 10; }) },
    document: edit(BASE, (d) => { d.HostConfig.Binds = ['/h:/data', '/x:/y']; d.HostConfig.PidsLimit = 10; }),
    claims: ['quota set HostConfig.Binds[/y]', 'quota set HostConfig.PidsLimit'],
  },
  {
    title: 'allow-list: HostConfig.* does not allow replacing HostConfig itself',
    input: BASE,
    allowed: { quota: ['HostConfig.*'] },
    replies: { quota: edit(BASE, (d) => { (d as Doc).HostConfig = null; }) },
    error: notAllowed('quota', 'HostConfig', 'HostConfig.*'),
  },
  {
    title: 'allow-list: an empty list allows nothing',
    input: BASE,
    allowed: { ro: [] },
    replies: { ro: edit(BASE, (d) => { d.Image = 'x'; }) },
    error: notAllowed('ro', 'Image', 'nothing'),
  },
];

function claimStrings(claims: ReadonlyArray<{ plugin: string; action: string; path: string }>): string[] {
  return claims.map((claim) => `${claim.plugin} ${claim.action} ${claim.path}`);
}

describe('mergeGroup', () => {
  for (const testCase of CASES) {
    it(testCase.title, () => {
      const inputCopy = structuredClone(testCase.input);
      const replies: GroupReply[] = Object.entries(testCase.replies).map(([plugin, output]) => ({
        plugin, output, ...(testCase.allowed?.[plugin] ? { allowedPaths: testCase.allowed[plugin] } : {}),
      }));
      const run = () => mergeGroup(testCase.input, replies, { hook: 'container.preCreate', order: 0 });
      if (testCase.error) {
        const { code, message } = testCase.error;
        assert.throws(run, (error: unknown) => isHookdError(error, code) && error.message === message ? true : assert.fail(String(error)));
      } else {
        const merged = run();
        assert.deepEqual(merged.document, testCase.document);
        assert.deepEqual(claimStrings(merged.claims), testCase.claims);
        assert.ok(merged.claims.every((claim) => claim.order === 0));
      }
      assert.deepEqual(testCase.input, inputCopy, 'the input document is never mutated');
    });
  }

  it('gives the same result whatever order the replies arrive in', () => {
    const a = edit(BASE, (d) => { d.Env = [...(d.Env as string[]), 'A=1']; });
    const b = edit(BASE, (d) => { d.Env = [...(d.Env as string[]), 'B=1']; });
    const one = mergeGroup(BASE, [{ plugin: 'a', output: a }, { plugin: 'b', output: b }], { hook: 'container.preCreate', order: 0 });
    const two = mergeGroup(BASE, [{ plugin: 'b', output: b }, { plugin: 'a', output: a }], { hook: 'container.preCreate', order: 0 });
    assert.deepEqual(one, two);
  });

  it('applies the allow-list the array holds now, also when the same array was used before', () => {
    const allowedPaths = ['Labels'];
    const reply = (): GroupReply[] => [{ plugin: 'p', output: edit(BASE, (d) => { d.HostConfig.Memory = 1; }), allowedPaths }];
    const merge = () => mergeGroup(BASE, reply(), { hook: 'container.preCreate', order: 0 });
    assert.throws(merge, (error: unknown) => isHookdError(error, 'ERR_PATH_NOT_ALLOWED'));
    allowedPaths.push('HostConfig.Memory');
    assert.deepEqual(merge().document, edit(BASE, (d) => { d.HostConfig.Memory = 1; }));
    allowedPaths.splice(1, 1, 'HostConfig.Cpu*');
    assert.throws(merge, (error: unknown) => isHookdError(error, 'ERR_PATH_NOT_ALLOWED'));
  });

  it('drops a reply outside its allow-list when the plugin policy is ignore, and merges the rest', () => {
    const merged = mergeGroup(BASE, [
      { plugin: 'ro', output: edit(BASE, (d) => { d.Image = 'x'; }), allowedPaths: ['Labels'] },
      { plugin: 'ok', output: edit(BASE, (d) => { d.HostConfig.Memory = 1; }) },
    ], { hook: 'container.preCreate', order: 0, policyFor: () => 'ignore' });
    assert.deepEqual(merged.document, edit(BASE, (d) => { d.HostConfig.Memory = 1; }));
    assert.deepEqual(merged.dropped.map((d) => [d.plugin, d.error.code]), [['ro', 'ERR_PATH_NOT_ALLOWED']]);
  });
});

describe('mergeAcrossGroups', () => {
  it('lets a later group override an earlier one and records whom it overrode', () => {
    const g0 = edit(BASE, (d) => { d.HostConfig.Memory = 1; });
    const g1 = edit(g0, (d) => { d.HostConfig.Memory = 2; d.Env = [...(d.Env as string[]), 'X=1']; });
    const { document, provenance } = mergeAcrossGroups(BASE, [
      { order: 10, replies: [{ plugin: 'late', output: g1 }] },
      { order: 0, replies: [{ plugin: 'early', output: g0 }, { plugin: 'early2', output: g0 }] },
    ], 'container.preCreate');
    assert.deepEqual(document, g1);
    assert.deepEqual(provenance, [
      { path: 'HostConfig.Memory', plugin: 'early', order: 0, action: 'set' },
      { path: 'HostConfig.Memory', plugin: 'early2', order: 0, action: 'set' },
      { path: 'Env[X]', plugin: 'late', order: 10, action: 'set' },
      { path: 'HostConfig.Memory', plugin: 'late', order: 10, action: 'set', overrode: 'early,early2' },
    ]);
  });

  it('conflicts when the same two changes come from one group instead', () => {
    assert.throws(() => mergeAcrossGroups(BASE, [{
      order: 0, replies: [
        { plugin: 'early', output: edit(BASE, (d) => { d.HostConfig.Memory = 1; }) },
        { plugin: 'late', output: edit(BASE, (d) => { d.HostConfig.Memory = 2; }) },
      ],
    }], 'container.preCreate'), { code: 'ERR_MERGE_CONFLICT', message: 'plugins "early" and "late" both tried to set HostConfig.Memory' });
  });

  it('records an override of an enclosing path: a later group replacing a map an earlier one changed', () => {
    const g0 = edit(BASE, (d) => { d.Labels = { 'com.example.team': 'b' }; });
    const g1 = edit(g0, (d) => { d.Labels = null; });
    const { provenance } = mergeAcrossGroups(BASE, [
      { order: 0, replies: [{ plugin: 'a', output: g0 }] },
      { order: 1, replies: [{ plugin: 'b', output: g1 }] },
    ], 'container.preCreate');
    assert.deepEqual(provenance.at(-1), { path: 'Labels', plugin: 'b', order: 1, action: 'set', overrode: 'a' });
  });
});

describe('paths and allow-lists', () => {
  const seg = (kind: PathSegment['kind'], name: string): PathSegment => ({ kind, name });
  const formats: Array<[PathSegment[], string]> = [
    [[], '$'],
    [[seg('field', 'HostConfig'), seg('field', 'Memory')], 'HostConfig.Memory'],
    [[seg('field', 'Labels'), seg('key', 'com.example.a')], 'Labels[com.example.a]'],
    [[seg('field', 'Env'), seg('entry', 'PATH')], 'Env[PATH]'],
    [[seg('field', 'weird.name')], '[weird.name]'],
    [[seg('field', 'Labels'), seg('key', 'a]b\\c')], 'Labels[a\\]b\\\\c]'],
  ];
  for (const [segments, text] of formats) {
    it(`writes ${text} and reads it back`, () => {
      assert.equal(formatPath(segments), text);
      assert.deepEqual(parsePath(text).map((s) => s.name), segments.map((s) => s.name));
    });
  }

  for (const bad of ['', '.a', 'a..b', 'a[b', 'a[]', 'a]b', 'a[b]c']) {
    it(`refuses the malformed pattern ${JSON.stringify(bad)}`, () => {
      assert.throws(() => compileAllowList([bad]), TypeError);
    });
  }

  const matches: Array<[string, PathSegment[], boolean]> = [
    ['HostConfig', [seg('field', 'HostConfig'), seg('field', 'Memory')], true],
    ['HostConfig.Memory', [seg('field', 'HostConfig')], false],
    ['HostConfig.Cpu*', [seg('field', 'HostConfig'), seg('field', 'CpuShares')], true],
    ['HostConfig.Cpu*', [seg('field', 'HostConfig'), seg('field', 'Memory')], false],
    ['Labels[*]', [seg('field', 'Labels'), seg('key', 'a.b.c')], true],
    ['Labels.*', [seg('field', 'Labels'), seg('key', 'a')], false],
    ['Env[*]', [seg('field', 'Env')], false],
    ['$', [seg('field', 'Anything')], true],
  ];
  for (const [pattern, segments, expected] of matches) {
    it(`${expected ? 'allows' : 'refuses'} ${formatPath(segments)} under ${pattern}`, () => {
      assert.equal(compileAllowList([pattern]).allows(segments), expected);
    });
  }
});

describe('sortOciHooks', () => {
  const hook = (plugin: string, priority: number, path = `/bin/${plugin}${priority}`): OwnedOciHook => ({ plugin, priority, path, args: [], env: [] });

  it('puts higher priority first and keeps the gathered order for ties', () => {
    const sorted = sortOciHooks([hook('a', 0), hook('b', 10), hook('c', 0), hook('d', -5), hook('e', 10)]);
    assert.deepEqual(sorted.map((h) => `${h.plugin}${h.priority}`), ['b10', 'e10', 'a0', 'c0', 'd-5']);
  });

  const invalid: Array<[string, OwnedOciHook, RegExp]> = [
    ['a relative path', hook('p', 0, 'bin/x'), /\(hooks\[0\]\.path\): must be an absolute path/],
    ['non-string args', { ...hook('p', 0), args: [1 as unknown as string] }, /hooks\[0\]\.args/],
    ['a negative timeout', { ...hook('p', 0), timeoutSeconds: -1 }, /hooks\[0\]\.timeoutSeconds/],
    ['env without "="', { ...hook('p', 0), env: ['NOPE'] }, /hooks\[0\]\.env/],
    ['a fractional priority', hook('p', 0.5), /hooks\[0\]\.priority/],
  ];
  for (const [title, bad, message] of invalid) {
    it(`rejects ${title} with ERR_HOOK_BAD_REPLY naming plugin and field`, () => {
      assert.throws(() => sortOciHooks([bad]), (error: unknown) =>
        isHookdError(error, 'ERR_HOOK_BAD_REPLY') && error.plugin === 'p' && message.test(error.message));
    });
  }
});

describe('combineRoutes', () => {
  const defaults = [{ method: 'GET', path: '/info' }, { method: 'POST', path: '/containers/create' }];
  const reply = (plugin: string, order: number, body: object) => validateRouteReply(plugin, order, body);
  const route = (method: string, path: string) => ({ method, path });

  it('combines adds, removes and wraps from several plugins', () => {
    const changes = combineRoutes([
      reply('a', 0, { add: [route('GET', '/a')], remove: [route('GET', '/info')] }),
      reply('b', 0, { wrap: [{ route: route('GET', '/a'), after: true }] }),
    ], defaults);
    assert.deepEqual(changes, {
      add: [{ method: 'GET', path: '/a', plugin: 'a' }],
      remove: [{ method: 'GET', path: '/info', plugin: 'a' }],
      wrap: [{ method: 'GET', path: '/a', plugin: 'b', before: false, after: true }],
    });
  });

  it('allows two plugins to wrap one route, ordered by group then name', () => {
    const changes = combineRoutes([
      reply('z', 0, { wrap: [{ route: route('POST', '/containers/create'), before: true }] }),
      reply('early', -1, { wrap: [{ route: route('post', '/containers/create'), before: true }] }),
      reply('a', 0, { wrap: [{ route: route('POST', '/containers/create'), after: true }] }),
    ], defaults);
    assert.deepEqual(changes.wrap.map((w) => w.plugin), ['early', 'a', 'z']);
  });

  const conflicts: Array<[string, ReturnType<typeof reply>[], HookdErrorCode, string]> = [
    ['two plugins add one route', [reply('b', 0, { add: [route('GET', '/x')] }), reply('a', 0, { add: [route('get', '/x')] })],
      'ERR_ROUTE_CONFLICT', 'plugins "a" and "b" both claim route GET /x'],
    ['one plugin removes a route another adds', [reply('a', 0, { add: [route('GET', '/info')] }), reply('b', 0, { remove: [route('GET', '/info')] })],
      'ERR_ROUTE_CONFLICT', 'plugins "a" and "b" both claim route GET /info'],
    ['one plugin wraps a route another removes', [reply('a', 0, { remove: [route('GET', '/info')] }), reply('b', 0, { wrap: [{ route: route('GET', '/info'), before: true }] })],
      'ERR_ROUTE_CONFLICT', 'plugins "a" and "b" both claim route GET /info'],
    ['a plugin wraps a route that does not exist', [reply('a', 0, { wrap: [{ route: route('GET', '/nope'), before: true }] })],
      'ERR_HOOK_BAD_REPLY', 'plugin "a" returned an invalid api.updateHandler reply (wrap): route GET /nope does not exist'],
    ['a plugin removes a route that does not exist', [reply('a', 0, { remove: [route('DELETE', '/info')] })],
      'ERR_HOOK_BAD_REPLY', 'plugin "a" returned an invalid api.updateHandler reply (remove): route DELETE /info does not exist'],
  ];
  for (const [title, replies, code, message] of conflicts) {
    it(`fails when ${title}`, () => {
      assert.throws(() => combineRoutes(replies, defaults), { code, message });
    });
  }

  it('agrees when two plugins remove the same route', () => {
    const changes = combineRoutes([reply('a', 0, { remove: [route('GET', '/info')] }), reply('b', 0, { remove: [route('GET', '/info')] })], defaults);
    assert.deepEqual(changes.remove, [{ method: 'GET', path: '/info', plugin: 'a' }]);
  });

  it('rejects a malformed reply: a wrap asking for neither phase, a path without "/"', () => {
    assert.throws(() => reply('a', 0, { wrap: [{ route: route('GET', '/info') }] }), { code: 'ERR_HOOK_BAD_REPLY' });
    assert.throws(() => reply('a', 0, { add: [route('GET', 'info')] }), { code: 'ERR_HOOK_BAD_REPLY' });
  });
});

describe('unionSnapshotters', () => {
  it('keeps first-seen order, drops duplicates, blanks and the snapshotter already used', () => {
    assert.deepEqual(unionSnapshotters([
      { plugin: 'a', snapshotters: ['qcow2', '', 'overlayfs'] },
      { plugin: 'b', snapshotters: ['zfs', 'qcow2'] },
    ], 'overlayfs'), ['qcow2', 'zfs']);
  });
});

describe('cloneDocument', () => {
  it('copies a JSON document deeply, as structuredClone does', () => {
    const document = JSON.parse('{"a":[1,{"b":null}],"c":{"d":"e","__proto__":{"x":1}},"n":-0}') as Doc;
    const copy = cloneDocument(document) as Doc;
    assert.deepEqual(copy, structuredClone(document));
    assert.notEqual(copy.a, document.a);
    assert.notEqual((copy.a as unknown[])[1], (document.a as unknown[])[1]);
    const c = copy.c as Doc;
    assert.ok(Object.hasOwn(c, '__proto__'), '"__proto__" stays an own key');
    assert.equal(Object.getPrototypeOf(c), Object.prototype);
    assert.ok(Object.is(copy.n, -0));
  });

  it('leaves anything but plain objects and arrays to structuredClone', () => {
    const when = new Date(0);
    const copy = cloneDocument({ when }) as { when: Date };
    assert.ok(copy.when instanceof Date);
    assert.notEqual(copy.when, when);
    assert.equal(copy.when.getTime(), 0);
  });
});

describe('applyClaims (copy-on-write)', () => {
  function deepFreeze<T>(value: T): T {
    if (typeof value === 'object' && value !== null) {
      for (const child of Object.values(value)) deepFreeze(child);
      Object.freeze(value);
    }
    return value;
  }
  const input = (): Doc => deepFreeze(JSON.parse('{"Image":"busybox","Env":["A=1","B=2"],"Labels":{"x":"1"},"HostConfig":{"Memory":0,"Binds":["/a:/data"],"RestartPolicy":{"Name":"no"}},"c":{"__proto__":{"y":1},"d":{"e":1}}}') as Doc);

  it('copies only the containers on the claims\' paths and shares every other subtree with the input', () => {
    const before = input();
    const after = JSON.parse(JSON.stringify(before)) as Doc & { HostConfig: Doc; Env: string[] };
    after.HostConfig.Memory = 64;
    after.Env.push('C=3');
    const result = applyClaims(before, [...diffDocuments(before, after, 'a')]) as Doc & { HostConfig: Doc };
    assert.deepEqual(result, after);
    assert.notEqual(result, before);
    assert.notEqual(result.HostConfig, before.HostConfig);
    assert.notEqual(result.Env, before.Env);
    assert.equal(result.Labels, before.Labels, 'an untouched map is the input\'s own object');
    assert.equal(result.HostConfig.Binds, (before.HostConfig as Doc).Binds);
    assert.equal(result.HostConfig.RestartPolicy, (before.HostConfig as Doc).RestartPolicy);
    assert.deepEqual(before, input(), 'the (frozen) input is unchanged');
  });

  it('copies a container once for several claims through it, and creates the ones that are absent', () => {
    const before = input();
    const claims = [
      ...diffDocuments(before, { ...before, HostConfig: { ...(before.HostConfig as Doc), Memory: 1, CpuShares: 2 } }, 'a'),
      ...diffDocuments(before, { ...before, Volumes: { '/v': {} }, c: { ...(before.c as Doc), d: { e: 2 } } }, 'b'),
    ];
    const result = applyClaims(before, claims) as Doc & { c: Doc };
    assert.deepEqual(result.HostConfig, { Memory: 1, Binds: ['/a:/data'], RestartPolicy: { Name: 'no' }, CpuShares: 2 });
    assert.deepEqual(result.Volumes, { '/v': {} });
    assert.ok(Object.hasOwn(result.c, '__proto__'), 'a copied container keeps a "__proto__" own key');
    assert.equal(Object.getPrototypeOf(result.c), Object.prototype);
    assert.deepEqual(result.c.d, { e: 2 });
  });

  it('keeps a reply\'s "__proto__" member an own key: added, changed or read through, never the prototype', () => {
    const before = input();
    // A plugin adds "__proto__" to Labels (which has none) and to a new map, and changes c's own one.
    const reply = JSON.parse('{"Image":"busybox","Env":["A=1","B=2"],"Labels":{"x":"1","__proto__":{"Privileged":true}},'
      + '"HostConfig":{"Memory":0,"Binds":["/a:/data"],"RestartPolicy":{"Name":"no"}},"c":{"__proto__":{"y":2},"d":{"e":1}},'
      + '"New":{"__proto__":{"z":1}}}') as Doc;
    const claims = diffDocuments(before, reply, 'a');
    assert.deepEqual(claims.map((claim) => claim.path).sort(), ['Labels[__proto__].Privileged', 'New.__proto__.z', 'c.__proto__.y']);
    const result = applyClaims(before, claims) as Doc & { Labels: Doc; c: Doc; New: Doc };
    for (const [name, object] of Object.entries({ Labels: result.Labels, c: result.c, New: result.New })) {
      assert.equal(Object.getPrototypeOf(object), Object.prototype, `${name}'s prototype is untouched`);
      assert.ok(Object.hasOwn(object, '__proto__'), `${name} has "__proto__" as an own key`);
    }
    assert.equal((result.Labels as { Privileged?: unknown }).Privileged, undefined, 'nothing is inherited from the reply');
    assert.deepEqual(JSON.parse(JSON.stringify(result)), reply, 'the merged document serialises as the reply');
    assert.deepEqual(before, input(), 'the (frozen) input is unchanged');
  });

  it('copies a claim\'s value, so the result shares nothing with the reply', () => {
    const before = input();
    const labels = { x: '1', team: 'infra' };
    const result = applyClaims(before, diffDocuments(before, { ...before, Labels: labels, Mounts: [{ Target: '/m' }] }, 'a')) as Doc & { Mounts: Doc[] };
    assert.deepEqual(result.Labels, labels);
    assert.notEqual(result.Labels, labels);
    labels.team = 'changed';
    assert.equal((result.Labels as Doc).team, 'infra');
    assert.deepEqual(result.Mounts, [{ Target: '/m' }]);
  });
});
