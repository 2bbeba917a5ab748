import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isHookdError } from '../../../src/host/errors.ts';
import {
  DEFAULT_CALL_TIMEOUT_MS, DEFAULT_HEALTH_CHECK, DEFAULT_MAX_IN_FLIGHT, DEFAULT_RESTART_POLICY, DEFAULT_START_TIMEOUT_MS,
  loadManifests, parseManifest,
} from '../../../src/host/manifest.ts';

const FILE = '/etc/hookd/plugins.d/quota.json';
const LAUNCH = { name: 'quota', launch: { command: 'node' } };

describe('parseManifest: defaults', () => {
  it('fills every default for a minimal launched manifest', () => {
    assert.deepEqual(parseManifest(LAUNCH, FILE), {
      name: 'quota',
      file: FILE,
      launch: { command: 'node', args: [], env: {}, cwd: '/etc/hookd/plugins.d' },
      order: 0,
      timeoutMs: DEFAULT_CALL_TIMEOUT_MS,
      startTimeoutMs: DEFAULT_START_TIMEOUT_MS,
      required: false,
      config: null,
      restart: { ...DEFAULT_RESTART_POLICY },
      health: { ...DEFAULT_HEALTH_CHECK },
      maxInFlight: DEFAULT_MAX_IN_FLIGHT,
      hooks: {},
      enabled: true,
    });
  });

  it('documents the default values with their units', () => {
    assert.equal(DEFAULT_CALL_TIMEOUT_MS, 2000);
    assert.equal(DEFAULT_START_TIMEOUT_MS, 10000);
    assert.equal(DEFAULT_MAX_IN_FLIGHT, 32);
    assert.deepEqual({ ...DEFAULT_RESTART_POLICY }, { maxFailures: 5, initialBackoffMs: 200, maxBackoffMs: 30000, resetAfterMs: 60000 });
    assert.deepEqual({ ...DEFAULT_HEALTH_CHECK }, { intervalMs: 5000, timeoutMs: 1000, failureThreshold: 3 });
  });

  it('keeps every field a full manifest sets, resolving relative paths against the manifest directory', () => {
    const manifest = parseManifest({
      name: 'netprio.v2',
      launch: { command: './bin/plugin', args: ['--verbose'], env: { LEVEL: 'debug' }, cwd: 'work' },
      order: -10, timeoutMs: 60000, startTimeoutMs: 3000, failurePolicy: 'ignore', required: true,
      allowedPaths: ['Env[*]', 'HostConfig.*'], config: { limit: 3 },
      restart: { maxFailures: 2 }, health: { intervalMs: 100 }, maxInFlight: 1024,
      hooks: { 'container.preCreate': { timeoutMs: 500, failurePolicy: 'fail' }, 'daemon.preStop': {} },
      enabled: false,
    }, FILE);
    assert.deepEqual(manifest.launch, { command: './bin/plugin', args: ['--verbose'], env: { LEVEL: 'debug' }, cwd: '/etc/hookd/plugins.d/work' });
    assert.equal(manifest.order, -10);
    assert.equal(manifest.failurePolicy, 'ignore');
    assert.equal(manifest.required, true);
    assert.deepEqual(manifest.allowedPaths, ['Env[*]', 'HostConfig.*']);
    assert.deepEqual(manifest.config, { limit: 3 });
    assert.deepEqual(manifest.restart, { ...DEFAULT_RESTART_POLICY, maxFailures: 2 });
    assert.deepEqual(manifest.health, { ...DEFAULT_HEALTH_CHECK, intervalMs: 100 });
    assert.deepEqual(manifest.hooks, { 'container.preCreate': { timeoutMs: 500, failurePolicy: 'fail' }, 'daemon.preStop': {} });
    assert.equal(manifest.enabled, false);
  });

  it('accepts attached plugins on a unix socket, or on TCP with TLS files relative to the manifest', () => {
    assert.deepEqual(parseManifest({ name: 's', attach: { address: 'unix:///run/s.sock' } }, FILE).attach, { address: 'unix:///run/s.sock' });
    const tcp = parseManifest({ name: 's', attach: { address: 'sidecar:7000', tls: { caFile: 'ca.pem', certFile: '/pki/c.pem', keyFile: '/pki/c.key', serverName: 'sidecar' } } }, FILE);
    assert.deepEqual(tcp.attach, { address: 'sidecar:7000', tls: { caFile: '/etc/hookd/plugins.d/ca.pem', certFile: '/pki/c.pem', keyFile: '/pki/c.key', serverName: 'sidecar' } });
    assert.equal(parseManifest({ name: 's', attach: { address: '[::1]:7000', tls: {} } }, FILE).attach?.address, '[::1]:7000');
  });
});

