// The daemon config file: defaults, relative paths, and strict refusals that name file and field.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../../src/daemon/config-fields.ts';
import { formatEffectiveConfig, loadDaemonConfig, parseDaemonConfig } from '../../../src/daemon/config.ts';

const FILE = '/etc/hookd/hookd.json';

test('fills every default and resolves relative paths against the config file\'s directory', () => {
  const config = parseDaemonConfig({ dataRoot: '../var/hookd', pluginsDir: 'plugins.d' }, FILE);
  assert.deepEqual(config, {
    file: FILE,
    dataRoot: '/etc/var/hookd',
    listen: { socket: { path: '/etc/var/hookd/hookd.sock', mode: '0660' } },
    pluginsDir: '/etc/hookd/plugins.d',
    runtime: 'auto',
    logLevel: 'info',
    bodyLimitBytes: 1024 * 1024,
    registries: { mirrors: {}, insecure: [], maxConcurrentDownloads: 3 },
    snapshotter: 'auto',
    cri: { enabled: 'auto', socket: { path: '/etc/var/hookd/cri.sock', mode: '0660' }, streamingAddress: '127.0.0.1:0' },
  });
  assert.equal(JSON.parse(formatEffectiveConfig(config)).dataRoot, '/etc/var/hookd');
});

test('takes every field it knows', () => {
  const config = parseDaemonConfig({
    dataRoot: '/var/lib/hookd', pluginsDir: '/etc/hookd/plugins.d', runtime: 'runc', runcRoot: '/run/x', runtimeDir: 'run', logLevel: 'debug', bodyLimitBytes: 4096,
    listen: { socket: { path: '/run/hookd.sock', mode: '0600' }, tcp: { host: '0.0.0.0', port: 2376, tls: { certFile: 'tls/cert.pem', keyFile: 'tls/key.pem', caFile: 'tls/ca.pem' } } },
  }, FILE);
  assert.deepEqual(config.listen, {
    socket: { path: '/run/hookd.sock', mode: '0600' },
    tcp: { host: '0.0.0.0', port: 2376, insecure: false, tls: { certFile: '/etc/hookd/tls/cert.pem', keyFile: '/etc/hookd/tls/key.pem', caFile: '/etc/hookd/tls/ca.pem' } },
  });
  assert.equal(config.runtimeDir, '/etc/hookd/run');
  assert.equal(config.runcRoot, '/run/x');
  assert.equal(parseDaemonConfig({ dataRoot: '/d', pluginsDir: '/p', listen: { socket: false, tcp: { port: 2375, insecure: true } } }, FILE).listen.socket, false);
});

test('takes the CRI server\'s fields: enabled (true, false, "auto"), socket and its mode', () => {
  assert.deepEqual(parseDaemonConfig({ dataRoot: '/d', pluginsDir: '/p', cri: { enabled: true, socket: 'run/cri.sock', socketMode: '0600', streamingAddress: '127.0.0.1:10010' } }, FILE).cri,
    { enabled: true, socket: { path: '/etc/hookd/run/cri.sock', mode: '0600' }, streamingAddress: '127.0.0.1:10010' });
  assert.equal(parseDaemonConfig({ dataRoot: '/d', pluginsDir: '/p', cri: { enabled: false } }, FILE).cri.enabled, false);
  assert.equal(parseDaemonConfig({ dataRoot: '/d', pluginsDir: '/p', cri: { enabled: 'auto' } }, FILE).cri.enabled, 'auto');
});

