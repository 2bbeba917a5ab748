// CRI Exec, Attach and PortForward on the real daemon (runc under conmon): the RPCs answer URLs on
// the streaming server, and client-go's own clients (the code crictl runs, test/fixtures/
// go-stream-client) drive real containers through them over SPDY and WebSocket. The pod is a real
// CRI sandbox; the containers are made through the Docker API (a CRI container is an ordinary
// hookd container with labels), the web server joining the pod's netns as CRI containers do.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { execa } from 'execa';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { streamClient } from '../fixtures/go-stream-client.ts';
import { criClient, criSocketOf, type CriClient } from './cri-client.ts';
import { runcMissingReason } from './daemon-per-runtime.ts';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir, REPO } from './daemon-process.ts';

const IMAGE = 'busybox:cri-streaming';
let work: { dir: string; remove: () => Promise<void> } | undefined;
let daemon: DaemonProcess | undefined;
let cri: CriClient | undefined;
let clientPath: string | undefined;
let skipReason: string | undefined;
/** crictl v1.37.0 (scripts/cri-tools.sh builds it once into a cache), or why it is missing. */
let crictl: { path?: string; skip?: string } = {};
let imageApiMissing: string | undefined;
const ids: Record<string, string> = {};

before(async () => {
  const client = await streamClient();
  skipReason = (await runcMissingReason()) ?? (await dockerCliMissingReason()) ?? client.skip
    ?? (await access('/usr/bin/catatonit').then(() => undefined, () => 'catatonit is not installed (apt-get install catatonit): pods need it'));
  if (skipReason) return;
  clientPath = client.path;
  work = await makeWorkDir();
  const tarball = await buildBusyboxRootfsTarball(work.dir);
  if (!tarball) {
    skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
    return;
  }
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc' } });
  const imported = await daemon.cli(['import', tarball, IMAGE]);
  assert.equal(imported.exitCode, 0, imported.stderr);
  const docker = daemon.docker();
  const run = async (name: string, options: Record<string, unknown>): Promise<void> => {
    const container = await docker.createContainer({ name, Image: IMAGE, ...options });
    await container.start();
    ids[name] = container.id;
  };
  await run('worker', { Cmd: ['sleep', '1000'] });
  // critest's attach container: a shell reading its stdin, StdinOnce, no tty.
  await run('shell', { Cmd: ['sh'], OpenStdin: true, StdinOnce: true, Tty: false });
  cri = criClient(criSocketOf(daemon.dataRoot));
  const tools = await execa('bash', [join(REPO, 'scripts/cri-tools.sh')], { reject: false });
  const crictlPath = /^crictl=(.+)$/m.exec(tools.stdout)?.[1];
  crictl = crictlPath ? { path: crictlPath } : { skip: `crictl could not be built (scripts/cri-tools.sh): ${tools.stderr.trim().split('\n').pop()}` };
  // crictl exec (not attach or port-forward) first checks the image API with ImageFsInfo.
  imageApiMissing = await cri.image.ImageFsInfo!({}).then(() => undefined, (error: grpc.ServiceError) =>
    (error.code === grpc.status.UNIMPLEMENTED ? `crictl exec checks the image API first, and this daemon does not serve ImageFsInfo yet (${error.details})` : undefined));
  // A real pod sandbox (catatonit infra, its own netns on the CNI network) and a web server in
  // its network namespace, joined the way CRI containers join it (NetworkMode container:<pod>).
  const pod = await cri.runtime.RunPodSandbox!({ config: { metadata: { name: 'web', namespace: 'e2e', uid: 'uid-web', attempt: 1 } } });
  ids.pod = pod.pod_sandbox_id as string;
  await run('web', {
    Cmd: ['sh', '-c', 'mkdir -p /www && echo pong > /www/index.html && exec busybox httpd -f -p 8080 -h /www'],
    HostConfig: { NetworkMode: `container:${ids.pod}` },
  });
});

after(async () => {
  // The pod's netns and CNI lease go with it; the daemon's stop leaves no pod behind.
  await daemon?.docker().getContainer('web').remove({ force: true }).catch(() => undefined);
  if (ids.pod) await cri?.runtime.RemovePodSandbox!({ pod_sandbox_id: ids.pod });
  cri?.close();
  await daemon?.stop();
  await work?.remove();
});

async function execUrl(containerId: string, cmd: string[], flags: Record<string, boolean>): Promise<string> {
  const response = await cri!.runtime.Exec!({ container_id: containerId, cmd, ...flags });
  assert.match(response.url as string, /^http:\/\/127\.0\.0\.1:\d+\/exec\/[\w-]+$/);
  return response.url as string;
}

