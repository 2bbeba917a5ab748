// What the streaming server needs from the daemon, so the protocol code (SPDY, WebSocket) never
// touches containers and its tests can drive it with a fake: run a command in a container, attach
// to a container's stdio, open a TCP connection to a port in a pod's network namespace.

import type { EventEmitter } from 'node:events';
import type { Duplex, Readable, Writable } from 'node:stream';

export interface TerminalSize {
  width: number;
  height: number;
}

/**
 * One session's channels. `stdin` ends when the client's stdin ends; `stderr` is absent with a
 * tty (the terminal merges it into stdout); `resizes` emits 'resize' for each size the client's
 * terminal reports (tty only). `signal` aborts when the client goes away: the backend stops
 * (kills an exec, detaches an attach) and resolves.
 */
export interface RemoteCommandIo {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  tty: boolean;
  resizes: EventEmitter<{ resize: [TerminalSize] }>;
  signal: AbortSignal;
}

export interface StreamingBackend {
  /** Runs `cmd` in the container; resolves with its exit code once it exited and its output was written. */
  exec(containerId: string, cmd: string[], io: RemoteCommandIo): Promise<number>;
  /** Streams the running container's output and feeds its stdin until it exits or the client goes. */
  attach(containerId: string, io: RemoteCommandIo): Promise<void>;
  /**
   * Connects to `port` on the pod's loopback inside its network namespace. Resolves with the
   * connection; throws (DomainError) when the pod or its netns is gone or nothing listens there.
   */
  dialPod(podSandboxId: string, port: number, signal: AbortSignal): Promise<Duplex>;
}