const REFUSALS: Array<[string, unknown, RegExp]> = [
  ['an unknown top-level field', { dataRoot: '/d', pluginsDir: '/p', pluginDir: '/p' }, /field "pluginDir" is not a known field \(known: dataRoot, listen/],
  ['an unknown nested field', { dataRoot: '/d', pluginsDir: '/p', listen: { socket: { pth: 'x' } } }, /field "listen\.socket\.pth" is not a known field/],
  ['a missing dataRoot', { pluginsDir: '/p' }, /field "dataRoot" must be a non-empty string, got nothing/],
  ['a runtime it does not have', { dataRoot: '/d', pluginsDir: '/p', runtime: 'kata' }, /field "runtime" must be one of "auto", "runc", "crun", "process", got "kata"/],
  ['a configured runtime without a path', { dataRoot: '/d', pluginsDir: '/p', runtimes: { kata: {} } }, /field "runtimes\.kata\.path" must be a non-empty string/],
  ['a runtime name docker could not pass', { dataRoot: '/d', pluginsDir: '/p', runtimes: { 'my runtime': { path: '/x' } } }, /field "runtimes\.my runtime" is not a usable runtime name/],
  ['runtime args that are not strings', { dataRoot: '/d', pluginsDir: '/p', runtimes: { kata: { path: '/x', runtimeArgs: [1] } } }, /field "runtimes\.kata\.runtimeArgs" must be an array of strings/],
  ['a port out of range', { dataRoot: '/d', pluginsDir: '/p', listen: { tcp: { port: 70000, insecure: true } } }, /field "listen\.tcp\.port" must be an integer from 0 to 65535, got 70000/],
  ['TCP without TLS', { dataRoot: '/d', pluginsDir: '/p', listen: { tcp: { port: 2375 } } }, /field "listen\.tcp\.tls" is required/],
  ['a numeric socket mode', { dataRoot: '/d', pluginsDir: '/p', listen: { socket: { mode: 660 } } }, /field "listen\.socket\.mode" must be an octal mode string such as "0660", got 660/],
  ['a log level pino does not have', { dataRoot: '/d', pluginsDir: '/p', logLevel: 'verbose' }, /field "logLevel" must be one of/],
  ['a body limit below 1 KiB', { dataRoot: '/d', pluginsDir: '/p', bodyLimitBytes: 10 }, /field "bodyLimitBytes" must be an integer from 1024/],
  ['nowhere to listen', { dataRoot: '/d', pluginsDir: '/p', listen: { socket: false } }, /field "listen" must listen somewhere/],
  ['a socket path too long for a unix socket', { dataRoot: `/${'d'.repeat(120)}`, pluginsDir: '/p' }, /field "dataRoot" gives the socket path .* longer than the 107 bytes/],
  ['a CRI switch that is neither boolean nor "auto"', { dataRoot: '/d', pluginsDir: '/p', cri: { enabled: 'yes' } }, /field "cri\.enabled" must be true, false or "auto"/],
  ['a streaming address without a port', { dataRoot: '/d', pluginsDir: '/p', cri: { streamingAddress: '127.0.0.1' } }, /field "cri\.streamingAddress" .*want host:port/],
  ['an unknown CRI field', { dataRoot: '/d', pluginsDir: '/p', cri: { sock: '/x' } }, /field "cri\.sock" is not a known field/],
  ['a CRI socket path too long for a unix socket', { dataRoot: '/d', pluginsDir: '/p', cri: { socket: `/${'c'.repeat(120)}` } }, /field "cri\.socket" gives the CRI socket path .* longer than the 107 bytes/],
  ['an array', [], /hookd\.json: must be an object, got \[\]$/],
];

for (const [what, json, message] of REFUSALS) {
  test(`refuses ${what}, naming the file and the field`, () => {
    assert.throws(() => parseDaemonConfig(json, FILE), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, 'ERR_CONFIG_INVALID');
      assert.match(error.message, /^config \/etc\/hookd\/hookd\.json: /);
      assert.match(error.message, message);
      return true;
    });
  });
}

test('a file that is not JSON, or missing, is refused naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hookd-config-'));
  try {
    await writeFile(join(dir, 'bad.json'), '{"dataRoot": ');
    await assert.rejects(loadDaemonConfig(join(dir, 'bad.json')), new RegExp(`^ConfigError: config ${dir}/bad\\.json: is not JSON`));
    await assert.rejects(loadDaemonConfig(join(dir, 'missing.json')), /missing\.json: cannot be read/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('registries: mirrors, insecure hosts, auth file and download concurrency; plain-HTTP mirrors need loopback or "insecure"', () => {
  const config = parseDaemonConfig({
    dataRoot: '/d', pluginsDir: '/p',
    registries: { mirrors: { 'registry.k8s.io': 'http://127.0.0.1:5000/' }, insecure: ['lab:5000'], authFile: 'auth.json', maxConcurrentDownloads: 5 },
  }, FILE);
  assert.deepEqual(config.registries, { mirrors: { 'registry.k8s.io': 'http://127.0.0.1:5000' }, insecure: ['lab:5000'], authFile: '/etc/hookd/auth.json', maxConcurrentDownloads: 5 });
  assert.throws(() => parseDaemonConfig({ dataRoot: '/d', pluginsDir: '/p', registries: { mirrors: { 'docker.io': 'http://mirror.example' } } }, FILE),
    /field "registries.mirrors.docker.io" is plain HTTP to mirror.example/);
  assert.throws(() => parseDaemonConfig({ dataRoot: '/d', pluginsDir: '/p', registries: { mirror: {} } }, FILE), /field "registries.mirror" is not a known field/);
});

test('OCI runtimes configured by path can be the default; relative paths resolve against the file', () => {
  const config = parseDaemonConfig({ dataRoot: '/d', pluginsDir: '/p', runtime: 'youki', runRoot: 'run', runtimes: { youki: { path: 'bin/youki', runtimeArgs: ['--debug'] } } }, FILE);
  assert.equal(config.runtime, 'youki');
  assert.deepEqual(config.runtimes, { youki: { path: join(dirname(FILE), 'bin/youki'), runtimeArgs: ['--debug'] } });
  assert.equal(config.runRoot, join(dirname(FILE), 'run'));
});
