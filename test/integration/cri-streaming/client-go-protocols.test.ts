// The streaming server against client-go's own clients (the code crictl v1.37.0 and critest run):
// exec and attach over SPDY/3.1 and WebSocket v5, port forwarding over SPDY and over SPDY
// tunnelled in WebSocket, with commands that are real host processes (HostProcessBackend).

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { execa, type ResultPromise } from 'execa';
import { StreamingServer } from '../../../src/daemon/cri/streaming/streaming-server.ts';
import { streamClient } from '../../fixtures/go-stream-client.ts';
import { HostProcessBackend } from './host-process-backend.ts';

const client = await streamClient();
const skip = client.skip;
const backend = new HostProcessBackend();
let server: StreamingServer;

before(async () => { server = await StreamingServer.start({ address: '127.0.0.1:0', backend }); });
after(async () => { await server?.close(); });

function execUrl(cmd: string[], options: { tty?: boolean; stdin?: boolean; containerId?: string } = {}): string {
  return server.urlFor({ kind: 'exec', containerId: options.containerId ?? 'c1', cmd, tty: options.tty ?? false, stdin: options.stdin ?? false, stdout: true, stderr: true });
}

function run(args: string[], input?: string): ResultPromise<{ reject: false; input?: string }> {
  return execa(client.path!, args, { reject: false, input, timeout: 60_000 }) as ResultPromise<{ reject: false; input?: string }>;
}

for (const transport of ['spdy', 'websocket']) {
  describe(`exec over ${transport}`, { skip }, () => {
    test('splits stdout from stderr and reports success', async () => {
      const result = await run(['exec', '-transport', transport, execUrl(['sh', '-c', 'echo hello; echo oops >&2'])]);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout, 'hello');
      assert.equal(result.stderr, 'oops');
    });

    test('a non-zero exit reaches the client as its exit code (NonZeroExitCode status)', async () => {
      const result = await run(['exec', '-transport', transport, execUrl(['sh', '-c', 'echo out; exit 3'])]);
      assert.equal(result.exitCode, 3, result.stderr);
      assert.equal(result.stdout, 'out');
      assert.match(result.stderr, /exit code 3/);
    });

    test('stdin reaches the command and its end ends the command', async () => {
      const result = await run(['exec', '-transport', transport, '-stdin', execUrl(['sh', '-c', 'wc -c; cat'], { stdin: true })], 'twelve bytes');
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout.trim(), '12');
    });

    test('more output than one SPDY window (64 KiB) arrives whole', async () => {
      const result = await run(['exec', '-transport', transport, execUrl(['sh', '-c', 'head -c 1000000 /dev/zero | tr "\\0" x'])]);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout.length, 1_000_000);
    });

    test('a backend failure is an error the client shows, not an exit code', async () => {
      const result = await run(['exec', '-transport', transport, execUrl(['true'], { containerId: 'missing' })]);
      assert.equal(result.exitCode, 125);
      assert.match(result.stderr, /no such container missing/);
    });
  });
}

describe('a client that goes away', { skip }, () => {
  for (const transport of ['spdy', 'websocket']) {
    test(`over ${transport}: its command is killed`, async () => {
      const containerId = `leaver-${transport}`;
      const started = once(backend, 'started', { signal: AbortSignal.timeout(60_000) });
      const leaver = execa(client.path!, ['exec', '-transport', transport, execUrl(['sleep', '1000'], { containerId })], { reject: false });
      assert.deepEqual(await started, [containerId]);
      const killed = new Promise<void>((resolve) => backend.on('killed', (id) => { if (id === containerId) resolve(); }));
      leaver.kill('SIGKILL');
      await killed;
      await leaver;
      assert.ok(backend.killed.includes(containerId));
    });
  }
});

