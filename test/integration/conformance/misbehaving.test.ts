// The kit fails plugins that break the protocol, and names the check that caught them. Each row
// is one fixture named for how it misbehaves (test/fixtures/plugins: the host's; and
// test/fixtures/conformance: the kit's own), the variables that tune it, and the check that must
// fail. The other checks may pass or fail; only the named one is asserted, plus the exit status.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ROOT, fixtureCommand, runKit } from './run-kit.ts';

interface Row {
  title: string;
  fixture: string;
  env?: Record<string, string>;
  args?: string[];
  /** Check id → the mark it must get. */
  expect: Record<string, '✖' | '⚠' | '✔'>;
  exitCode: number;
}

// Generous for a loaded CI machine; rows about slowness set their own tighter bounds after these.
const BASE = ['--timeout-ms', '20000', '--call-timeout-ms', '5000'];
const SHORT_GRACE = ['--grace-ms', '1500'];

const ROWS: Row[] = [
  {
    title: 'fails Describe for a plugin that speaks only protocol versions the host does not',
    fixture: 'test/fixtures/plugins/wrong-protocol.ts', expect: { describe: '✖' }, exitCode: 1,
  },
  {
    title: 'fails the hook whose reply is not JSON',
    fixture: 'test/fixtures/plugins/returns-garbage.ts', env: { FIXTURE_GARBAGE: 'not-json' },
    expect: { 'hook container.preCreate': '✖' }, exitCode: 1,
  },
  {
    title: 'fails the hook whose reply is a JSON array where the input was an object',
    fixture: 'test/fixtures/plugins/returns-garbage.ts', env: { FIXTURE_GARBAGE: 'wrong-type' },
    expect: { 'hook container.preCreate': '✖' }, exitCode: 1,
  },
  {
    title: 'fails Shutdown and stdin-close for a plugin that answers Shutdown and keeps running',
    fixture: 'test/fixtures/plugins/ignores-shutdown.ts', args: SHORT_GRACE, expect: { shutdown: '✖', 'stdin-close': '✖' }, exitCode: 1,
  },
  {
    title: 'fails stdin-close alone for a plugin that exits on Shutdown but never watches stdin',
    fixture: 'test/fixtures/conformance/ignores-stdin-close.ts', expect: { shutdown: '✔', 'stdin-close': '✖' }, exitCode: 1,
  },
  {
    title: 'fails run-by-hand for a plugin that serves somewhere of its own without HOOKD_* variables',
    fixture: 'test/fixtures/conformance/serves-without-hookd-env.ts', args: ['--timeout-ms', '10000'],
    expect: { 'run-by-hand': '✖', start: '✔' }, exitCode: 1,
  },
  {
    title: 'fails configure-null for a plugin that crashes on a null config instead of refusing it',
    fixture: 'test/fixtures/conformance/crashes-on-null-config.ts', args: ['--config', '{"mode":"strict"}'],
    expect: { 'configure-null': '✖' }, exitCode: 1,
  },
  {
    title: 'passes an API plugin whose routes are well-formed and answered by HandleHttp',
    fixture: 'test/fixtures/conformance/claims-routes.ts',
    expect: { 'hook api.updateHandler': '✔', 'hook api.updateHandler/HandleHttp': '✔' }, exitCode: 0,
  },
  {
    title: 'fails HandleHttp when a route the plugin added is answered without a response',
    fixture: 'test/fixtures/conformance/claims-routes.ts', env: { FIXTURE_ROUTES: 'no-response' },
    expect: { 'hook api.updateHandler': '✔', 'hook api.updateHandler/HandleHttp': '✖' }, exitCode: 1,
  },
  {
    title: 'fails ApiUpdateHandler when an added route is not a path',
    fixture: 'test/fixtures/conformance/claims-routes.ts', env: { FIXTURE_ROUTES: 'bad-route' },
    expect: { 'hook api.updateHandler': '✖' }, exitCode: 1,
  },
  {
    title: 'fails ApiUpdateHandler when it wraps a route the daemon does not have',
    fixture: 'test/fixtures/conformance/claims-routes.ts', env: { FIXTURE_ROUTES: 'missing-wrap' },
    expect: { 'hook api.updateHandler': '✖' }, exitCode: 1,
  },
  {
    title: 'fails ContainerPreStart when an OCI hook path is not absolute',
    fixture: 'test/fixtures/conformance/returns-relative-oci-hook.ts', expect: { 'hook container.preStart': '✖' }, exitCode: 1,
  },
  {
    title: 'warns about stdout output and passes without --strict',
    fixture: 'test/fixtures/conformance/prints-to-stdout.ts', expect: { stdout: '⚠' }, exitCode: 0,
  },
  {
    title: 'fails on stdout output with --strict',
    fixture: 'test/fixtures/conformance/prints-to-stdout.ts', args: ['--strict'], expect: { stdout: '⚠' }, exitCode: 1,
  },
  {
    title: 'flags a plugin that floods stdout, and fails it with --strict',
    fixture: 'test/fixtures/plugins/floods-output.ts', args: ['--strict'], expect: { stdout: '⚠', 'hook image.postPull': '✔' }, exitCode: 1,
  },
  {
    title: 'fails the start of a plugin that never serves, within the start timeout',
    fixture: 'test/fixtures/plugins/hangs-before-ready.ts', args: ['--timeout-ms', '1500'], expect: { start: '✖', 'run-by-hand': '✖' }, exitCode: 1,
  },
  {
    title: 'fails the start of a plugin that exits before it is ready, quoting its stderr',
    fixture: 'test/fixtures/plugins/exits-before-ready.ts', expect: { start: '✖' }, exitCode: 1,
  },
  {
    title: 'fails a hook that does not answer within the call timeout',
    fixture: 'test/fixtures/plugins/slow-hook.ts', env: { FIXTURE_DELAY_MS: '3000' }, args: ['--call-timeout-ms', '300'],
    expect: { 'hook image.postPull': '✖', concurrency: '✖' }, exitCode: 1,
  },
  {
    title: 'fails a hook during which the plugin crashes',
    fixture: 'test/fixtures/plugins/crashes-after-ready.ts', expect: { 'hook image.postPull': '✖' }, exitCode: 1,
  },
  {
    title: 'fails minimal-inputs for a plugin that crashes on a create config without Env, though the realistic one passes',
    fixture: 'test/fixtures/conformance/crashes-without-env.ts',
    expect: { 'hook container.preCreate': '✔', 'minimal container.preCreate': '✖', 'unknown-fields container.preCreate': '✔' }, exitCode: 1,
  },
  {
    title: 'fails unknown-fields for a plugin that returns only the fields it knows',
    fixture: 'test/fixtures/conformance/drops-unknown-fields.ts',
    expect: { 'hook container.preCreate': '✔', 'minimal container.preCreate': '✔', 'unknown-fields container.preCreate': '✖' }, exitCode: 1,
  },
  {
    title: 'fails sigterm for a plugin that ignores SIGTERM, though it exits on Shutdown and stdin close',
    fixture: 'test/fixtures/conformance/ignores-sigterm.ts', args: SHORT_GRACE,
    expect: { shutdown: '✔', 'stdin-close': '✔', sigterm: '✖' }, exitCode: 1,
  },
  {
    title: 'passes minimal-inputs, unknown-fields and sigterm for a plugin that follows the rules',
    fixture: 'test/fixtures/plugins/well-behaved.ts',
    expect: { 'minimal container.preCreate': '✔', 'unknown-fields container.preCreate': '✔', sigterm: '✔' }, exitCode: 0,
  },
];

describe('hookd plugin test fails misbehaving plugins, naming the check', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hookd-conformance-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [index, row] of ROWS.entries()) {
    it(row.title, { timeout: 90_000 }, async () => {
      const [command, ...args] = fixtureCommand(row.fixture);
      const manifest = join(dir, `fixture-${index}.json`);
      await writeFile(manifest, JSON.stringify({ name: 'fixture', launch: { command, args, env: row.env ?? {}, cwd: ROOT } }));
      const run = await runKit(['--manifest', manifest, ...BASE, ...(row.args ?? [])]);
      for (const [id, mark] of Object.entries(row.expect)) {
        assert.equal(run.marks.get(id), mark, `check "${id}" should be ${mark}:\n${run.report}`);
      }
      assert.equal(run.exitCode, row.exitCode, run.report);
    });
  }
});
