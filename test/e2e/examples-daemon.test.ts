// Every example plugin against the real daemon, in both ways an operator runs one (issue "Plugins
// in any language"):
//  - launched: the example's own manifest.json in the daemon's plugins.d, with only what a copy
//    out of the repo needs rewritten (launch.cwd made absolute, python3 → the SDK's venv python)
//    and, where the example sets none, a start timeout for a busy machine;
//  - attached: the test starts the example itself with the manifest's command, args, cwd and env
//    plus HOOKD_LISTEN, waits for its "serving" line, and gives the daemon the same manifest with
//    `launch` swapped for `attach: {address}` (so the example's config and allow-list apply in
//    both modes).
// One daemon per (example, mode); each row drives the hook its example implements through the
// daemon's API and asserts the example's effect, not merely that a call happened.

import assert from 'node:assert/strict';
import { access, mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir, REPO } from './daemon-process.ts';
import { SidecarProcess } from './sidecar-process.ts';

const IMAGE = 'busybox:examples';
const VENV_PYTHON = join(REPO, 'plugin-sdk/python/.venv/bin/python');
/** Two cores may be busy with other suites: more than the 10 s default. */
const START_TIMEOUT_MS = 30_000;
const SIDECAR_EXIT_GRACE_MS = 5_000;
const MIB = 1024 * 1024;

type Mode = 'launched' | 'attached';
const MODES: readonly Mode[] = ['launched', 'attached'];
type Language = 'node' | 'go' | 'python';

interface LaunchSection { command: string; args?: string[]; cwd?: string; env?: Record<string, string> }
interface ExampleManifest { name: string; launch: LaunchSection; config?: Record<string, unknown>; [field: string]: unknown }

interface Session {
  daemon: DaemonProcess;
  /** The example's manifest.json as written in the repo. */
  example: ExampleManifest;
}

interface ExampleRow {
  folder: string;
  language: Language;
  /** The test title's second half: what the daemon's API shows once the example ran. */
  proves: string;
  /** Whether `drive` creates containers (the busybox image is imported first). */
  needsImage: boolean;
  drive(session: Session): Promise<void>;
}

interface InspectView {
  Id: string;
  Config: { Env: string[]; DiskQuota?: Record<string, string>; SpecAnnotation?: Record<string, string> };
  HostConfig: { Memory?: number; CapAdd?: string[] };
  NetworkSettings: { Networks: Record<string, { GenericParams: Record<string, string>; Priority: number; DisableResolver: boolean }> };
  GraphDriver: { Data: { RootDir: string } };
  HookdProvenance: Array<{ path: string; plugin: string }>;
}

async function inspect(daemon: DaemonProcess, container: string): Promise<InspectView> {
  return await daemon.docker().getContainer(container).inspect() as unknown as InspectView;
}

/** The document paths that provenance says `plugin` changed. */
function pathsChangedBy(view: InspectView, plugin: string): string[] {
  return view.HookdProvenance.filter((entry) => entry.plugin === plugin).map((entry) => entry.path);
}

