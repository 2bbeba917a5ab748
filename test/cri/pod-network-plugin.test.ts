// examples/go-cri-pod-network under the real daemon, driven by crictl as a user would: a pod on
// the CNI network, a container created in it (cri.preCreateContainer runs the Go plugin), and
// `crictl exec ... env` inside it shows the pod's address, mask and gateway; a pod on the host
// network gets no such env. The plugin is the example's own binary (its build.sh), launched from
// its manifest by the daemon.

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { runcMissingReason } from '../e2e/daemon-per-runtime.ts';
import { DaemonProcess, makeWorkDir, REPO } from '../e2e/daemon-process.ts';
import { criSocketOf } from '../e2e/cri-client.ts';
import { standInsMissingReason, startStandInRegistry, type StandInRegistry } from './stand-in-registry.ts';

const EXAMPLE = join(REPO, 'examples/go-cri-pod-network');
const IMAGE = 'registry.k8s.io/e2e-test-images/busybox:1.29-2';

let work: { dir: string; remove: () => Promise<void> } | undefined;
let standIns: StandInRegistry | undefined;
let daemon: DaemonProcess | undefined;
let crictlPath: string | undefined;
let skipReason: string | undefined;

before(async () => {
  skipReason = (await runcMissingReason()) ?? (await standInsMissingReason());
  if (skipReason) return;
  const tools = await execa('bash', [join(REPO, 'scripts/cri-tools.sh')], { timeout: 1_800_000 });
  crictlPath = /^crictl=(.*)$/m.exec(tools.stdout)![1]!;
  await execa('bash', [join(EXAMPLE, 'build.sh')], { timeout: 300_000 });
  work = await makeWorkDir();
  standIns = await startStandInRegistry();
  const manifest = JSON.parse(await readFile(join(EXAMPLE, 'manifest.json'), 'utf8')) as { launch: Record<string, unknown> };
  daemon = await DaemonProcess.start({
    dir: join(work.dir, 'd'),
    config: { runtime: 'runc', registries: standIns.registriesConfig },
    manifests: { 'go-cri-pod-network.json': { ...manifest, launch: { ...manifest.launch, command: join(EXAMPLE, 'bin/go-cri-pod-network'), cwd: EXAMPLE } } },
  });
}, { timeout: 1_800_000 });

after(async () => {
  if (daemon && crictlPath) await crictl(['rmp', '-af'], { reject: false });
  await daemon?.stop();
  await standIns?.stop();
  await work?.remove();
});

async function crictl(args: string[], options: { reject?: boolean } = {}): Promise<string> {
  const endpoint = `unix://${criSocketOf(daemon!.dataRoot)}`;
  const run = await execa(crictlPath!, ['--runtime-endpoint', endpoint, '--image-endpoint', endpoint, '--timeout', '120s', ...args], { cwd: work!.dir, reject: false, timeout: 300_000 });
  if (run.exitCode !== 0 && options.reject !== false) throw new Error(`crictl ${args.join(' ')} exited ${run.exitCode}: ${run.stderr}`);
  return run.stdout.trim();
}

/** The pod's env as `crictl exec <container> env` prints it, after runp, create and start. */
async function envOfContainerInPod(name: string, hostNetwork: boolean): Promise<{ env: Map<string, string>; podId: string }> {
  const pod = {
    metadata: { name, namespace: 'default', uid: `${name}-uid`, attempt: 0 },
    log_directory: join(work!.dir, `${name}-logs`),
    linux: hostNetwork ? { security_context: { namespace_options: { network: 2 } } } : {},
  };
  const container = { metadata: { name: 'app' }, image: { image: IMAGE }, command: ['sleep', '3600'], log_path: 'app.log' };
  await writeFile(join(work!.dir, `${name}-pod.json`), JSON.stringify(pod));
  await writeFile(join(work!.dir, `${name}-container.json`), JSON.stringify(container));
  await crictl(['pull', IMAGE]); // crictl create does not pull unless told to
  const podId = await crictl(['runp', `${name}-pod.json`]);
  const containerId = await crictl(['create', podId, `${name}-container.json`, `${name}-pod.json`]);
  await crictl(['start', containerId]);
  const printed = await crictl(['exec', containerId, 'env']);
  const env = new Map(printed.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as [string, string]));
  return { env, podId };
}

test('a container in a CNI pod gets the pod address, mask and gateway in its env (crictl exec env)', { timeout: 600_000 }, async (t) => {
  if (skipReason) return t.skip(skipReason);
  const { env, podId } = await envOfContainerInPod('net-pod', false);
  const status = JSON.parse(await crictl(['inspectp', '--output', 'json', podId])) as { status: { network: { ip: string } } };
  const podIp = status.status.network.ip;
  assert.match(podIp, /^\d+\.\d+\.\d+\.\d+$/);
  // The daemon's default network is the /24 DaemonProcess gave it, its bridge the gateway (.1).
  const subnet = (JSON.parse(await readFile(daemon!.configFile, 'utf8')) as { network: { subnet: string } }).network.subnet;
  const gateway = subnet.replace(/\.0\/24$/, '.1');
  assert.deepEqual([env.get('RequestedIP'), env.get('DefaultMask'), env.get('DefaultRoute')], [podIp, '255.255.255.0', gateway]);
  assert.ok(env.has('PATH'), 'the image env is kept');
});

test('a container in a host-network pod gets no pod address env', { timeout: 600_000 }, async (t) => {
  if (skipReason) return t.skip(skipReason);
  const { env } = await envOfContainerInPod('host-pod', true);
  assert.equal(env.get('RequestedIP'), undefined);
  assert.equal(env.get('DefaultMask'), undefined);
  assert.ok(env.has('PATH'));
});
