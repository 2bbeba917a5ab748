// A private Debian dockerd for side-by-side figures: its own --data-root, --exec-root, socket,
// pidfile and containerd namespace, a bridge of its own (test/fixtures/private-dockerd.ts:
// --bridge=none would delete docker0) and no iptables, so it touches nothing of a shared dockerd; stop() ends only the process this module started (by its pid).

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { makePrivateDockerdBridge, type PrivateDockerdBridge } from '../../test/fixtures/private-dockerd.ts';
import { EngineClient } from './engine-client.ts';

export class PrivateDockerd {
  readonly dir: string;
  readonly socketPath: string;
  readonly client: EngineClient;
  #child: ChildProcess | undefined;
  #bridge: PrivateDockerdBridge | undefined;

  constructor(dir: string) {
    this.dir = dir;
    this.socketPath = join(dir, 'docker.sock');
    this.client = new EngineClient(this.socketPath);
  }

  static async missingReason(): Promise<string | undefined> {
    if (process.getuid?.() !== 0) return 'a private dockerd needs root';
    if ((await execa('dockerd', ['--version'], { reject: false })).exitCode !== 0) return 'dockerd is not on PATH (apt-get install docker.io)';
    return undefined;
  }

  /** Starts dockerd; resolves with the milliseconds until it answered /_ping. */
  async start(): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    const log = await open(join(this.dir, 'dockerd.log'), 'a');
    this.#bridge ??= await makePrivateDockerdBridge();
    const began = performance.now();
    this.#child = spawn('dockerd', [
      '--data-root', join(this.dir, 'data'), '--exec-root', join(this.dir, 'exec'), '-H', `unix://${this.socketPath}`,
      '--pidfile', join(this.dir, 'docker.pid'), ...this.#bridge.args,
      '--containerd-namespace', 'hookd-bench', '--containerd-plugins-namespace', 'hookd-bench-plugins',
    ], { stdio: ['ignore', log.fd, log.fd] });
    await log.close();
    await this.client.untilPing();
    return performance.now() - began;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await this.#bridge?.remove();
    this.#bridge = undefined;
  }

  /** Imports a rootfs tarball as an image (docker import through the CLI, as a user would). */
  async importImage(tarball: string, reference: string): Promise<void> {
    await execa('docker', ['-H', `unix://${this.socketPath}`, 'import', tarball, reference]);
  }
}