async function cliOk(daemon: DaemonProcess, args: string[]): Promise<string> {
  const result = await daemon.cli(args);
  assert.equal(result.exitCode, 0, `docker ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/** Files named `name` anywhere under `dir` (a container's bundle lives at a runtime-specific depth). */
async function findFiles(dir: string, name: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((entry) => basename(entry) === name).map((entry) => join(dir, entry));
}

const ROWS: ExampleRow[] = [
  {
    folder: 'node-legacy-env', language: 'node', needsImage: true,
    proves: 'a create with legacy env/label conventions is stored converted, and provenance names legacy-env',
    async drive({ daemon, example }) {
      await cliOk(daemon, ['create', '--name', 'legacy', '--hostname', 'app-01', '-l', 'DiskQuota=/mnt=10g;.*=100g', '-l', 'annotation.team=infra',
        '-l', 'pouch.SupportCgroup=true', '-e', 'ali_memory=256m', '-e', 'ali_jvm_cgroup=true', IMAGE, 'true']);
      const view = await inspect(daemon, 'legacy');
      assert.deepEqual(view.Config.DiskQuota, { '/mnt': '10g', '.*': '100g' });
      assert.deepEqual(view.Config.SpecAnnotation, { team: 'infra' });
      assert.equal(view.HostConfig.Memory, 256 * MIB);
      assert.deepEqual(view.HostConfig.CapAdd, example.config!.jvmCgroupCapabilities);
      assert.ok(view.Config.Env.includes('HOSTNAME=app-01') && view.Config.Env.includes('pouchSupportCgroup=true'), `env: ${view.Config.Env.join(' ')}`);
      const changed = pathsChangedBy(view, 'legacy-env');
      for (const path of ['DiskQuota', 'SpecAnnotation', 'HostConfig.Memory', 'HostConfig.CapAdd']) {
        assert.ok(changed.some((p) => p.startsWith(path)), `provenance names legacy-env for ${path}: ${JSON.stringify(view.HookdProvenance)}`);
      }
      assert.ok(changed.some((p) => p.startsWith('Env')), 'and for the env it added');
    },
  },
  {
    folder: 'node-prestart-hook', language: 'node', needsImage: true,
    proves: 'a started container\'s bundle gets the OCI prestart hook\'s marker, and one labelled record-start.disable does not',
    async drive({ daemon, example }) {
      const marker = String(example.config!.markerFile); // relative: inside the container's bundle
      const id = await cliOk(daemon, ['run', '-d', '--name', 'recorded', IMAGE, 'sleep', '1000']);
      const [file, ...more] = await findFiles(join(daemon.dataRoot, 'containers', id), marker);
      assert.ok(file !== undefined && more.length === 0, `exactly one ${marker} in the container's dir`);
      assert.equal(await readFile(file, 'utf8'), `started ${id}\n`);
      const quiet = await cliOk(daemon, ['run', '-d', '--name', 'quiet', '-l', 'record-start.disable=true', IMAGE, 'sleep', '1000']);
      assert.deepEqual(await findFiles(join(daemon.dataRoot, 'containers', quiet), marker), []);
    },
  },
  {
    folder: 'go-endpoint-params', language: 'go', needsImage: true,
    proves: 'a started container\'s endpoint shows the GenericParams, Priority and DisableResolver derived from its env',
    async drive({ daemon, example }) {
      // A user-defined network: its DisableResolver starts false, so true can only come from the plugin.
      await daemon.docker().createNetwork({ Name: 'e2e-net' });
      const container = await daemon.docker().createContainer({
        name: 'net', Image: IMAGE, Cmd: ['sleep', '1000'], HostConfig: { NetworkMode: 'e2e-net' },
        Env: ['alinet_vlan=42', 'VpcECS_zone=cn-a', 'RequestedIP=10.1.2.3', 'UNRELATED=x'],
      });
      await container.start();
      const endpoint = (await inspect(daemon, 'net')).NetworkSettings.Networks['e2e-net'];
      assert.ok(endpoint, 'the container has an endpoint on e2e-net');
      assert.deepEqual(endpoint.GenericParams, { alinet_vlan: '42', VpcECS_zone: 'cn-a', 'com.docker.network.endpoint.macaddress': '02:42:0a:01:02:03' });
      const secondsLeft = (Date.parse(String(example.config!.priorityUntil)) - Date.now()) / 1000;
      assert.ok(Math.abs(endpoint.Priority - secondsLeft) < 600, `Priority ${endpoint.Priority} counts down to priorityUntil (~${Math.round(secondsLeft)})`);
      assert.equal(endpoint.DisableResolver, true);
      // A user network's bridge outlives the daemon; remove it so the test leaves nothing behind.
      await container.remove({ force: true });
      await daemon.docker().getNetwork('e2e-net').remove();
    },
  },
  {
    folder: 'go-env-files', language: 'go', needsImage: true,
    proves: 'an env update of a running container writes its profile.d and instanceInfo files into the rootfs',
    async drive({ daemon, example }) {
      await cliOk(daemon, ['run', '-d', '--name', 'envs', IMAGE, 'sleep', '1000']);
      // The docker CLI has no `update --env` (Pouch's has); the API takes Env on update.
      await daemon.docker().getContainer('envs').update({ Env: ['GREETING=hi there', 'USER=ops'] });
      const view = await inspect(daemon, 'envs');
      assert.ok(view.Config.Env.includes('GREETING=hi there'));
      const inRootfs = (path: unknown): Promise<string> => readFile(join(view.GraphDriver.Data.RootDir, String(path)), 'utf8');
      const profile = await inRootfs(example.config!.profileFile);
      assert.match(profile, /^export GREETING='hi there'$/m);
      assert.doesNotMatch(profile, /USER/, 'USER is in the example\'s exclude list');
      const instanceInfo = await inRootfs(example.config!.instanceInfoFile);
      assert.match(instanceInfo, /^GREETING=hi there$/m);
      assert.doesNotMatch(instanceInfo, /^USER=/m);
    },
  },
  {
    folder: 'python-quota', language: 'python', needsImage: true,
    proves: 'a create with a DiskQuota env is stored with the DiskQuota map, and one over maxSize is refused naming the plugin',
    async drive({ daemon }) {
      await cliOk(daemon, ['create', '--name', 'quota', '-e', 'DiskQuota=/=10g;/data=50g', '-e', 'KEEP=1', IMAGE, 'true']);
      const view = await inspect(daemon, 'quota');
      assert.deepEqual(view.Config.DiskQuota, { '/': '10g', '/data': '50g' });
      assert.ok(!view.Config.Env.some((entry) => entry.startsWith('DiskQuota=')), 'keepEnv is false: the env var is gone');
      assert.ok(view.Config.Env.includes('KEEP=1'));
      assert.ok(pathsChangedBy(view, 'disk-quota').some((p) => p.startsWith('DiskQuota')), JSON.stringify(view.HookdProvenance));
      const refused = await daemon.cli(['create', '-e', 'DiskQuota=2t', IMAGE, 'true']);
      assert.notEqual(refused.exitCode, 0);
      assert.match(refused.stderr, /disk-quota.*2t exceeds this host's maximum of 500g/);
    },
  },
  {
    folder: 'python-volume-defaults', language: 'python', needsImage: false,
    proves: 'a volume create gets the default DriverOpts and Labels, the request\'s own options win, and a driver not allowed is refused',
    async drive({ daemon }) {
      await cliOk(daemon, ['volume', 'create', 'plain']);
      await cliOk(daemon, ['volume', 'create', '--opt', 'size=1G', 'sized']);
      const [plain, sized] = JSON.parse(await cliOk(daemon, ['volume', 'inspect', 'plain', 'sized'])) as Array<{ Options: Record<string, string>; Labels: Record<string, string> }>;
      assert.deepEqual(plain?.Options, { size: '10G' });
      assert.deepEqual(plain?.Labels, { 'io.hookd.volume.owner': 'platform', 'io.hookd.volume-defaults.defaulted': 'size' });
      assert.deepEqual(sized?.Options, { size: '1G' });
      const refused = await daemon.cli(['volume', 'create', '--driver', 'nfs', 'remote']);
      assert.notEqual(refused.exitCode, 0);
      assert.match(refused.stderr, /volume-defaults.*volume driver "nfs" is not allowed on this host; allowed: local, tmpfs/);
    },
  },
];

