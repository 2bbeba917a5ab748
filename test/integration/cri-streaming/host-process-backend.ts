// A StreamingBackend whose "containers" are host processes, for testing the streaming server's
// protocols with a real client and real processes but no container runtime: exec runs the
// command with sh on the host; attach echoes stdin to stdout; dialPod connects to a port on this
// host's loopback. It records what it saw (resizes, attaches) for the tests to assert on.

import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RemoteCommandIo, StreamingBackend, TerminalSize } from '../../../src/daemon/cri/streaming/backend.ts';

export class HostProcessBackend extends EventEmitter<{ started: [string]; killed: [string] }> implements StreamingBackend {
  readonly resizes: TerminalSize[] = [];
  readonly killed: string[] = [];

  async exec(containerId: string, cmd: string[], io: RemoteCommandIo): Promise<number> {
    if (containerId === 'missing') throw new Error(`no such container ${containerId}`);
    io.resizes.on('resize', (size) => this.resizes.push(size));
    const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    child.once('spawn', () => this.emit('started', containerId));
    const onAbort = (): void => {
      this.killed.push(containerId);
      child.kill('SIGKILL');
      this.emit('killed', containerId);
    };
    io.signal.addEventListener('abort', onAbort, { once: true });
    if (io.stdin) io.stdin.pipe(child.stdin); else child.stdin.end();
    child.stdin.on('error', () => undefined); // the command may exit before reading stdin
    if (io.stdout) child.stdout.pipe(io.stdout, { end: false }); else child.stdout.resume();
    if (io.stderr) child.stderr.pipe(io.stderr, { end: false });
    else if (io.tty && io.stdout) child.stderr.pipe(io.stdout, { end: false });
    else child.stderr.resume();
    const code = await new Promise<number>((resolve) => child.once('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 137 : 1))));
    io.signal.removeEventListener('abort', onAbort);
    return code;
  }

  async attach(_containerId: string, io: RemoteCommandIo): Promise<void> {
    if (!io.stdin) return;
    for await (const chunk of io.stdin) io.stdout?.write(chunk);
  }

  async dialPod(_podSandboxId: string, port: number): Promise<Duplex> {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }
}
