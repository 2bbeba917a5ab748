// A user's session against the real daemon (child process, real plugin processes, real runtime),
// through the docker CLI and dockerode: import an image, create and run containers whose configs
// the example plugins change, exec, update env, volumes, API plugin routes, provenance, metrics,
// `hookd plugins`, bad input, and a daemon SIGKILL + restart that loses nothing.

import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, dockerCliMissingReason, fixtureManifest, makeWorkDir, REPO } from './daemon-process.ts';

const IMAGE = 'busybox:e2e';
let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess | undefined;
let skipReason: string | undefined;
let markerFile: string;
let envFilesPlugin: string;
let volumePlugin: string;
/** runc isolates containers (their /etc is their rootfs's); the process runtime does not. */
let isIsolated = false;

/** go-env-files when Go can build it (or it is built), else a Node stand-in with the same behaviour. */
async function envFilesManifest(): Promise<Record<string, unknown>> {
  const dir = join(REPO, 'examples/go-env-files');
  const binary = join(dir, 'bin/go-env-files');
  const isBuilt = await access(binary).then(() => true, () => false);
  const hasGo = (await execa('go', ['version'], { reject: false })).exitCode === 0;
  if (!isBuilt && hasGo) await execa('bash', [join(dir, 'build.sh')]);
  if (isBuilt || hasGo) {
    envFilesPlugin = 'go-env-files (Go example)';
    return { name: 'go-env-files', launch: { command: binary, cwd: dir }, config: { profileFile: '/etc/profile.d/hookd-env.sh', instanceInfoFile: '/etc/instanceInfo' } };
  }
  envFilesPlugin = 'writes-env-file.ts (Node stand-in: go is not installed)';
  return fixtureManifest('go-env-files', 'writes-env-file.ts');
}

/** python-volume-defaults when its venv exists, else a Node stand-in. */
async function volumeDefaultsManifest(): Promise<Record<string, unknown>> {
  const python = join(REPO, 'plugin-sdk/python/.venv/bin/python');
  if (await access(python).then(() => true, () => false)) {
    volumePlugin = 'volume-defaults (Python example)';
    return {
      name: 'volume-defaults', startTimeoutMs: 30_000,
      launch: { command: python, args: ['-m', 'volume_defaults'], env: { PYTHONPATH: join(REPO, 'plugin-sdk/python/src') }, cwd: join(REPO, 'examples/python-volume-defaults') },
      config: { defaults: { DriverOpts: { size: '10G' }, Labels: { 'io.hookd.volume.owner': 'platform' } }, allowedDrivers: ['local', 'tmpfs'] },
    };
  }
  volumePlugin = 'volume-defaults.ts (Node stand-in: run `bash scripts/generate.d/python.sh` for the Python example)';
  return fixtureManifest('volume-defaults', 'volume-defaults.ts');
}

function nodeExample(name: string, folder: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { name, launch: { command: process.execPath, args: ['dist/main.js'], cwd: join(REPO, 'examples', folder) }, startTimeoutMs: 30_000, ...extra };
}

before(async () => {
  work = await makeWorkDir();
  skipReason = await dockerCliMissingReason();
  const tarball = await buildBusyboxRootfsTarball(work.dir);
  if (tarball === undefined) skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
  if (skipReason) {
    console.log(`# skipping the docker workflow: ${skipReason}`);
    return;
  }
  markerFile = join(work.dir, 'started.log');
  daemon = await DaemonProcess.start({
    dir: join(work.dir, 'd'),
    manifests: {
      '10-legacy-env.json': nodeExample('legacy-env', 'node-legacy-env', { order: 10, allowedPaths: ['DiskQuota', 'SpecAnnotation', 'Env', 'HostConfig.CapAdd', 'HostConfig.Memory'], config: { memoryVariable: 'ali_memory' } }),
      '20-record-start.json': nodeExample('record-start', 'node-prestart-hook', { config: { markerFile, priority: -100, timeoutSeconds: 5 } }),
      '30-env-files.json': await envFilesManifest(),
      '40-volume-defaults.json': await volumeDefaultsManifest(),
      '50-api-routes.json': fixtureManifest('api-routes', 'api-routes.ts'),
    },
  });
  isIsolated = ((await daemon.docker().info()) as { Hookd: { Isolated: boolean } }).Hookd.Isolated;
  console.log(`# env files by ${envFilesPlugin}; volume defaults by ${volumePlugin}; runtime ${isIsolated ? 'runc' : 'process (not root or no runc: container paths are read from the rootfs on the host)'}`);
  const imported = await daemon.cli(['import', tarball!, IMAGE]);
  assert.equal(imported.exitCode, 0, imported.stderr);
});

after(async () => {
  if (daemon?.exitInfo === undefined && daemon) {
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true });
    const { code } = await daemon.stop();
    assert.equal(code, 0, `the daemon should stop cleanly on SIGTERM; stderr:\n${daemon.stderr}`);
  }
  await work?.remove();
});