/** The example's launch section made runnable from outside its folder; everything else as written. */
function runnableLaunch(folder: string, launch: LaunchSection): Required<Pick<LaunchSection, 'command' | 'cwd'>> & LaunchSection {
  return { ...launch, command: launch.command === 'python3' ? VENV_PYTHON : launch.command, cwd: resolve(REPO, 'examples', folder, launch.cwd ?? '.') };
}

function launchedManifest(folder: string, example: ExampleManifest): Record<string, unknown> {
  return { startTimeoutMs: START_TIMEOUT_MS, ...example, launch: runnableLaunch(folder, example.launch) };
}

function attachedManifest(example: ExampleManifest, address: string): Record<string, unknown> {
  const { launch: _launchedByTheTest, ...rest } = example;
  return { startTimeoutMs: START_TIMEOUT_MS, ...rest, attach: { address } };
}

let work: { dir: string; remove: () => Promise<void> };
let tarball: string | undefined;
/** Why nothing can run here (no docker CLI, no busybox), or why one language's rows cannot. */
let skipAll: string | undefined;
const skipLanguage = new Map<Language, string>();

before(async () => {
  work = await makeWorkDir();
  skipAll = await dockerCliMissingReason();
  tarball = skipAll ? undefined : await buildBusyboxRootfsTarball(work.dir);
  if (!skipAll && tarball === undefined) skipAll = 'busybox-static is not installed (apt-get install busybox-static)';
  if ((await execa('go', ['version'], { reject: false })).exitCode !== 0) skipLanguage.set('go', 'go is not on PATH (the Go examples are built from source by their build.sh)');
  if (!(await access(VENV_PYTHON).then(() => true, () => false))) skipLanguage.set('python', `${VENV_PYTHON} is missing (run \`bash scripts/generate.d/python.sh\`)`);
  if (skipAll) console.log(`# skipping every example against the daemon: ${skipAll}`);
  for (const [language, reason] of skipLanguage) console.log(`# skipping the ${language} examples against the daemon: ${reason}`);
  if (skipAll || skipLanguage.has('go')) return;
  // Always rebuild: a stale bin/ would test old code. Go's build cache makes a rebuild cheap.
  for (const row of ROWS.filter((r) => r.language === 'go')) await execa('bash', [join(REPO, 'examples', row.folder, 'build.sh')]);
});

