// Debian's docker-registry (the CNCF distribution registry) on 127.0.0.1 at a free port, storing
// in a temp dir, optionally behind htpasswd Basic auth or a token server (token-server.ts). Each
// instance is a child process of the test, stopped (and its dir removed) by stop().

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface LocalRegistry {
  host: string;
  /** Requests the registry logged so far ("GET /v2/app/blobs/sha256:..."), in order. */
  requests(): string[];
  stop(): Promise<void>;
}

export type RegistryAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'token'; realm: string; service: string; issuer: string; certFile: string };

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** Why the registry tests cannot run here, or undefined. */
export async function registryMissingReason(): Promise<string | undefined> {
  for (const tool of ['docker-registry', 'skopeo']) {
    if ((await execa('sh', ['-c', `command -v ${tool}`], { reject: false })).exitCode !== 0) return `${tool} is not installed (apt-get install ${tool === 'docker-registry' ? 'docker-registry' : 'skopeo'})`;
  }
  return undefined;
}

async function bcrypt(password: string): Promise<string> {
  const script = 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))';
  return (await execa('python3', ['-W', 'ignore', '-c', script, password])).stdout.trim();
}

export async function startRegistry(auth: RegistryAuth = { kind: 'none' }): Promise<LocalRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'hookd-registry-'));
  const port = await freePort();
  const lines = ['version: 0.1', 'log:', '  level: info', 'storage:', '  filesystem:', `    rootdirectory: ${dir}/data`, '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${port}`];
  if (auth.kind === 'basic') {
    await writeFile(join(dir, 'htpasswd'), `${auth.username}:${await bcrypt(auth.password)}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: hookd-test', `    path: ${dir}/htpasswd`);
  } else if (auth.kind === 'token') {
    lines.push('auth:', '  token:', `    realm: ${auth.realm}`, `    service: ${auth.service}`, `    issuer: ${auth.issuer}`, `    rootcertbundle: ${auth.certFile}`);
  }
  await writeFile(join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const host = `127.0.0.1:${port}`;
  // Ready when it logs "listening on <addr>" (at info level); a process that exits first failed.
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(`listening on ${host}`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`docker-registry exited (${code}) before listening on ${host}: ${stderr}`)));
  });
  const exited = once(child, 'exit');
  await ready;
  return {
    host,
    requests() {
      const seen: string[] = [];
      for (const line of stderr.split('\n')) {
        if (!line.includes('response completed')) continue;
        const method = /http\.request\.method="?(\w+)/.exec(line)?.[1];
        const uri = /http\.request\.uri="([^"]+)"/.exec(line)?.[1];
        if (method && uri) seen.push(`${method} ${uri}`);
      }
      return seen;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
