// Pod start through the CRI, side by side in one run: RunPodSandbox + CreateContainer +
// StartContainer (busybox `sleep`, on the CNI network) against hookd with 0 plugins, hookd with 4
// cri.preCreateContainer plugins (each sets an env var: a real call, merge and provenance entry
// per plugin), and Debian's containerd 1.6 (its built-in CRI plugin, runc, pause imported locally),
// all pulling the same stand-in image from one local registry. Rounds are interleaved so load on
// the shared machine hits every engine alike; figures are p50/p99 per step and total, and ratios
// to containerd measured in the same run.
//
// Usage (root; runc, conmon, catatonit, CNI plugins, containerd, docker-registry, skopeo, umoci, go):
//   node --import tsx bench/cri-pod-start.ts            HOOKD_BENCH_PODS=20 (rounds per engine)

import { join } from 'node:path';
import { execa } from 'execa';
import { DaemonProcess, REPO } from '../test/e2e/daemon-process.ts';
import { criClient, criSocketOf, type CriClient } from '../test/e2e/cri-client.ts';
import { scratchDir } from '../test/fixtures/rootfs.ts';
import { standInsMissingReason, startStandInRegistry } from '../test/cri/stand-in-registry.ts';
import { PrivateContainerd } from './cri-private-containerd.ts';
import { formatMs, formatRatio, summarize } from './stats.ts';

const PODS = Number(process.env.HOOKD_BENCH_PODS ?? 20);
const IMAGE = 'registry.k8s.io/e2e-test-images/busybox:1.29-2';
const STEPS = ['runp', 'create', 'start'] as const;
type Step = (typeof STEPS)[number];

interface Engine {
  name: string;
  client: CriClient;
}

async function podStart(client: CriClient, round: number): Promise<{ times: Record<Step, number>; podId: string }> {
  const sandboxConfig = {
    metadata: { name: `bench-${round}`, namespace: 'bench', uid: `bench-uid-${round}-${process.hrtime.bigint()}`, attempt: 0 },
    log_directory: `/tmp/hookd-bench-pod-logs/${round}`,
    linux: {},
  };
  const times = {} as Record<Step, number>;
  let at = process.hrtime.bigint();
  const lap = (step: Step): void => { const now = process.hrtime.bigint(); times[step] = Number(now - at); at = now; };
  const { pod_sandbox_id: podId } = await client.runtime.RunPodSandbox!({ config: sandboxConfig });
  lap('runp');
  const { container_id: containerId } = await client.runtime.CreateContainer!({
    pod_sandbox_id: podId,
    config: { metadata: { name: 'app' }, image: { image: IMAGE }, command: ['sleep', '3600'], log_path: 'app.log', linux: {} },
    sandbox_config: sandboxConfig,
  });
  lap('create');
  await client.runtime.StartContainer!({ container_id: containerId });
  lap('start');
  return { times, podId: podId as string };
}

async function removePod(client: CriClient, podId: string): Promise<void> {
  await client.runtime.StopPodSandbox!({ pod_sandbox_id: podId });
  await client.runtime.RemovePodSandbox!({ pod_sandbox_id: podId });
}

async function main(): Promise<void> {
  const reason = (await PrivateContainerd.missingReason()) ?? (await standInsMissingReason());
  if (reason) {
    console.log(`skipped: ${reason}`);
    return;
  }
  const { dir, remove } = await scratchDir('hookd-bench-cri-');
  const standIns = await startStandInRegistry();
  const containerd = new PrivateContainerd(join(dir, 'containerd'));
  const plugins = Object.fromEntries([1, 2, 3, 4].map((n) => [`${n}0-cri-env.json`, {
    name: `cri-env-${n}`, launch: { command: process.execPath, args: ['--import', 'tsx', join(REPO, 'bench/fixtures/cri-env-plugin.ts')], cwd: REPO },
    startTimeoutMs: 30_000, order: n * 10, config: { name: `BENCH_${n}`, value: 'yes' },
  }]));
  const config = { runtime: 'runc', logLevel: 'warn', registries: standIns.registriesConfig };
  const hookd0 = await DaemonProcess.start({ dir: join(dir, 'hookd0'), config });
  const hookd4 = await DaemonProcess.start({ dir: join(dir, 'hookd4'), config, manifests: plugins });
  try {
    await containerd.start(standIns.registriesConfig.mirrors);
    const engines: Engine[] = [
      { name: 'hookd, 0 plugins', client: criClient(criSocketOf(hookd0.dataRoot)) },
      { name: 'hookd, 4 plugins', client: criClient(criSocketOf(hookd4.dataRoot)) },
      { name: 'containerd', client: containerd.client },
    ];
    for (const engine of engines) await engine.client.image.PullImage!({ image: { image: IMAGE } });
    const containerdVersion = (await execa('containerd', ['--version'])).stdout.trim().split(' ').slice(2, 3).join('');
    console.log(`# ${new Date().toISOString()}; ${PODS} pod starts per engine, interleaved, after 2 warm-up starts each; runc; containerd ${containerdVersion}`);

    for (const engine of engines) for (let i = 0; i < 2; i++) await removePod(engine.client, (await podStart(engine.client, -1 - i)).podId);
    const samples = new Map(engines.map((engine) => [engine.name, { runp: [] as number[], create: [] as number[], start: [] as number[], total: [] as number[] }]));
    for (let round = 0; round < PODS; round++) {
      const order = round % 2 === 0 ? engines : [...engines].reverse();
      for (const engine of order) {
        const { times, podId } = await podStart(engine.client, round);
        const row = samples.get(engine.name)!;
        for (const step of STEPS) row[step].push(times[step]);
        row.total.push(STEPS.reduce((sum, step) => sum + times[step], 0));
        await removePod(engine.client, podId); // not measured
      }
    }

    const anchor = samples.get('containerd')!;
    console.log('\n## pod start: RunPodSandbox + CreateContainer + StartContainer (p50 / p99; ratio of p50s to containerd)');
    console.log(`| step | ${engines.map((engine) => engine.name).join(' | ')} | ${engines.slice(0, 2).map((engine) => `${engine.name} / containerd`).join(' | ')} |`);
    console.log(`|---|${engines.map(() => '---').join('|')}|---|---|`);
    for (const step of [...STEPS, 'total'] as const) {
      const figures = engines.map((engine) => summarize(samples.get(engine.name)![step]));
      const base = summarize(anchor[step]);
      console.log(`| ${step} | ${figures.map((f) => `${formatMs(f.p50Ms)} / ${formatMs(f.p99Ms)}`).join(' | ')} | ${figures.slice(0, 2).map((f) => formatRatio(f.p50Ms, base.p50Ms)).join(' | ')} |`);
    }
    for (const engine of engines) if (engine.name !== 'containerd') engine.client.close();
  } finally {
    await containerd.stop();
    await hookd0.stop();
    await hookd4.stop();
    await standIns.stop();
    await remove();
  }
}

await main();