describe('Exec', () => {
  for (const transport of ['spdy', 'websocket']) {
    test(`over ${transport}: stdout and stderr apart, the exit code back, stdin in`, async (t) => {
      if (skipReason) return t.skip(skipReason);
      const split = await execa(clientPath!, ['exec', '-transport', transport, await execUrl(ids.worker!, ['sh', '-c', 'echo out; echo err >&2; exit 7'], { stdout: true, stderr: true })], { reject: false });
      assert.equal(split.exitCode, 7, split.stderr);
      assert.equal(split.stdout, 'out');
      assert.match(split.stderr, /^err$/m);
      const withStdin = await execa(clientPath!, ['exec', '-transport', transport, '-stdin', await execUrl(ids.worker!, ['sh', '-c', 'read line; echo "got $line"'], { stdin: true, stdout: true, stderr: true })], { input: 'hello\n', reject: false });
      assert.equal(withStdin.exitCode, 0, withStdin.stderr);
      assert.equal(withStdin.stdout, 'got hello');
    });
  }

  test('with a tty: the client terminal size reaches the exec terminal', async (t) => {
    if (skipReason) return t.skip(skipReason);
    // The client sends 33 rows x 77 columns once; the command waits until its terminal has that size.
    const script = 'until [ "$(busybox stty size)" = "33 77" ]; do sleep 0.1; done; echo resized; busybox stty size';
    const url = await execUrl(ids.worker!, ['sh', '-c', script], { tty: true, stdin: true, stdout: true });
    const result = await execa(clientPath!, ['exec', '-tty', '-stdin', url], { input: '', reject: false, timeout: 60_000 });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /resized\r?\n33 77/);
  });

  test('bad requests name the field; an unknown container is NOT_FOUND before any URL is made', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const refused = async (request: Record<string, unknown>, code: grpc.status, pattern: RegExp): Promise<void> => {
      await assert.rejects(cri!.runtime.Exec!(request), (error: grpc.ServiceError) => {
        assert.equal(error.code, code, error.details);
        assert.match(error.details, pattern);
        return true;
      });
    };
    await refused({ container_id: ids.worker, cmd: [], stdout: true }, grpc.status.INVALID_ARGUMENT, /cmd is required/);
    await refused({ container_id: ids.worker, cmd: ['true'] }, grpc.status.INVALID_ARGUMENT, /ask for at least one stream/);
    await refused({ container_id: ids.worker, cmd: ['true'], tty: true, stdout: true, stderr: true }, grpc.status.INVALID_ARGUMENT, /stderr cannot be set with tty/);
    await refused({ container_id: 'no-such-container', cmd: ['true'], stdout: true }, grpc.status.NOT_FOUND, /container no-such-container not found/);
  });
});

describe('Attach', () => {
  test('to a running shell (critest\'s case): a command on stdin, its output back, stdin\'s end ends it', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const response = await cri!.runtime.Attach!({ container_id: ids.shell, stdin: true, stdout: true, stderr: true });
    const result = await execa(clientPath!, ['attach', '-stdin', response.url as string], { input: 'echo hello\n', reject: false, timeout: 60_000 });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'hello');
  });
});

describe('PortForward', () => {
  for (const transport of ['spdy', 'websocket']) {
    test(`over ${transport}: a connection reaches the port inside the pod's network namespace`, async (t) => {
      if (skipReason) return t.skip(skipReason);
      const response = await cri!.runtime.PortForward!({ pod_sandbox_id: ids.pod, port: [8080] });
      const forwarder = execa(clientPath!, ['portforward', '-transport', transport, response.url as string, ':8080'], { reject: false, stdin: 'pipe', buffer: false });
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
        const socket = connect({ host: '127.0.0.1', port: localPort });
        await once(socket, 'connect');
        socket.write('GET /index.html HTTP/1.0\r\n\r\n');
        const chunks: Buffer[] = [];
        for await (const chunk of socket) chunks.push(chunk as Buffer);
        const answer = Buffer.concat(chunks).toString();
        assert.match(answer, /^HTTP\/1\.[01] 200/);
        assert.match(answer, /\r\n\r\npong\n$/);
      } finally {
        forwarder.stdin!.end();
        await forwarder;
      }
    });
  }

  test('a port nobody listens on in the pod: the client is told why by the relay in the netns', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const response = await cri!.runtime.PortForward!({ pod_sandbox_id: ids.pod, port: [] });
    const forwarder = execa(clientPath!, ['portforward', response.url as string, ':9'], { reject: false, stdin: 'pipe', buffer: false });
    let log = '';
    const localPort = await new Promise<number>((resolve) => {
      forwarder.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        log += chunk;
        const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(log);
        if (match) resolve(Number(match[1]));
      });
    });
    const socket = connect({ host: '127.0.0.1', port: localPort });
    await once(socket, 'connect');
    for await (const _chunk of socket) assert.fail('nothing listens on port 9: no byte may come back');
    forwarder.stdin!.end();
    await forwarder;
    assert.match(log, new RegExp(`error forwarding port 9 to pod ${ids.pod}: connect 127\\.0\\.0\\.1:9: Connection refused`));
  });

  test('a container that is not a pod sandbox is NOT_FOUND, naming it', async (t) => {
    if (skipReason) return t.skip(skipReason);
    await assert.rejects(cri!.runtime.PortForward!({ pod_sandbox_id: ids.worker }), (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.NOT_FOUND);
      assert.match(error.details, new RegExp(`pod sandbox "${ids.worker}" not found`));
      return true;
    });
  });
});

