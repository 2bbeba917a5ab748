// Image benchmarks, one run, printed as ratios against baselines measured in the same run:
//  1. pull time of a ~100 MB, 5-layer image from a local docker-registry (127.0.0.1): hookd vs a
//     private Debian dockerd (own data root, exec root, socket and pidfile; a bridge of its own,
//     --iptables=false; stopped at the end, nothing else touched); median of interleaved rounds.
//  2. container create time for a ~5 MB image vs a ~500 MB one with hookd's snapshotter
//     (overlayfs: the same within 10% is the goal; copy grows with the image).
// Usage: node --import tsx bench/image-pull.ts

import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { DaemonProcess, makeWorkDir } from '../test/e2e/daemon-process.ts';
import { startPrivateDockerd } from '../test/fixtures/private-dockerd.ts';
import { startRegistry } from '../test/e2e/registry/local-registry.ts';
import { pushLayout, writeBusyboxRootfs, writeOciLayout } from '../test/e2e/registry/oci-layout.ts';
import { hostPlatform } from '../src/daemon/registry/manifest.ts';

const HOST_ARCH = hostPlatform().architecture;
const MB = 1024 * 1024;
/** Pull rounds (HOOKD_BENCH_PULL_SAMPLES, default 5): each pulls once with hookd and once with dockerd. */
const SAMPLES = Number(process.env.HOOKD_BENCH_PULL_SAMPLES ?? 5);

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function randomDir(dir: string, bytes: number, files = 4): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < files; i++) await writeFile(join(dir, `blob-${i}.bin`), randomBytes(Math.floor(bytes / files)));
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const work = await makeWorkDir();
const registry = await startRegistry();
let dockerd: Awaited<ReturnType<typeof startPrivateDockerd>> | undefined;
let daemon: DaemonProcess | undefined;
try {
  // ~100 MB in 5 layers of random (incompressible) data, over busybox.
  await writeBusyboxRootfs(join(work.dir, 'busybox'));
  const layers = [join(work.dir, 'busybox')];
  for (let i = 0; i < 4; i++) {
    await randomDir(join(work.dir, `data-${i}`, `data-${i}`), 25 * MB);
    layers.push(join(work.dir, `data-${i}`));
  }
  await writeOciLayout(join(work.dir, 'big'), 'v1', [{ architecture: HOST_ARCH, layerDirs: layers }]);
  const image = `${registry.host}/bench:v1`;
  await pushLayout(join(work.dir, 'big'), 'v1', image, ['--format', 'v2s2']);

  // Pull: SAMPLES rounds, each a pull by a fresh hookd (new data root, so nothing is present) and
  // one by dockerd after `docker rmi` of the image (which deletes its layers); the order alternates
  // per round so that drift and cache warmth hit both alike. Medians are compared.
  dockerd = await startPrivateDockerd(join(work.dir, 'dockerd'), ['--insecure-registry', registry.host]);
  const pullSamples: { hookd: number[]; dockerd: number[] } = { hookd: [], dockerd: [] };
  const pullWithHookd = async (round: number): Promise<void> => {
    const fresh = await DaemonProcess.start({ dir: join(work.dir, `hookd-pull-${round}`) });
    try {
      pullSamples.hookd.push(await timed(async () => {
        const pulled = await fresh.cli(['pull', image], { timeoutMs: 600_000 });
        if (pulled.exitCode !== 0) throw new Error(`hookd pull failed: ${pulled.stderr}`);
      }));
    } finally {
      await fresh.stop();
    }
  };
  const pullWithDockerd = async (): Promise<void> => {
    pullSamples.dockerd.push(await timed(async () => {
      const pulled = await execa('docker', ['-H', `unix://${dockerd!.socket}`, 'pull', image], { reject: false });
      if (pulled.exitCode !== 0) throw new Error(`dockerd pull failed: ${pulled.stderr}`);
    }));
    await execa('docker', ['-H', `unix://${dockerd!.socket}`, 'rmi', image]);
  };
  for (let round = 0; round < SAMPLES; round++) {
    if (round % 2 === 0) {
      await pullWithHookd(round);
      await pullWithDockerd();
    } else {
      await pullWithDockerd();
      await pullWithHookd(round);
    }
  }
  const hookdMs = median(pullSamples.hookd);
  const dockerdMs = median(pullSamples.dockerd);

  // The create row (HOOKD_BENCH_PULL_ONLY=1 skips it while iterating on pulls).
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'hookd') });
  let createTimes: Record<string, number> | undefined;
  if (process.env.HOOKD_BENCH_PULL_ONLY !== '1') {
    // Create time: ~5 MB (busybox) vs ~500 MB (busybox + 500 MB of data) images, imported.
    const small = join(work.dir, 'small.tar');
    await execa('tar', ['-C', join(work.dir, 'busybox'), '-cf', small, '.']);
    await randomDir(join(work.dir, 'large-root', 'data'), 500 * MB, 10);
    await execa('sh', ['-c', `cp -a ${work.dir}/busybox/. ${work.dir}/large-root/ && tar -C ${work.dir}/large-root -cf ${work.dir}/large.tar .`]);
    for (const [tarball, name] of [[small, 'small:1'], [join(work.dir, 'large.tar'), 'large:1']] as const) {
      const imported = await daemon.cli(['import', tarball, name], { timeoutMs: 600_000 });
      if (imported.exitCode !== 0) throw new Error(`import ${name}: ${imported.stderr}`);
    }
    // One untimed create of each first (warm-up), then samples interleaved so drift hits both.
    const docker = daemon.docker();
    for (const name of ['small:1', 'large:1']) await docker.createContainer({ Image: name, Cmd: ['true'] });
    const samples: Record<string, number[]> = { 'small:1': [], 'large:1': [] };
    for (let i = 0; i < 9; i++) {
      for (const name of ['small:1', 'large:1']) samples[name]!.push(await timed(() => docker.createContainer({ Image: name, Cmd: ['true'] })));
    }
    createTimes = { 'small:1': median(samples['small:1']!), 'large:1': median(samples['large:1']!) };
  }
  const snapshotter = daemon.logs.find((line) => line.msg === 'container rootfs snapshotter')?.snapshotter;
  console.log(`# image benchmarks, ${new Date().toISOString()}, ${process.arch}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, snapshotter ${String(snapshotter)}`);
  console.log(`pull ~100 MB / 5 layers (median of ${SAMPLES})   hookd ${hookdMs.toFixed(0)} ms   dockerd ${dockerdMs.toFixed(0)} ms   ratio hookd/dockerd ${(hookdMs / dockerdMs).toFixed(2)}`);
  console.log(`  samples: hookd ${pullSamples.hookd.map((ms) => ms.toFixed(0)).join(' ')}   dockerd ${pullSamples.dockerd.map((ms) => ms.toFixed(0)).join(' ')}`);
  if (createTimes) console.log(`create (median of 9)      5 MB image ${createTimes['small:1']!.toFixed(1)} ms   500 MB image ${createTimes['large:1']!.toFixed(1)} ms   ratio 500MB/5MB ${(createTimes['large:1']! / createTimes['small:1']!).toFixed(2)}`);
} finally {
  if (daemon) {
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true });
    await daemon.stop();
  }
  await dockerd?.stop();
  await registry.stop();
  await work.remove();
}