describe('parseManifest: every bad field names the file and the field', () => {
  const cases: Array<[string, unknown, string | undefined, RegExp]> = [
    ['a manifest that is not an object', [], undefined, /must be a JSON object, got an array/],
    ['a missing name', { launch: { command: 'x' } }, 'name', /must be a non-empty string, got nothing/],
    ['a name with capitals', { ...LAUNCH, name: 'Quota' }, 'name', /must match/],
    ['a name starting with a dot', { ...LAUNCH, name: '.q' }, 'name', /must match/],
    ['a name that is too long', { ...LAUNCH, name: 'q'.repeat(65) }, 'name', /at most 64 characters/],
    ['an unknown top-level field (a typo)', { ...LAUNCH, timeoutMS: 5 }, 'timeoutMS', /is not a known field/],
    ['neither launch nor attach', { name: 'q' }, 'launch', /exactly one of "launch"/],
    ['both launch and attach', { ...LAUNCH, attach: { address: 'unix:///s' } }, 'attach', /exactly one of "launch"/],
    ['launch that is not an object', { name: 'q', launch: 'node' }, 'launch', /must be an object, got "node"/],
    ['a launch without command', { name: 'q', launch: {} }, 'launch.command', /must be a non-empty string/],
    ['launch args that are not strings', { name: 'q', launch: { command: 'x', args: [1] } }, 'launch.args[0]', /must be a string, got 1/],
    ['launch env values that are not strings', { name: 'q', launch: { command: 'x', env: { A: 1 } } }, 'launch.env.A', /must be a string/],
    ['a launch env that sets a HOOKD_ variable', { name: 'q', launch: { command: 'x', env: { HOOKD_SOCKET: '/x' } } }, 'launch.env.HOOKD_SOCKET', /is reserved/],
    ['an unknown launch field', { name: 'q', launch: { command: 'x', workdir: '/' } }, 'launch.workdir', /is not a known field/],
    ['an empty launch cwd', { name: 'q', launch: { command: 'x', cwd: '' } }, 'launch.cwd', /non-empty string/],
    ['an attach address that is neither unix nor TCP', { name: 'q', attach: { address: 'http://x' } }, 'attach.address', /must be "unix:\/\/\/absolute\/path.sock" or "host:port"/],
    ['a relative unix address', { name: 'q', attach: { address: 'unix:rel.sock' } }, 'attach.address', /must be "unix:\/\/\//],
    ['a TCP port out of range', { name: 'q', attach: { address: 'h:70000', tls: {} } }, 'attach.address', /host:port/],
    ['TCP without TLS', { name: 'q', attach: { address: 'sidecar:7000' } }, 'attach.tls', /is required for the TCP address "sidecar:7000"/],
    ['TLS on a unix socket', { name: 'q', attach: { address: 'unix:///s.sock', tls: {} } }, 'attach.tls', /applies only to TCP addresses/],
    ['a certFile without keyFile', { name: 'q', attach: { address: 'h:1', tls: { certFile: 'c' } } }, 'attach.tls.keyFile', /go together/],
    ['an unknown tls field', { name: 'q', attach: { address: 'h:1', tls: { ca: 'x' } } }, 'attach.tls.ca', /is not a known field/],
    ['an order that is not an integer', { ...LAUNCH, order: 1.5 }, 'order', /must be an integer, got 1.5/],
    ['a zero timeout', { ...LAUNCH, timeoutMs: 0 }, 'timeoutMs', /must be a positive integer, got 0/],
    ['a timeout over the maximum', { ...LAUNCH, timeoutMs: 60001 }, 'timeoutMs', /from 1 to 60000, got 60001/],
    ['a start timeout as a string', { ...LAUNCH, startTimeoutMs: '10s' }, 'startTimeoutMs', /must be a positive integer, got "10s"/],
    ['an unknown failure policy', { ...LAUNCH, failurePolicy: 'retry' }, 'failurePolicy', /must be one of "fail", "ignore", got "retry"/],
    ['required that is not a boolean', { ...LAUNCH, required: 'yes' }, 'required', /must be true or false, got "yes"/],
    ['allowedPaths that is not a list', { ...LAUNCH, allowedPaths: 'Env' }, 'allowedPaths', /must be an array of strings/],
    ['an allowedPaths pattern that does not parse', { ...LAUNCH, allowedPaths: ['Env[*]', 'Labels[a'] }, 'allowedPaths[1]', /is not a path pattern: unterminated/],
    ['restart.maxFailures as a string', { ...LAUNCH, restart: { maxFailures: 'x' } }, 'restart.maxFailures', /must be a positive integer, got "x"/],
    ['a restart backoff ceiling below its start', { ...LAUNCH, restart: { initialBackoffMs: 500, maxBackoffMs: 100 } }, 'restart.maxBackoffMs', /at least restart.initialBackoffMs/],
    ['an unknown restart field', { ...LAUNCH, restart: { retries: 1 } }, 'restart.retries', /is not a known field/],
    ['a negative health interval', { ...LAUNCH, health: { intervalMs: -1 } }, 'health.intervalMs', /positive integer/],
    ['health that is not an object', { ...LAUNCH, health: true }, 'health', /must be an object/],
    ['maxInFlight zero', { ...LAUNCH, maxInFlight: 0 }, 'maxInFlight', /from 1 to 1024, got 0/],
    ['maxInFlight over the limit', { ...LAUNCH, maxInFlight: 1025 }, 'maxInFlight', /from 1 to 1024/],
    ['an unknown hook name', { ...LAUNCH, hooks: { 'container.create': {} } }, 'hooks.container.create', /is not a hook \(hooks are: container.preCreate,/],
    ['a hook override with a bad timeout', { ...LAUNCH, hooks: { 'container.preCreate': { timeoutMs: 90000 } } }, 'hooks.container.preCreate.timeoutMs', /from 1 to 60000/],
    ['a hook override with an unknown field', { ...LAUNCH, hooks: { 'container.preCreate': { policy: 'fail' } } }, 'hooks.container.preCreate.policy', /is not a known field/],
    ['a hook override with a bad policy', { ...LAUNCH, hooks: { 'daemon.preStop': { failurePolicy: 'never' } } }, 'hooks.daemon.preStop.failurePolicy', /must be one of/],
    ['enabled that is not a boolean', { ...LAUNCH, enabled: 1 }, 'enabled', /must be true or false, got 1/],
  ];
  for (const [title, json, field, reason] of cases) {
    it(`refuses ${title}`, () => {
      assert.throws(() => parseManifest(json, FILE), (error: unknown) => {
        assert.ok(isHookdError(error, 'ERR_MANIFEST_INVALID'), String(error));
        const prefix = field === undefined ? `manifest ${FILE}: ` : `manifest ${FILE}: field "${field}" `;
        assert.ok(error.message.startsWith(prefix), `${error.message} should start with ${prefix}`);
        assert.match(error.message, reason);
        return true;
      });
    });
  }

  it('words the error like the design example', () => {
    assert.throws(() => parseManifest({ ...LAUNCH, restart: { maxFailures: 'x' } }, FILE), {
      message: 'manifest /etc/hookd/plugins.d/quota.json: field "restart.maxFailures" must be a positive integer, got "x"',
    });
  });
});

describe('loadManifests', () => {
  let dir = '';
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'hookd-manifests-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  async function dropIn(name: string, files: Record<string, unknown>): Promise<string> {
    const folder = join(dir, name);
    await mkdir(folder);
    for (const [file, content] of Object.entries(files)) {
      await writeFile(join(folder, file), typeof content === 'string' ? content : JSON.stringify(content));
    }
    return folder;
  }

  it('loads every *.json in file-name order and ignores other files and dotfiles', async () => {
    const folder = await dropIn('ok', {
      '20-b.json': { name: 'b', launch: { command: 'x' } },
      '10-a.json': { name: 'a', launch: { command: 'x' } },
      'README.md': '# not a manifest',
      '.c.json': '{broken',
    });
    await mkdir(join(folder, 'sub.json'));
    const manifests = await loadManifests(folder);
    assert.deepEqual(manifests.map((m) => [m.name, m.file]), [['a', join(folder, '10-a.json')], ['b', join(folder, '20-b.json')]]);
    assert.equal(manifests[0]?.launch?.cwd, folder);
  });

  it('refuses two files that declare one plugin, naming both', async () => {
    const folder = await dropIn('dup', { 'a.json': { name: 'q', launch: { command: 'x' } }, 'b.json': { name: 'q', attach: { address: 'unix:///s' } } });
    await assert.rejects(loadManifests(folder), {
      code: 'ERR_MANIFEST_DUPLICATE',
      message: `manifests ${join(folder, 'a.json')} and ${join(folder, 'b.json')} both declare plugin "q"`,
    });
  });

  it('refuses a file that is not JSON, naming it', async () => {
    const folder = await dropIn('bad', { 'q.json': '{ "name": ' });
    await assert.rejects(loadManifests(folder), (error: unknown) =>
      isHookdError(error, 'ERR_MANIFEST_INVALID') && error.message.startsWith(`manifest ${join(folder, 'q.json')}: is not JSON`));
  });

  it('refuses a directory that does not exist', async () => {
    await assert.rejects(loadManifests(join(dir, 'missing')), { code: 'ERR_MANIFEST_INVALID' });
  });

  it('returns nothing for an empty directory', async () => {
    assert.deepEqual(await loadManifests(await dropIn('empty', {})), []);
  });
});