test('docker import made the busybox image from a rootfs tarball', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const images = await daemon.cli(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  assert.equal(images.exitCode, 0, images.stderr);
  assert.match(images.stdout, /busybox:e2e/);
});

test('a container created with legacy conventions gets them converted, its PreStart hook runs, and its logs show the mutated env', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const created = await daemon.cli(['create', '--name', 'legacy', '-l', 'pouch.SupportCgroup=true', '-e', 'ali_memory=256m', IMAGE, 'env']);
  assert.equal(created.exitCode, 0, created.stderr);
  const id = created.stdout.trim();
  assert.equal((await daemon.cli(['start', 'legacy'])).exitCode, 0);
  const waited = await daemon.cli(['wait', 'legacy']);
  assert.equal(waited.stdout.trim(), '0', waited.stderr);
  const logs = await daemon.cli(['logs', 'legacy']);
  assert.match(logs.stdout, /^pouchSupportCgroup=true$/m, 'legacy-env turned the label into an env variable');
  assert.match(logs.stdout, /^ali_memory=256m$/m);

  const inspect = await daemon.docker().getContainer('legacy').inspect() as unknown as { HostConfig: { Memory: number }; HookdProvenance: Array<{ path: string; plugin: string }> };
  assert.equal(inspect.HostConfig.Memory, 256 * 1024 * 1024, 'legacy-env turned ali_memory into HostConfig.Memory');
  const claims = inspect.HookdProvenance.filter((entry) => entry.plugin === 'legacy-env').map((entry) => entry.path);
  assert.ok(claims.includes('HostConfig.Memory'), `provenance names legacy-env for HostConfig.Memory: ${JSON.stringify(inspect.HookdProvenance)}`);
  assert.ok(claims.some((path) => path.startsWith('Env')), 'and for the env it added');

  assert.match(await readFile(markerFile, 'utf8'), new RegExp(`^started ${id}$`, 'm'), 'record-start\'s OCI prestart hook wrote its marker');
});

test('docker run --rm without -d streams the output and removes the container', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const run = await daemon.cli(['run', '--rm', '--name', 'once', IMAGE, 'echo', 'hello from run']);
  assert.equal(run.exitCode, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'hello from run');
  const all = await daemon.cli(['ps', '-a', '--format', '{{.Names}}']);
  assert.doesNotMatch(all.stdout, /^once$/m);
  const failing = await daemon.cli(['run', '--rm', IMAGE, 'sh', '-c', 'exit 3']);
  assert.equal(failing.exitCode, 3, 'docker run exits with the container\'s status');
});

test('docker exec runs a command in a running container', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const started = await daemon.cli(['run', '-d', '--name', 'sleeper', IMAGE, 'sleep', '1000']);
  assert.equal(started.exitCode, 0, started.stderr);
  const exec = await daemon.cli(['exec', 'sleeper', 'echo', 'inside']);
  assert.equal(exec.exitCode, 0, exec.stderr);
  assert.equal(exec.stdout.trim(), 'inside');
  const ps = await daemon.cli(['ps', '--format', '{{.Names}} {{.Status}}']);
  assert.match(ps.stdout, /^sleeper Up/m);
});

test('an env update reaches PostUpdate, which writes the rootfs env file', async (t) => {
  if (!daemon) return t.skip(skipReason);
  await daemon.docker().getContainer('sleeper').update({ Env: ['GREETING=hi there'] });
  const inspect = await daemon.docker().getContainer('sleeper').inspect();
  if (isIsolated) {
    const file = await daemon.cli(['exec', 'sleeper', 'cat', '/etc/profile.d/hookd-env.sh']);
    assert.equal(file.exitCode, 0, file.stderr);
    assert.match(file.stdout, /^export GREETING='hi there'$/m);
  } else {
    const file = await readFile(join(daemon.dataRoot, 'containers', inspect.Id, 'rootfs/etc/profile.d/hookd-env.sh'), 'utf8');
    assert.match(file, /^export GREETING='hi there'$/m);
  }
  assert.ok(inspect.Config.Env.includes('GREETING=hi there'));
  const metrics = (await daemon.http('GET', '/metrics')).body;
  assert.match(metrics, /^hookd_plugin_calls_total\{plugin="go-env-files",hook="container.postUpdate"\} 1$/m);
});

test('docker volume create gets the PreVolumeCreate defaults; what the request set wins', async (t) => {
  if (!daemon) return t.skip(skipReason);
  assert.equal((await daemon.cli(['volume', 'create', 'plain'])).exitCode, 0);
  assert.equal((await daemon.cli(['volume', 'create', '--opt', 'size=1G', 'sized'])).exitCode, 0);
  const inspect = await daemon.cli(['volume', 'inspect', 'plain', 'sized']);
  assert.equal(inspect.exitCode, 0, inspect.stderr);
  const [plain, sized] = JSON.parse(inspect.stdout) as Array<{ Options: Record<string, string>; Labels: Record<string, string> }>;
  assert.equal(plain?.Options.size, '10G');
  assert.equal(plain?.Labels['io.hookd.volume.owner'], 'platform');
  assert.equal(sized?.Options.size, '1G');
});

