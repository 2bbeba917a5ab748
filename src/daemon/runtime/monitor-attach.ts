// The daemon's side of conmon's attach socket and control fifo.
//
// Attach socket: <socketDir>/<cuuid>/attach (a symlink to the bundle dir keeps the path short), a
// SOCK_SEQPACKET unix socket. Each packet a client sends is written to the container's stdin;
// shutting down the write side ends this client's stdin: conmon then closes the container's stdin
// unless it runs with --leave-stdin-open (Docker's StdinOnce=false). conmon also sends each client
// the container's output, one packet per read, the first byte naming the pipe (2 stdout, 3
// stderr); hookd's attach streams output from the log instead (docs/daemon.md says why), so those
// packets are read and dropped. Node's net module has no SOCK_SEQPACKET (and the npm addon that
// has one does not install on every platform), so a few lines of Python's standard library
// relay the attach's stdin to the socket, one process per attached stdin.
//
// Control fifo: bundle/ctl takes lines "<type> <height> <width>\n"; type 1 resizes the container's
// pty (conmon sets the size on the pty master; the kernel sends SIGWINCH to its foreground group);
// type 2 has conmon close and reopen the container's log file (after the kubelet rotated it).

import { spawn } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { conmonUuid } from './conmon-launch.ts';
import { findOnPath } from './executable-lookup.ts';
import { monitorPaths } from './monitor-files.ts';

const WIN_RESIZE_EVENT = 1;
const REOPEN_LOGS_EVENT = 2;

/**
 * argv: socket path, "eof" or "". Prints "connected" once connected; copies stdin to the socket in
 * packets conmon reads whole (16 KiB; it drops the rest of a packet past 32 KiB); at stdin's end
 * types ^D first when asked (a terminal's end-of-file), then shuts down its write side.
 */
const RELAY = `
import os, socket, sys, threading
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
try:
    s.connect(sys.argv[1])
except OSError as e:
    sys.stderr.write(str(e)); sys.exit(1)
sys.stdout.write("connected\\n"); sys.stdout.flush()
def drain():
    try:
        while s.recv(65536): pass
    except OSError: pass
threading.Thread(target=drain, daemon=True).start()
try:
    while True:
        chunk = os.read(0, 16384)
        if not chunk: break
        s.send(chunk)
    if sys.argv[2] == "eof": s.send(b"\\x04")
    s.shutdown(socket.SHUT_WR)
except OSError: pass
`;

export function attachSocketPath(socketDir: string, id: string): string {
  return join(socketDir, conmonUuid(id), 'attach');
}

/**
 * A writer to the container's stdin through its attach socket. Ending the writer ends this
 * client's stdin (see above); undefined when conmon has no attach socket (it exited) or no Python
 * is installed. A Tty container's stdin is its terminal, which conmon never closes: for StdinOnce,
 * `endWithEof` types ^D on the way out, so the program reads end-of-file as from a user (Docker's
 * behaviour).
 */
export async function openAttachStdin(socketDir: string, id: string, options: { endWithEof: boolean }): Promise<NodeJS.WritableStream | undefined> {
  const python = findOnPath('python3', process.env.PATH ?? '') ?? findOnPath('python3.11', process.env.PATH ?? '');
  if (!python) return undefined;
  const relay = spawn(python, ['-c', RELAY, attachSocketPath(socketDir, id), options.endWithEof ? 'eof' : ''], { stdio: ['pipe', 'pipe', 'ignore'] });
  const connected = await new Promise<boolean>((resolve) => {
    let text = '';
    relay.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('connected')) resolve(true);
    });
    relay.once('close', () => resolve(false));
    relay.once('error', () => resolve(false));
  });
  if (!connected) {
    relay.kill();
    return undefined;
  }
  relay.stdout.resume();
  relay.stdin.on('error', () => undefined); // the relay went (conmon exited): the container's exit ends the attach
  return relay.stdin;
}

/** Writes a resize to conmon's ctl fifo (callers send it for Tty containers only); false when no conmon reads it. */
export function resizeThroughMonitor(stateDir: string, size: { rows: number; cols: number }): boolean {
  return writeControl(stateDir, `${WIN_RESIZE_EVENT} ${size.rows} ${size.cols}\n`);
}

/** conmon's ctl event 2: close and reopen the log file (the kubelet renamed it to rotate it). */
export function reopenLogThroughMonitor(stateDir: string): boolean {
  return writeControl(stateDir, `${REOPEN_LOGS_EVENT} 0 0\n`);
}

function writeControl(stateDir: string, line: string): boolean {
  let fd: number;
  try {
    fd = openSync(monitorPaths(stateDir).ctl, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return false; // ENOENT (state removed) or ENXIO (conmon exited: nobody reads the fifo)
  }
  try {
    writeSync(fd, line);
    return true;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}
