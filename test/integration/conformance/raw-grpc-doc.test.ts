// The raw-gRPC plugin printed in docs/protocol.md §10 passes the kit, so the page that tells
// authors without an SDK what to do stays true. Its stubs are generated as the page says, with
// the grpcio-tools of plugin-sdk/python/.venv; without it the test skips with the reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';

import { ROOT, runKit } from './run-kit.ts';

const PYTHON = join(ROOT, 'plugin-sdk/python/.venv/bin/python');

function pythonMissing(): string | false {
  if (!existsSync(PYTHON)) return 'plugin-sdk/python/.venv does not exist (see plugin-sdk/python/README.md)';
  const probe = spawnSync(PYTHON, ['-c', 'import grpc, grpc_tools.protoc, grpc_health.v1.health'], { encoding: 'utf8' });
  return probe.status === 0 ? false : `${PYTHON} lacks grpcio-tools or grpcio-health-checking`;
}

/** The first python block of §10 of docs/protocol.md. */
function rawPluginSource(): string {
  const page = readFileSync(join(ROOT, 'docs/protocol.md'), 'utf8');
  const section = page.slice(page.indexOf('## 10.'));
  const match = /```python\n([\s\S]*?)```/.exec(section);
  assert.ok(match, 'docs/protocol.md §10 has a python block');
  return match[1] as string;
}

it('passes the raw-gRPC Python plugin of docs/protocol.md §10', { skip: pythonMissing(), timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hookd-raw-plugin-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const generate = spawnSync(PYTHON, ['-m', 'grpc_tools.protoc', '-I', join(ROOT, 'proto'), '--python_out=.', '--grpc_python_out=.', join(ROOT, 'proto/hookd/v1/plugin.proto')], { cwd: dir, encoding: 'utf8' });
  assert.equal(generate.status, 0, generate.stderr);
  writeFileSync(join(dir, 'raw_plugin.py'), rawPluginSource());

  const run = await runKit(['--name', 'raw-label', '--config', '{"label":"raw"}', '--timeout-ms', '30000', '--', PYTHON, join(dir, 'raw_plugin.py')]);
  assert.equal(run.exitCode, 0, run.report);
  const warnings = run.report.split('\n').filter((line) => line.startsWith('⚠'));
  assert.deepEqual(warnings, [], 'the documented plugin passes without warnings');
  for (const id of ['run-by-hand', 'start', 'describe', 'health', 'configure', 'hook container.preCreate', 'shutdown', 'stdin-close']) {
    assert.equal(run.marks.get(id), '✔', `check ${id}:\n${run.report}`);
  }
});
