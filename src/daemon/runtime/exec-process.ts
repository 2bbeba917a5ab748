// `docker exec` under an OCI runtime: the daemon runs `<runtime> exec --process <json> <id>` and
// holds that process's stdio itself, for the life of the exec (the hijacked API connection).
// Why not conmon's exec mode (`conmon --exec --exec-attach`, as Podman does): an exec's streams
// belong to the client connection that started it, and Docker ends them with that connection
// too; a monitor per exec would cost a conmon and an attach socket round trip for every exec and
// bring nothing a daemon restart could use (the client is gone by then). With a tty, the
// runtime runs behind script(1) (terminal.ts): in the foreground it wants a terminal of its own,
// and Node cannot take the pty master from a --console-socket (no SCM_RIGHTS in node:net).

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.ts';
import type { ExecSpec, RuntimeLogger } from './runtime.ts';
import type { MonitorRecord } from './monitor-files.ts';
import { globalArgs, type OciCliOptions } from './oci-cli.ts';
import { buildProcess } from './oci-spec.ts';
import { findScript, underScript } from './terminal.ts';
import { resolveContainerUser } from './user.ts';

export async function spawnOciExec(
  runtime: OciCliOptions, id: string, stateDir: string, record: MonitorRecord, spec: ExecSpec, logger?: Pick<RuntimeLogger, 'warn'>,
): Promise<ChildProcess> {
  const user = await resolveContainerUser(id, spec.user, record.rootfs);
  const processFile = join(stateDir, `exec-${randomBytes(6).toString('hex')}.json`);
  const ttyScript = spec.tty ? findScript(id, logger) : undefined;
  const oci = buildProcess({ args: spec.args, env: spec.env, cwd: spec.cwd || record.cwd, resources: {}, tty: ttyScript !== undefined }, user);
  await writeFileAtomic(processFile, JSON.stringify(oci));
  const argv = [runtime.binary, ...globalArgs(runtime), 'exec', '--process', processFile, id];
  const launch = ttyScript ? underScript(ttyScript, argv, process.env as Record<string, string>) : { command: argv[0]!, args: argv.slice(1), env: process.env };
  const child = spawn(launch.command, launch.args, { env: launch.env, stdio: 'pipe' });
  const cleanup = (): void => void rm(processFile, { force: true });
  child.once('close', cleanup);
  child.once('error', cleanup);
  return child;
}
