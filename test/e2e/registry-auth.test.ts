// Pulls from registries that want credentials: htpasswd Basic auth and distribution's token auth
// (a token server written here, signing with an openssl-made certificate the registry trusts).
// Credentials come from `docker login` (the CLI then sends X-Registry-Auth), from dockerode's
// authconfig, and from the daemon's registries.authFile (the path CRI pulls will use).

import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from './daemon-process.ts';
import { registryMissingReason, startRegistry, type LocalRegistry } from './registry/local-registry.ts';
import { pushLayout, writeBusyboxRootfs, writeOciLayout } from './registry/oci-layout.ts';
import { startTokenServer, type TokenServer } from './registry/token-server.ts';
import { hostPlatform } from '../../src/daemon/registry/manifest.ts';

const USER = 'alice';
const PASSWORD = 'correct horse';
const HOST_ARCH = hostPlatform().architecture;

let work: { dir: string; remove: () => Promise<void> };
let basic: LocalRegistry | undefined;
let tokened: LocalRegistry | undefined;
let tokens: TokenServer | undefined;
let daemon: DaemonProcess | undefined;
let authFile: string;
let skipReason: string | undefined;

before(async () => {
  skipReason = (await registryMissingReason()) ?? (await dockerCliMissingReason());
  if (skipReason) return;
  work = await makeWorkDir();
  await writeBusyboxRootfs(join(work.dir, 'busybox'));
  await writeOciLayout(join(work.dir, 'layout'), 'v1', [{ architecture: HOST_ARCH, layerDirs: [join(work.dir, 'busybox')] }]);
  basic = await startRegistry({ kind: 'basic', username: USER, password: PASSWORD });
  tokens = await startTokenServer(work.dir, USER, PASSWORD);
  tokened = await startRegistry({ kind: 'token', realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, certFile: tokens.certFile });
  for (const registry of [basic, tokened]) await pushLayout(join(work.dir, 'layout'), 'v1', `${registry.host}/private:v1`, ['--dest-creds', `${USER}:${PASSWORD}`]);
  authFile = join(work.dir, 'registry-auth.json');
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'daemon'), config: { registries: { authFile } } });
});

after(async () => {
  await daemon?.stop();
  await basic?.stop();
  await tokened?.stop();
  await tokens?.stop();
  await work?.remove();
});

/** The docker CLI with its own config dir, so `docker login` stores credentials there only. */
function dockerWithConfig(configDir: string, args: string[], input?: string): Promise<{ exitCode?: number; stdout: string; stderr: string }> {
  return execa('docker', ['-H', `unix://${daemon!.socketPath}`, ...args], { reject: false, env: { DOCKER_CONFIG: configDir }, ...(input !== undefined ? { input } : {}) })
    .then((r) => ({ exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) }));
}

test('Basic auth: a pull without login is refused; docker login then docker pull works', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const config = join(work.dir, 'cli-basic');
  await mkdir(config);
  const image = `${basic!.host}/private:v1`;
  // Asked over HTTP: on a 401 the CLI would prompt for credentials on the terminal.
  const refused = await daemon!.http('POST', `/images/create?fromImage=${encodeURIComponent(`${basic!.host}/private`)}&tag=v1`);
  assert.equal(refused.status, 401);
  assert.match(refused.body, /needs a user name and password.*docker login/);
  const wrong = await dockerWithConfig(config, ['login', basic!.host, '-u', USER, '--password-stdin'], 'wrong');
  assert.notEqual(wrong.exitCode, 0);
  const login = await dockerWithConfig(config, ['login', basic!.host, '-u', USER, '--password-stdin'], PASSWORD);
  assert.equal(login.exitCode, 0, login.stderr);
  assert.match(login.stdout, /Login Succeeded/);
  const pulled = await dockerWithConfig(config, ['pull', image]);
  assert.equal(pulled.exitCode, 0, pulled.stderr);
  assert.match(pulled.stdout, /Downloaded newer image/);
});

test('token auth: dockerode pulls with authconfig through the token server; anonymous is refused', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const docker = daemon!.docker();
  const image = `${tokened!.host}/private:v1`;
  const anonymous = await daemon!.http('POST', `/images/create?fromImage=${encodeURIComponent(`${tokened!.host}/private`)}&tag=v1`);
  assert.equal(anonymous.status, 401, anonymous.body);
  const before = tokens!.requests.length;
  const stream = await docker.pull(image, { authconfig: { username: USER, password: PASSWORD, serveraddress: tokened!.host } });
  const output = await new Promise<Array<{ status?: string; error?: string }>>((resolve, reject) => {
    docker.modem.followProgress(stream, (error, out) => (error ? reject(error) : resolve(out ?? [])));
  });
  assert.ok(!output.some((line) => line.error), JSON.stringify(output));
  assert.ok(tokens!.requests.slice(before).some((request) => request.user === USER && request.scope === 'repository:private:pull'), JSON.stringify(tokens!.requests));
  assert.ok((await docker.getImage(image).inspect()).RepoTags.includes(image));
});

test('registries.authFile gives credentials to pulls that bring none (the CRI path)', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const image = `${basic!.host}/private:v1`;
  await daemon!.cli(['rmi', image]);
  await writeFile(authFile, JSON.stringify({ auths: { [basic!.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }));
  const pulled = await daemon!.http('POST', `/images/create?fromImage=${encodeURIComponent(`${basic!.host}/private`)}&tag=v1`);
  assert.equal(pulled.status, 200, pulled.body);
  assert.doesNotMatch(pulled.body, /errorDetail/);
  assert.match(pulled.body, /Status: /);
});