/** crictl against this daemon's CRI socket; `script` gives it a terminal when `tty`. */
function runCrictl(args: string[], options: { input?: string; tty?: boolean } = {}): Promise<{ exitCode?: number; stdout: string; stderr: string }> {
  const argv = ['--runtime-endpoint', `unix://${criSocketOf(daemon!.dataRoot)}`, ...args];
  if (options.tty) {
    const line = [crictl.path!, ...argv].map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
    return execa('script', ['-q', '-e', '-c', line, '/dev/null'], { input: options.input ?? '', reject: false, timeout: 60_000 });
  }
  return execa(crictl.path!, argv, { input: options.input ?? '', reject: false, timeout: 60_000 });
}

describe('crictl v1.37.0 (SPDY, its default transport, and --transport websocket)', () => {
  const skip = (t: { skip: (reason?: string) => void }, needsImageApi = false): boolean => {
    const reason = skipReason ?? crictl.skip ?? (needsImageApi ? imageApiMissing : undefined);
    if (reason) t.skip(reason);
    return reason !== undefined;
  };

  test('crictl exec: output, and a non-zero exit reported as one', async (t) => {
    if (skip(t, true)) return;
    const ok = await runCrictl(['exec', ids.worker!, 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(ok.exitCode, 0, ok.stderr);
    assert.equal(ok.stdout, 'out');
    assert.match(ok.stderr, /^err$/m);
    const failed = await runCrictl(['exec', ids.worker!, 'sh', '-c', 'exit 3']);
    assert.notEqual(failed.exitCode, 0);
    assert.match(failed.stderr, /command terminated with exit code 3/);
  });

  test('crictl exec -i: stdin reaches the command', async (t) => {
    if (skip(t, true)) return;
    const result = await runCrictl(['exec', '-i', ids.worker!, 'sh', '-c', 'read a; read b; echo "$b $a"'], { input: 'one\ntwo\n' });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'two one');
  });

  test('crictl exec -it: the command runs on a terminal', async (t) => {
    if (skip(t, true)) return;
    const result = await runCrictl(['exec', '-it', ids.worker!, 'sh', '-c', '[ -t 0 ] && [ -t 1 ] && echo on-a-tty'], { tty: true });
    assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /on-a-tty/);
  });

  for (const transport of ['spdy', 'websocket']) {
    test(`crictl attach -i --transport ${transport}: a command typed into the attached shell runs`, async (t) => {
      if (skip(t)) return;
      const docker = daemon!.docker();
      const shell = await docker.createContainer({ name: `crictl-shell-${transport}`, Image: IMAGE, Cmd: ['sh'], OpenStdin: true, StdinOnce: true });
      await shell.start();
      const result = await runCrictl(['attach', '-i', '--transport', transport, shell.id], { input: 'echo attached\n' });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout, 'attached');
    });
  }

  test('crictl attach -it to a tty container: typed input runs in its shell, and ^D (script types it at the end of input) ends the shell and the attach', async (t) => {
    if (skip(t)) return;
    const docker = daemon!.docker();
    const shell = await docker.createContainer({ name: 'crictl-tty-shell', Image: IMAGE, Cmd: ['sh'], OpenStdin: true, Tty: true });
    await shell.start();
    const result = await runCrictl(['attach', '-it', shell.id], { tty: true, input: 'echo "tty-$((6*7))"\n' });
    assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /tty-42/);
    assert.equal((await shell.wait()).StatusCode, 0);
    await shell.remove({ force: true });
  });

  for (const transport of ['spdy', 'websocket']) {
    test(`crictl port-forward --transport ${transport}: an HTTP request reaches the server in the pod`, async (t) => {
      if (skip(t)) return;
      const argv = ['--runtime-endpoint', `unix://${criSocketOf(daemon!.dataRoot)}`, 'port-forward', '--transport', transport, ids.pod!, ':8080'];
      const forwarder = execa(crictl.path!, argv, { reject: false, buffer: false, stdin: 'ignore' });
      let log = '';
      const localPort = await new Promise<number>((resolve, reject) => {
        forwarder.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          log += chunk;
          const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(log);
          if (match) resolve(Number(match[1]));
        });
        void forwarder.then((result) => reject(new Error(`crictl port-forward exited ${result.exitCode}: ${log}`)));
      });
      try {
        const socket = connect({ host: '127.0.0.1', port: localPort });
        await once(socket, 'connect');
        socket.write('GET /index.html HTTP/1.0\r\n\r\n');
        const chunks: Buffer[] = [];
        for await (const chunk of socket) chunks.push(chunk as Buffer);
        assert.match(Buffer.concat(chunks).toString(), /\r\n\r\npong\n$/);
      } finally {
        forwarder.kill('SIGINT'); // crictl stops forwarding on an interrupt
        await forwarder;
      }
    });
  }
});
