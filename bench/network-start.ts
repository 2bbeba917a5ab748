// Container start time with networking (the default bridge: netns + CNI bridge/host-local/portmap/
// firewall/tuning/bandwidth + /etc files) against --network none, on hookd (runc) and, in the same
// run, on Debian's dockerd (a private instance with its own data root, exec root, socket, pidfile
// and bridge; iptables off so it never touches the machine's shared Docker chains; stopped by its
// own pid at the end). Timed: POST /containers/{id}/start alone; create and removal are not.
// Modes are interleaved round by round so load from other users of the machine hits all four.
//   node --import tsx bench/network-start.ts [iterations]    (root, runc, dockerd, CNI plugins)

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import Docker from 'dockerode';
import { DaemonProcess } from '../test/e2e/daemon-process.ts';
import { buildBusyboxRootfsTarball } from '../test/fixtures/rootfs.ts';
import { formatMs, summarize } from './stats.ts';

const ITERATIONS = Number(process.argv[2] ?? 15);
const IMAGE = 'busybox:bench';
const tag = Math.floor(Math.random() * 36 ** 4).toString(36);
const octet = 150 + Math.floor(Math.random() * 50);

type Mode = 'hookd bridge' | 'hookd none' | 'dockerd bridge' | 'dockerd none';

async function timeStart(docker: Docker, network: 'bridge' | 'none'): Promise<number> {
  const container = await docker.createContainer({ Image: IMAGE, Cmd: ['sleep', '600'], HostConfig: { NetworkMode: network } });
  const start = process.hrtime.bigint();
  await container.start();
  const elapsed = Number(process.hrtime.bigint() - start);
  await container.remove({ force: true });
  return elapsed;
}

/** A private dockerd on its own bridge (made here, deleted at the end); resolves with a client and a stop function. */
async function startPrivateDockerd(dir: string, tarball: string): Promise<{ docker: Docker; stop: () => Promise<void> }> {
  const bridge = `hkbd${tag}`;
  await execa('ip', ['link', 'add', bridge, 'type', 'bridge']);
  await execa('ip', ['addr', 'add', `10.${octet}.250.1/24`, 'dev', bridge]);
  await execa('ip', ['link', 'set', bridge, 'up']);
  const socket = join(dir, 'docker.sock');
  const pidfile = join(dir, 'docker.pid');
  const child = spawn('dockerd', [
    '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '-H', `unix://${socket}`, '--pidfile', pidfile,
    '--bridge', bridge, '--iptables=false', '--ip-masq=false', '--userland-proxy=false',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  const docker = new Docker({ socketPath: socket });
  const stop = async (): Promise<void> => {
    const pid = Number((await readFile(pidfile, 'utf8').catch(() => String(child.pid))).trim());
    if (child.exitCode === null) {
      process.kill(pid, 'SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await execa('ip', ['link', 'del', bridge], { reject: false });
  };
  for (let attempt = 0; ; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`private dockerd exited: ${log.slice(-2000)}`);
    if (await docker.ping().then(() => true, () => false)) break;
    if (attempt > 300) { await stop(); throw new Error(`private dockerd did not answer: ${log.slice(-2000)}`); }
    await new Promise((resolve) => setTimeout(resolve, 100)); // dockerd says nothing when it is ready but answering _ping
  }
  await execa('docker', ['-H', `unix://${socket}`, 'import', '--change', 'CMD ["/bin/sh"]', tarball, IMAGE]);
  return { docker, stop };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hookd-bench-net-'));
  const tarball = await buildBusyboxRootfsTarball(dir);
  if (!tarball) throw new Error('busybox-static is not installed');
  const hookd = await DaemonProcess.start({ dir: join(dir, 'hookd'), config: { runtime: 'runc', logLevel: 'warn', network: { bridgeName: `hkbh${tag}`, subnet: `10.${octet}.1.0/24` } } });
  const imported = await hookd.cli(['import', '--change', 'CMD ["/bin/sh"]', tarball, IMAGE]);
  if (imported.exitCode !== 0) throw new Error(imported.stderr);
  const dockerd = await startPrivateDockerd(join(dir, 'dockerd'), tarball);
  const clients: Record<Mode, [Docker, 'bridge' | 'none']> = {
    'hookd bridge': [hookd.docker(), 'bridge'], 'hookd none': [hookd.docker(), 'none'],
    'dockerd bridge': [dockerd.docker, 'bridge'], 'dockerd none': [dockerd.docker, 'none'],
  };
  const samples = Object.fromEntries(Object.keys(clients).map((mode) => [mode, [] as number[]])) as Record<Mode, number[]>;
  try {
    for (const [docker, network] of Object.values(clients)) await timeStart(docker, network); // warm-up
    for (let round = 0; round < ITERATIONS; round += 1) {
      for (const [mode, [docker, network]] of Object.entries(clients) as Array<[Mode, [Docker, 'bridge' | 'none']]>) samples[mode].push(await timeStart(docker, network));
    }
  } finally {
    await dockerd.stop();
    await hookd.stop();
    await execa('ip', ['link', 'del', `hkbh${tag}`], { reject: false });
    await rm(dir, { recursive: true, force: true });
  }
  const stats = Object.fromEntries(Object.entries(samples).map(([mode, list]) => [mode, summarize(list)])) as Record<Mode, ReturnType<typeof summarize>>;
  console.log(`container start (POST /start), ${ITERATIONS} per mode, interleaved; ${new Date().toISOString()}`);
  console.log('| mode | p50 | p99 | mean |\n|---|---|---|---|');
  for (const [mode, s] of Object.entries(stats)) console.log(`| ${mode} | ${formatMs(s.p50Ms)} | ${formatMs(s.p99Ms)} | ${formatMs(s.meanMs)} |`);
  const ratio = (a: Mode, b: Mode): string => (stats[a].p50Ms / stats[b].p50Ms).toFixed(2);
  console.log(`\nnetworking cost (p50 bridge / none): hookd ${ratio('hookd bridge', 'hookd none')}x, dockerd ${ratio('dockerd bridge', 'dockerd none')}x`);
  console.log(`hookd / dockerd (p50): bridge ${ratio('hookd bridge', 'dockerd bridge')}x, none ${ratio('hookd none', 'dockerd none')}x`);
}

await main();