describe('exec with a tty', { skip }, () => {
  test('the resize channel delivers the client terminal size and stderr joins stdout', async () => {
    const before = backend.resizes.length;
    const result = await run(['exec', '-tty', '-stdin', execUrl(['sh', '-c', 'cat >/dev/null; echo out; echo err >&2'], { tty: true, stdin: true })], '');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n').sort(), ['err', 'out']);
    assert.deepEqual(backend.resizes.slice(before), [{ width: 77, height: 33 }]);
  });
});

describe('tokens', { skip }, () => {
  test('a URL serves one session: the second use is refused with 404', async () => {
    const url = execUrl(['true']);
    assert.equal((await run(['exec', url])).exitCode, 0);
    const second = await run(['exec', url]);
    assert.equal(second.exitCode, 125);
    assert.match(second.stderr, /unknown, used or expired streaming token/);
  });

  test('a token used on the wrong kind of path is refused', async () => {
    const url = execUrl(['true']).replace('/exec/', '/attach/');
    const result = await run(['attach', url]);
    assert.equal(result.exitCode, 125);
    assert.match(result.stderr, /streaming token/);
  });
});

describe('attach', { skip }, () => {
  for (const transport of ['spdy', 'websocket']) {
    test(`over ${transport}: stdin goes in, output comes back, the end of stdin detaches`, async () => {
      const url = server.urlFor({ kind: 'attach', containerId: 'c1', tty: false, stdin: true, stdout: true, stderr: true });
      const result = await run(['attach', '-transport', transport, '-stdin', url], 'echo hello\n');
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout, 'echo hello');
    });
  }
});

/** A TCP server on loopback that answers each connection with "pong:<what it read>" once the client half-closes. */
async function startPongServer(): Promise<Server> {
  const pong = createServer({ allowHalfOpen: true }, (socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => socket.end(`pong:${Buffer.concat(chunks).toString()}`));
  });
  pong.listen(0, '127.0.0.1');
  await once(pong, 'listening');
  return pong;
}

async function exchange(port: number, message: string): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  await once(socket, 'connect');
  socket.end(message);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('port forwarding', { skip }, () => {
  for (const transport of ['spdy', 'websocket']) {
    test(`over ${transport}: connections reach the port, with half-close both ways, one stream pair each`, async () => {
      const pong = await startPongServer();
      const remotePort = (pong.address() as AddressInfo).port;
      const url = server.urlFor({ kind: 'portforward', podSandboxId: 'p1', ports: [] });
      const forwarder = execa(client.path!, ['portforward', '-transport', transport, url, `:${remotePort}`], { reject: false, stdin: 'pipe', buffer: false });
      let log = '';
      const localPort = await new Promise<number>((resolve, reject) => {
        forwarder.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
          log += chunk;
          const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(log);
          if (match) resolve(Number(match[1]));
        });
        void forwarder.then((result) => reject(new Error(`the forwarder exited ${result.exitCode}: ${log}`)));
      });
      try {
        assert.equal(await exchange(localPort, 'ping one'), 'pong:ping one');
        assert.equal(await exchange(localPort, 'ping two'), 'pong:ping two');
      } finally {
        forwarder.stdin!.end();
        await forwarder;
        pong.close();
      }
      assert.doesNotMatch(log, /error/i);
    });
  }

  test('a port nobody listens on: the client is told why, and the session stays usable', async () => {
    const pong = await startPongServer();
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const url = server.urlFor({ kind: 'portforward', podSandboxId: 'p1', ports: [] });
    const forwarder = execa(client.path!, ['portforward', url, `:${closedPort}`], { reject: false, stdin: 'pipe', buffer: false });
    let log = '';
    const localPort = await new Promise<number>((resolve) => {
      forwarder.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        log += chunk;
        const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(log);
        if (match) resolve(Number(match[1]));
      });
    });
    assert.equal(await exchange(localPort, 'anyone?'), '');
    forwarder.stdin!.end();
    await forwarder;
    pong.close();
    assert.match(log, new RegExp(`error forwarding port ${closedPort} to pod p1: .*ECONNREFUSED`));
  });
});
