import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectRuntime, type RuntimeLogger } from '../../../src/daemon/runtime/select-runtime.ts';

// Fake binaries: selection looks at PATH only; nothing is run.
let allDir: string; // conmon, runc, crun
let noConmonDir: string; // runc only
let crunOnlyDir: string; // conmon, crun
let emptyDir: string;

async function binDir(names: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hookd-select-bin-'));
  for (const name of names) {
    await writeFile(join(dir, name), '#!/bin/sh\n');
    await chmod(join(dir, name), 0o755);
  }
  return dir;
}

before(async () => {
  allDir = await binDir(['conmon', 'runc', 'crun']);
  noConmonDir = await binDir(['runc']);
  crunOnlyDir = await binDir(['conmon', 'crun']);
  emptyDir = await binDir([]);
});
after(async () => {
  for (const dir of [allDir, noConmonDir, crunOnlyDir, emptyDir]) await rm(dir, { recursive: true, force: true });
});

function recordingLogger(): RuntimeLogger & { lines: Array<{ level: string; obj: object; msg?: string }> } {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  return { lines, info: (obj, msg) => lines.push({ level: 'info', obj, msg }), warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }), debug: (obj, msg) => lines.push({ level: 'debug', obj, msg }) };
}

test('root with conmon, runc and crun on PATH gets runc by default, crun and process beside it', () => {
  const logger = recordingLogger();
  const runtime = selectRuntime({ logger, isRoot: true, searchPath: `${emptyDir}:${allDir}` });
  assert.equal(runtime.name, 'runc');
  assert.equal(runtime.isolated, true);
  assert.deepEqual(runtime.describe(), [
    { name: 'runc', path: join(allDir, 'runc'), isolated: true },
    { name: 'crun', path: join(allDir, 'crun'), isolated: true },
    { name: 'process', path: 'process', isolated: false },
  ]);
  assert.deepEqual(logger.lines.map((l) => [l.level, l.msg]), [['info', 'containers run under conmon']]);
});

test('with only crun installed, crun is the default', () => {
  const runtime = selectRuntime({ logger: recordingLogger(), isRoot: true, searchPath: crunOnlyDir });
  assert.equal(runtime.name, 'crun');
  assert.deepEqual(runtime.names(), ['crun', 'process']);
});

test('a runtime configured by path is a handler of its own and may be the default', () => {
  const runtime = selectRuntime({ logger: recordingLogger(), isRoot: true, searchPath: allDir, preferred: 'fast', runtimes: { fast: { path: join(allDir, 'crun'), runtimeArgs: ['--debug'] } } });
  assert.equal(runtime.name, 'fast');
  assert.deepEqual(runtime.names(), ['runc', 'crun', 'fast', 'process']);
});

test('a configured runtime whose path is not executable is left out with a warning naming it', () => {
  const logger = recordingLogger();
  const runtime = selectRuntime({ logger, isRoot: true, searchPath: allDir, runtimes: { gone: { path: join(emptyDir, 'gone') } } });
  assert.deepEqual(runtime.names(), ['runc', 'crun', 'process']);
  assert.equal(logger.lines[0]?.level, 'warn');
  assert.deepEqual(logger.lines[0]?.obj, { runtime: 'gone', path: join(emptyDir, 'gone'), reason: `${join(emptyDir, 'gone')} is not an executable file` });
});

const FALLBACKS: Array<[string, { isRoot: boolean; dir: () => string }, RegExp]> = [
  ['not root', { isRoot: false, dir: () => allDir }, /not running as root/],
  ['no conmon', { isRoot: true, dir: () => noConmonDir }, /conmon is not on PATH/],
  ['no runc nor crun', { isRoot: true, dir: () => emptyDir }, /conmon is not on PATH|neither runc nor crun/],
];
for (const [name, { isRoot, dir }, reason] of FALLBACKS) {
  test(`${name}: falls back to the process runtime and warns that containers are not isolated`, () => {
    const logger = recordingLogger();
    const runtime = selectRuntime({ logger, isRoot, searchPath: dir() });
    assert.equal(runtime.name, 'process');
    assert.equal(runtime.isolated, false);
    assert.deepEqual(runtime.names(), ['process']);
    assert.equal(logger.lines.length, 1);
    assert.equal(logger.lines[0]?.level, 'warn');
    assert.match(logger.lines[0]?.msg ?? '', /WITHOUT isolation/);
    assert.match(String((logger.lines[0]?.obj as { reason?: string }).reason), reason);
  });
  test(`${name}: asking for runc explicitly is an error that says what to do`, () => {
    assert.throws(() => selectRuntime({ logger: recordingLogger(), preferred: 'runc', isRoot, searchPath: dir() }), /runtime "runc" was asked for but cannot be used: .*or choose another runtime \(process\)/);
  });
}

test('asking for process gets process even where runc would work, still with the warning', () => {
  const logger = recordingLogger();
  const runtime = selectRuntime({ logger, preferred: 'process', isRoot: true, searchPath: allDir });
  assert.equal(runtime.name, 'process');
  assert.deepEqual(runtime.names(), ['runc', 'crun', 'process'], 'containers may still ask for runc or crun');
  assert.equal(logger.lines[0]?.level, 'warn');
});
