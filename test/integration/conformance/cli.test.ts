// The command line of `hookd plugin test`: usage errors and bad manifests exit 2 with a message
// before anything is started; the standalone bin/hookd-plugin-test.js runs the same function.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { ROOT, fixtureCommand, runKit } from './run-kit.ts';

describe('hookd plugin test command line', () => {
  it('prints the usage for --help and exits 0', async () => {
    const run = await runKit(['--help']);
    assert.equal(run.exitCode, 0);
    assert.match(run.report, /hookd plugin test \[options\] -- <command> \[args\.\.\.\]/);
  });

  it('exits 2 when there is nothing to test', async () => {
    const run = await runKit([]);
    assert.equal(run.exitCode, 2);
    assert.match(run.report, /nothing to test/);
  });

  it('exits 2 on an unknown option, a bad number or --config that is not JSON', async () => {
    for (const argv of [['--frobnicate', '--', 'x'], ['--timeout-ms', 'soon', '--', 'x'], ['--config', '{nope', '--', 'x']]) {
      const run = await runKit(argv);
      assert.equal(run.exitCode, 2, `${argv.join(' ')}:\n${run.report}`);
    }
  });

  it('exits 2 on both --address and a command', async () => {
    const run = await runKit(['--address', 'unix:///tmp/x.sock', '--', 'node']);
    assert.equal(run.exitCode, 2);
    assert.match(run.report, /not both/);
  });

  it('checks the manifest with the daemon\'s parser and exits 2 naming the bad field', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'hookd-conformance-cli-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'typo.json');
    await writeFile(file, JSON.stringify({ name: 'typo', launch: { command: 'true' }, timeoutMS: 5 }));
    const run = await runKit(['--manifest', file]);
    assert.equal(run.exitCode, 2);
    assert.match(run.report, /field "timeoutMS"/);
  });

  it('runs standalone from bin/hookd-plugin-test.js and exits with the verdict', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/hookd-plugin-test.js'), '--grace-ms', '1500', '--', ...fixtureCommand('test/fixtures/conformance/ignores-stdin-close.ts')], {
      cwd: ROOT, // where `--import tsx` in the fixture's command resolves
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.resume();
    const [code] = await once(child, 'exit');
    assert.equal(code, 1, stdout);
    assert.match(stdout, /^✖ stdin-close +still running/m);
    assert.match(stdout, /^FAIL: ignores-stdin-close /m);
  });
});
