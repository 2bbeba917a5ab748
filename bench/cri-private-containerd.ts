// A private Debian containerd (1.6, its built-in CRI plugin, runc) for bench/cri-pod-start.ts, set
// up as scripts/cri-containerd-critest.sh does: its own config, socket, root, state and CNI config
// under one dir, registry mirrors to the stand-in registry, oom_score_adj clamped (root here cannot
// set a negative one), the pause stand-in imported with `ctr -n k8s.io images import`. stop()
// removes its pods, ends the process this module started, the shims of its socket, and its mounts.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO } from '../test/e2e/daemon-process.ts';
import { criClient, type CriClient } from '../test/e2e/cri-client.ts';
import { freePort } from '../test/e2e/registry/local-registry.ts';
import { mountPoints, unmount } from '../src/daemon/images/snapshots/mount-table.ts';

export class PrivateContainerd {
  readonly dir: string;
  readonly socketPath: string;
  readonly bridge = `ctrdb${process.pid % 10000}`;
  #child: ChildProcess | undefined;
  #client: CriClient | undefined;

  constructor(dir: string) {
    this.dir = dir;
    this.socketPath = join(dir, 'containerd.sock');
  }

  static async missingReason(): Promise<string | undefined> {
    if (process.getuid?.() !== 0) return 'a private containerd needs root';
    for (const tool of ['containerd', 'containerd-shim-runc-v2', 'ctr', 'runc']) {
      if ((await execa('sh', ['-c', `command -v ${tool}`], { reject: false })).exitCode !== 0) return `${tool} is not on PATH (apt-get install containerd runc)`;
    }
    return undefined;
  }

  get client(): CriClient {
    if (!this.#client) throw new Error('containerd is not started');
    return this.#client;
  }

  async start(mirrors: Record<string, string>): Promise<void> {
    await mkdir(join(this.dir, 'cni'), { recursive: true });
    await writeFile(join(this.dir, 'cni', '10-bench.conflist'), JSON.stringify({
      cniVersion: '1.0.0', name: 'ctrdbench',
      plugins: [
        { type: 'bridge', bridge: this.bridge, isGateway: true, ipMasq: true, ipam: { type: 'host-local', ranges: [[{ subnet: '10.124.0.0/16' }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: join(this.dir, 'ipam') } },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    }));
    const cri = 'plugins."io.containerd.grpc.v1.cri"';
    const mirrorLines = Object.entries(mirrors).flatMap(([host, url]) => [`    [${cri}.registry.mirrors."${host}"]`, `      endpoint = ["${url}"]`]);
    await writeFile(join(this.dir, 'config.toml'), [
      'version = 2', `root = "${this.dir}/root"`, `state = "${this.dir}/state"`,
      '[grpc]', `  address = "${this.socketPath}"`, '[ttrpc]', `  address = "${this.socketPath}.ttrpc"`,
      '[plugins]', '  [plugins."io.containerd.internal.v1.opt"]', `    path = "${this.dir}/opt"`,
      `  [${cri}]`, '    sandbox_image = "registry.k8s.io/pause:3.9"', '    stream_server_address = "127.0.0.1"',
      `    stream_server_port = "${await freePort()}"`, '    restrict_oom_score_adj = true',
      `    [${cri}.containerd]`, '      default_runtime_name = "runc"', '      snapshotter = "overlayfs"',
      `      [${cri}.containerd.runtimes.runc]`, '        runtime_type = "io.containerd.runc.v2"',
      `    [${cri}.cni]`, '      bin_dir = "/usr/lib/cni"', `      conf_dir = "${this.dir}/cni"`,
      `    [${cri}.registry]`, ...mirrorLines, '',
    ].join('\n'));
    const log = await open(join(this.dir, 'containerd.log'), 'a');
    this.#child = spawn('containerd', ['--config', join(this.dir, 'config.toml')], { stdio: ['ignore', log.fd, log.fd] });
    await log.close();
    this.#client = criClient(this.socketPath);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#client.runtime.Version!({}, { deadlineMs: 2_000 });
        break;
      } catch (error) {
        if (this.#child.exitCode !== null || attempt > 100) throw new Error(`containerd did not serve CRI (see ${this.dir}/containerd.log)`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 200)); // polling a socket that does not exist yet: no event to wait on
      }
    }
    const layout = /^layout=(.*)$/m.exec((await execa('bash', [join(REPO, 'scripts/cri-images.sh'), 'build'])).stdout)![1]!;
    await execa('skopeo', ['copy', '--quiet', `oci:${layout}:pause`, `docker-archive:${this.dir}/pause.tar:registry.k8s.io/pause:3.9`]);
    await execa('ctr', ['-a', this.socketPath, '-n', 'k8s.io', 'images', 'import', join(this.dir, 'pause.tar')]);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child && child.exitCode === null && this.#client) {
      const { items } = await this.#client.runtime.ListPodSandbox!({});
      for (const pod of items as Array<{ id: string }>) {
        await this.#client.runtime.StopPodSandbox!({ pod_sandbox_id: pod.id });
        await this.#client.runtime.RemovePodSandbox!({ pod_sandbox_id: pod.id });
      }
      this.#client.close();
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    const shims = await execa('pgrep', ['-f', `containerd-shim-runc-v2 .*-address ${this.socketPath}`], { reject: false });
    for (const pid of shims.stdout.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    for (const point of [...await mountPoints()].filter((p) => p.startsWith(`${this.dir}/`)).sort((a, b) => b.length - a.length)) await unmount(point);
    await execa('ip', ['link', 'del', this.bridge], { reject: false });
  }
}
