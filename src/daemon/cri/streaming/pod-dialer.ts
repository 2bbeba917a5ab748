// PortForward's connection into the pod: a TCP connection to 127.0.0.1:<port> made from inside
// the pod's network namespace (the sandbox's netns file, NetworkSettings.SandboxKey).
//
// Why a helper process: a thread of Node cannot setns(2) (libuv's threads would follow it into
// the namespace, and Node has no setns at all), and the daemon must never itself live in a pod's
// namespace. So each forwarded connection runs `nsenter --net=<netns> python3 -c <relay>`: nsenter
// (util-linux, always there with runc) enters only the network namespace, so the relay is the
// host's python3 (or python3.11, as the attach stdin relay in runtime/monitor-attach.ts finds it) and sees
// the host's files; the relay connects, says "connected" on stderr, and copies stdin → socket and
// socket → stdout with half-close both ways (stdin's end shuts down the socket's write side; the
// socket's end closes stdout). Not socat: it is not installed by default, and nothing here needs
// more than these lines. The relay dies with its connection: the daemon kills it when the client
// resets the stream, an ended stdin plus a closed socket end it on their own, and it dies with
// the daemon (parent-death signal).

import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { DomainError } from '../../errors.ts';
import { findOnPath } from '../../runtime/executable-lookup.ts';

const RELAY = `
import os, socket, sys, threading
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
except OSError as e:
    sys.stderr.write("connect 127.0.0.1:%s: %s\\n" % (sys.argv[1], e.strerror or e)); sys.exit(1)
sys.stderr.write("connected\\n"); sys.stderr.flush()
def upstream():
    try:
        while True:
            chunk = os.read(0, 65536)
            if not chunk: break
            s.sendall(chunk)
        s.shutdown(socket.SHUT_WR)
    except OSError: pass
up = threading.Thread(target=upstream, daemon=True)
up.start()
try:
    while True:
        chunk = s.recv(65536)
        if not chunk: break
        view = memoryview(chunk)
        while view: view = view[os.write(1, view):]
except OSError: pass
os.close(1)
up.join()
`;

/** Connects to `port` on the pod's loopback; rejects with the relay's reason (connection refused...). */
export async function dialInNetns(netnsPath: string, port: number, signal: AbortSignal): Promise<Duplex> {
  // setpriv (util-linux, like nsenter) gives the relay SIGKILL as its parent-death signal, so a
  // daemon killed mid-forward leaves no relay behind (src/host/parent-death.ts says why setpriv).
  const searchPath = process.env.PATH ?? '';
  const python = findOnPath('python3', searchPath) ?? findOnPath('python3.11', searchPath);
  if (!python) throw new DomainError('system', 'port forwarding needs python3 on the daemon\'s PATH (the relay inside the pod\'s network namespace is a few lines of Python)');
  const relay = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'nsenter', `--net=${netnsPath}`, '--', python, '-c', RELAY, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const killRelay = (): void => { relay.kill('SIGKILL'); };
  signal.addEventListener('abort', killRelay, { once: true });
  relay.once('close', () => signal.removeEventListener('abort', killRelay));
  relay.stdin.on('error', () => undefined); // the relay exited (pod side closed): the socket's end already ended the stream
  const failure = await new Promise<string | undefined>((resolve) => {
    let text = '';
    relay.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('connected\n')) resolve(undefined);
    });
    relay.once('close', (code) => resolve(text.trim() || `the netns relay exited with ${code}`));
    relay.once('error', (error) => resolve(`cannot run setpriv/nsenter (util-linux) for the netns relay: ${error.message}`));
  });
  if (failure !== undefined) {
    killRelay();
    throw new DomainError('system', failure);
  }
  relay.stderr.resume();
  return Duplex.from({ readable: relay.stdout, writable: relay.stdin }).once('close', killRelay);
}
