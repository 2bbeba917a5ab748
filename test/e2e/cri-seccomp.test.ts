// Seccomp against the real daemon, runc and the kernel: a CRI container with RuntimeDefault runs
// under hookd's default profile (Seccomp: 2 in /proc/self/status, and `unshare -U`, which the
// profile denies, fails with EPERM while it works unconfined); a Localhost profile (critest's:
// chmod denied) blocks chmod; Unconfined and no setting at all run with no filter (Seccomp: 0); a
// privileged container ignores its profile. Through the Docker API: no option means the default
// profile (as Docker), seccomp=unconfined none, and seccomp=<JSON> the profile sent.

import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from './daemon-process.ts';
import { criClient, criSocketOf, podToolsMissingReason, type CriClient } from './cri-client.ts';

const IMAGE = 'busybox:seccomp';
const CHMOD_PROFILE = '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod","fchmodat","fchmodat2"],"action":"SCMP_ACT_ERRNO"}]}';

let work: { dir: string; remove: () => Promise<void> } | undefined;
let daemon: DaemonProcess | undefined;
let client: CriClient | undefined;
let skipReason: string | undefined;
let logDir = '';
let podId = '';

async function missingTool(): Promise<string | undefined> {
  return (await podToolsMissingReason()) ?? (await dockerCliMissingReason());
}

before(async () => {
  skipReason = await missingTool();
  work = await makeWorkDir();
  const tarball = skipReason ? undefined : await buildBusyboxRootfsTarball(work.dir);
  if (!skipReason && tarball === undefined) skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
  if (skipReason) {
    console.log(`# skipping seccomp: ${skipReason}`);
    return;
  }
  logDir = join(work.dir, 'pod-logs');
  await mkdir(logDir);
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc' } });
  client = criClient(criSocketOf(daemon.dataRoot));
  const imported = await daemon.cli(['import', tarball!, IMAGE]);
  assert.equal(imported.exitCode, 0, imported.stderr);
  const pod = await client.runtime.RunPodSandbox!({
    config: {
      metadata: { name: 'seccomp', namespace: 'e2e', uid: 'uid-seccomp', attempt: 0 }, hostname: 'seccomp', log_directory: logDir,
      linux: { security_context: { privileged: true, namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    },
  });
  podId = pod.pod_sandbox_id!;
});

after(async () => {
  client?.close();
  if (daemon && daemon.exitInfo === undefined) {
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true }).catch(() => undefined);
    await daemon.stop();
  }
  await work?.remove();
});

let count = 0;
async function runContainer(securityContext: Record<string, unknown>): Promise<string> {
  count += 1;
  const created = await client!.runtime.CreateContainer!({
    pod_sandbox_id: podId,
    config: { metadata: { name: `c${count}`, attempt: 0 }, image: { image: IMAGE }, command: ['sleep', '3600'], linux: { security_context: securityContext } },
  });
  const id = created.container_id!;
  await client!.runtime.StartContainer!({ container_id: id });
  return id;
}

/** Through sh: the fixture rootfs links only a few applets, and busybox's sh runs the others. */
async function execIn(id: string, cmd: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const reply = await client!.runtime.ExecSync!({ container_id: id, cmd: ['sh', '-c', cmd.join(' ')], timeout: 30 });
  return { exitCode: reply.exit_code ?? 0, stdout: String(reply.stdout), stderr: String(reply.stderr) };
}

const seccompField = async (id: string): Promise<string> => /Seccomp:\s*(\d)/.exec((await execIn(id, ['grep', 'Seccomp:', '/proc/self/status'])).stdout)?.[1] ?? '?';

test('CRI RuntimeDefault: filtered (Seccomp: 2) and `unshare -U` fails with EPERM; Unconfined and unset: no filter', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const confined = await runContainer({ seccomp: { profile_type: 'RuntimeDefault' } });
  assert.equal(await seccompField(confined), '2');
  const denied = await execIn(confined, ['unshare', '-U', 'true']);
  assert.notEqual(denied.exitCode, 0);
  assert.match(denied.stderr, /Operation not permitted/);
  assert.equal((await execIn(confined, ['chmod', '600', '/tmp'])).exitCode, 0, 'chmod is allowed by the default profile');

  const unconfined = await runContainer({ seccomp: { profile_type: 'Unconfined' } });
  assert.equal(await seccompField(unconfined), '0');
  const allowed = await execIn(unconfined, ['unshare', '-U', 'true']);
  assert.equal(allowed.exitCode, 0, `without the filter the kernel lets root make a user namespace: ${allowed.stderr}`);
  assert.equal(await seccompField(await runContainer({})), '0', 'no seccomp setting: unconfined, as containerd');
  assert.equal(await seccompField(await runContainer({ seccomp_profile_path: 'runtime/default' })), '2', 'the deprecated path field');
});

test('CRI Localhost: the profile file blocks chmod; a privileged container ignores it', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const profile = join(work!.dir, 'block-chmod.json');
  await writeFile(profile, CHMOD_PROFILE);
  const id = await runContainer({ seccomp: { profile_type: 'Localhost', localhost_ref: profile } });
  const chmod = await execIn(id, ['chmod', '400', '/']);
  assert.notEqual(chmod.exitCode, 0);
  assert.match(chmod.stderr, /Operation not permitted/);
  assert.equal(await seccompField(id), '2');
  const privileged = await runContainer({ privileged: true, seccomp: { profile_type: 'Localhost', localhost_ref: profile } });
  assert.equal(await seccompField(privileged), '0');
  assert.equal((await execIn(privileged, ['chmod', '755', '/'])).exitCode, 0);
  await assert.rejects(runContainer({ seccomp: { profile_type: 'Localhost', localhost_ref: join(work!.dir, 'missing.json') } }), /localhost_ref/);
});

test('Docker API: the default profile when no option is given, none with seccomp=unconfined, the JSON sent otherwise', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const run = async (...opts: string[]) => daemon!.cli(['run', '--rm', ...opts, IMAGE, 'sh', '-c', 'grep Seccomp: /proc/self/status; chmod 700 /tmp && echo chmod-ok']);
  const byDefault = await run();
  assert.equal(byDefault.exitCode, 0, byDefault.stderr);
  assert.match(byDefault.stdout, /Seccomp:\s*2/);
  assert.match((await run('--security-opt', 'seccomp=unconfined')).stdout, /Seccomp:\s*0/);
  assert.match((await run('--privileged')).stdout, /Seccomp:\s*0/);
  const file = join(work!.dir, 'docker-chmod.json');
  await writeFile(file, CHMOD_PROFILE);
  const profiled = await run('--security-opt', `seccomp=${file}`);
  assert.match(profiled.stdout, /Seccomp:\s*2/);
  assert.doesNotMatch(profiled.stdout, /chmod-ok/);
  assert.match(profiled.stderr, /Operation not permitted/);
});