after(async () => {
  await work?.remove();
});

for (const row of ROWS) {
  for (const mode of MODES) {
    test(`${row.folder} (${mode}): ${row.proves}`, { timeout: 120_000 }, async (t) => {
      const skip = skipAll ?? skipLanguage.get(row.language);
      if (skip) return t.skip(skip);
      // Undone last-first after the test, pass or fail: the daemon (and its containers) before the sidecar.
      const undo: Array<() => Promise<void>> = [];
      t.after(async () => { for (const step of undo.reverse()) await step(); });

      const example = JSON.parse(await readFile(join(REPO, 'examples', row.folder, 'manifest.json'), 'utf8')) as ExampleManifest;
      const dir = join(work.dir, `${row.language}-${example.name}-${mode}`);
      const manifest = mode === 'launched' ? launchedManifest(row.folder, example) : attachedManifest(example, await startSidecar(row.folder, example, dir, undo));
      const daemon = await DaemonProcess.create({ dir, manifests: { [`${example.name}.json`]: manifest } });
      await daemon.spawn();
      undo.push(() => stopDaemon(daemon));
      await daemon.listening();
      assert.ok(daemon.text.some((line) => line.includes('(1 of 1 plugins ready')), `${example.name} is ready at start-up:\n${daemon.text.join('\n')}`);
      if (row.needsImage) await cliOk(daemon, ['import', tarball!, IMAGE]);

      await row.drive({ daemon, example });
    });
  }
}

async function startSidecar(folder: string, example: ExampleManifest, dir: string, undo: Array<() => Promise<void>>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const sidecar = SidecarProcess.spawn({ name: example.name, dir, ...runnableLaunch(folder, example.launch) });
  // Runs after the daemon's stop, which sends Shutdown to a ready attached plugin: the SDKs then
  // exit 0 by themselves. SIGTERM only if it is still there after SIDECAR_EXIT_GRACE_MS.
  undo.push(async () => {
    const exit = await sidecar.stop(SIDECAR_EXIT_GRACE_MS);
    assert.equal(exit.code, 0, `the ${example.name} sidecar exits 0 once stopped, got ${JSON.stringify(exit)}; stderr:\n${sidecar.stderr}`);
  });
  await sidecar.serving();
  return sidecar.address;
}

/** Removes the containers (they would outlive the daemon under their shims), then SIGTERM. */
async function stopDaemon(daemon: DaemonProcess): Promise<void> {
  if (daemon.exitInfo !== undefined) return;
  const docker = daemon.docker();
  for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true });
  const { code } = await daemon.stop();
  assert.equal(code, 0, `the daemon stops cleanly on SIGTERM; stderr:\n${daemon.stderr}`);
}