test('an API plugin serves a route it added and rewrites the answer of a route it wraps', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const hello = await daemon.http('GET', '/v1.43/e2e/hello/world');
  assert.equal(hello.status, 200);
  assert.equal(hello.body, 'hello world');
  const version = await daemon.docker().version() as unknown as { WrappedBy?: string; ApiVersion: string };
  assert.equal(version.WrappedBy, 'api-routes');
  assert.equal(version.ApiVersion, '1.43');
  assert.equal((await daemon.cli(['version'])).exitCode, 0, 'the docker CLI still understands the wrapped /version');
});

test('/metrics shows per-plugin counters, latency histograms and states in Prometheus format', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const answer = await daemon.http('GET', '/metrics');
  assert.equal(answer.status, 200);
  assert.match(String(answer.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const calls = /^hookd_plugin_calls_total\{plugin="legacy-env",hook="container.preCreate"\} (\d+)$/m.exec(answer.body);
  assert.ok(calls && Number(calls[1]) >= 3, 'every create called legacy-env');
  assert.match(answer.body, /^hookd_plugin_calls_total\{plugin="api-routes",hook="api.handleHttp"\} [1-9]\d*$/m);
  assert.match(answer.body, /^hookd_plugin_call_duration_seconds_bucket\{plugin="record-start",hook="container.preStart",le="\+Inf"\} [1-9]\d*$/m);
  assert.match(answer.body, /^hookd_plugin_state\{plugin="legacy-env",state="ready"\} 1$/m);
  assert.match(answer.body, /^hookd_plugin_restarts_total\{plugin="legacy-env"\} 0$/m);
});

test('`hookd plugins` lists every plugin with its state, version and hooks', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const listed = await execa(process.execPath, [join(REPO, 'bin/hookd.js'), 'plugins', '--host', `unix://${daemon.socketPath}`], { reject: false });
  assert.equal(listed.exitCode, 0, listed.stderr);
  assert.match(listed.stdout, /^NAME\s+STATE\s+VERSION/);
  for (const name of ['legacy-env', 'record-start', 'go-env-files', 'volume-defaults', 'api-routes']) {
    assert.match(listed.stdout, new RegExp(`^${name}\\s+ready\\s`, 'm'), `${name} is listed as ready`);
  }
  assert.match(listed.stdout, /record-start.*container\.preStart/);
});

test('bad input: a malformed JSON body is a 400 that says so, an unknown container a 404', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const before = await daemon.cli(['ps', '-a', '-q', '--no-trunc']);
  const malformed = await daemon.http('POST', '/v1.43/containers/create?name=broken', '{"Image": "busybox:e2e",');
  assert.equal(malformed.status, 400);
  assert.match((JSON.parse(malformed.body) as { message: string }).message, /JSON/i);
  assert.equal((await daemon.cli(['ps', '-a', '-q', '--no-trunc'])).stdout, before.stdout, 'nothing was stored');

  await assert.rejects(daemon.docker().getContainer('no-such-thing').inspect(), (error: { statusCode: number }) => error.statusCode === 404);
  const cli = await daemon.cli(['inspect', '--type', 'container', 'no-such-thing']);
  assert.notEqual(cli.exitCode, 0);
  assert.match(cli.stderr, /No such container/i);
});

test('after SIGKILL and a restart, containers, volumes and images are intact and the running container still runs', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const docker = daemon.docker();
  const sleeperBefore = await docker.getContainer('sleeper').inspect();
  const containersBefore = (await docker.listContainers({ all: true })).map((c) => c.Id).sort();
  const volumesBefore = ((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name).sort();
  const imagesBefore = (await docker.listImages()).map((i) => i.Id).sort();

  daemon.child!.kill('SIGKILL');
  await daemon.exited;
  await daemon.spawn();
  await daemon.listening();

  const sleeperAfter = await docker.getContainer('sleeper').inspect();
  assert.equal(sleeperAfter.State.Running, true, 'the container outlived the daemon');
  assert.equal(sleeperAfter.State.Pid, sleeperBefore.State.Pid, 'same process, not restarted');
  assert.deepEqual((await docker.listContainers({ all: true })).map((c) => c.Id).sort(), containersBefore);
  assert.deepEqual(((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name).sort(), volumesBefore);
  assert.deepEqual((await docker.listImages()).map((i) => i.Id).sort(), imagesBefore);
  const exec = await daemon.cli(['exec', 'sleeper', 'echo', 'still here']);
  assert.equal(exec.stdout.trim(), 'still here', exec.stderr);
  const legacy = await docker.getContainer('legacy').inspect();
  assert.equal(legacy.State.Status, 'exited');
  assert.equal(legacy.State.ExitCode, 0);
});
