import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectRuntime, type RuntimeLogger } from '../../../src/daemon/runtime/select-runtime.ts';

let binDir: string;
let emptyDir: string;

before(async () => {
  binDir = await mkdtemp(join(tmpdir(), 'hookd-select-bin-'));
  emptyDir = await mkdtemp(join(tmpdir(), 'hookd-select-empty-'));
  await writeFile(join(binDir, 'runc'), '#!/bin/sh\n');
  await chmod(join(binDir, 'runc'), 0o755);
});
after(async () => {
  await rm(binDir, { recursive: true, force: true });
  await rm(emptyDir, { recursive: true, force: true });
});

function recordingLogger(): RuntimeLogger & { lines: Array<{ level: string; obj: object; msg?: string }> } {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  return { lines, info: (obj, msg) => lines.push({ level: 'info', obj, msg }), warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }), debug: (obj, msg) => lines.push({ level: 'debug', obj, msg }) };
}

test('root with runc on PATH gets the isolated runc runtime', () => {
  const logger = recordingLogger();
  const runtime = selectRuntime({ logger, isRoot: true, searchPath: `${emptyDir}:${binDir}` });
  assert.equal(runtime.name, 'runc');
  assert.equal(runtime.isolated, true);
  assert.deepEqual(logger.lines.map((l) => l.level), ['info']);
  assert.deepEqual(logger.lines[0]?.obj, { runtime: 'runc', runc: join(binDir, 'runc') });
});

const FALLBACKS: Array<[string, { isRoot: boolean; onPath: boolean }, RegExp]> = [
  ['not root', { isRoot: false, onPath: true }, /not running as root/],
  ['no runc', { isRoot: true, onPath: false }, /runc is not on PATH/],
];
for (const [name, { isRoot, onPath }, reason] of FALLBACKS) {
  test(`${name}: falls back to the process runtime and warns that containers are not isolated`, () => {
    const logger = recordingLogger();
    const runtime = selectRuntime({ logger, isRoot, searchPath: onPath ? binDir : emptyDir });
    assert.equal(runtime.name, 'process');
    assert.equal(runtime.isolated, false);
    assert.equal(logger.lines.length, 1);
    assert.equal(logger.lines[0]?.level, 'warn');
    assert.match(logger.lines[0]?.msg ?? '', /WITHOUT isolation/);
    assert.match(String((logger.lines[0]?.obj as { reason?: string }).reason), reason);
  });
  test(`${name}: asking for runc explicitly is an error that says what to do`, () => {
    assert.throws(() => selectRuntime({ logger: recordingLogger(), preferred: 'runc', isRoot, searchPath: onPath ? binDir : emptyDir }), /cannot be used.*choose runtime "process"/);
  });
}

test('asking for process gets process even where runc would work, still with the warning', () => {
  const logger = recordingLogger();
  assert.equal(selectRuntime({ logger, preferred: 'process', isRoot: true, searchPath: binDir }).name, 'process');
  assert.equal(logger.lines[0]?.level, 'warn');
});
