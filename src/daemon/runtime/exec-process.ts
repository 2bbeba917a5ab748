// `docker exec` under an OCI runtime: the daemon runs `<runtime> exec --process <json> <id>` and
// holds that process's stdio itself, for the life of the exec (the hijacked API connection).
// Why not conmon's exec mode (`conmon --exec --exec-attach`, as Podman does): an exec's streams
// belong to the client connection that started it, and Docker ends them with that connection
// too; a monitor per exec would cost a conmon and an attach socket round trip for every exec and
// bring nothing a daemon restart could use (the client is gone by then). With a tty, a relay
// receives the pty master from the runtime's --console-socket (console-relay.ts says why, and how
// runc, which takes one only detached, still reports the exit code); without python3 on the
// daemon's PATH, the runtime runs behind script(1) (terminal.ts) instead.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.ts';
import type { ExecSpec, RuntimeLogger } from './runtime.ts';
import { monitorPaths, type MonitorRecord } from './monitor-files.ts';
import { globalArgs, type OciCliOptions } from './oci-cli.ts';
import { inheritContainerPrivileges } from './oci-security.ts';
import { buildProcess, type OciProcess } from './oci-spec.ts';
import { findRelayPython, takesForegroundConsoleSocket, underConsoleRelay } from './console-relay.ts';
import { findScript, underScript } from './terminal.ts';
import { resolveContainerUser } from './user.ts';

/**
 * `<runtime> exec` for one exec session; the child's stdio are the session's. `socketDir` is a
 * short directory for the console socket of a crun `exec -t` (sun_path holds 107 bytes).
 */
export async function spawnOciExec(
  runtime: OciCliOptions, socketDir: string, id: string, stateDir: string, record: MonitorRecord, spec: ExecSpec, logger?: Pick<RuntimeLogger, 'warn'>,
): Promise<ChildProcess> {
  const user = await resolveContainerUser(id, spec.user, record.rootfs);
  const token = randomBytes(6).toString('hex');
  const processFile = join(stateDir, `exec-${token}.json`);
  const launch = spec.tty ? terminalLaunch(runtime, socketDir, token, id, processFile, logger) : { command: runtime.binary, args: execArgs(runtime, id, processFile), cleanup: [] };
  const container = await readFile(monitorPaths(stateDir).config, 'utf8').then((text) => (JSON.parse(text) as { process?: OciProcess }).process, () => undefined);
  const oci = inheritContainerPrivileges(buildProcess({ args: spec.args, env: spec.env, cwd: spec.cwd || record.cwd, resources: {}, tty: launch.tty ?? false }, user), container);
  await writeFileAtomic(processFile, JSON.stringify(oci));
  const child = spawn(launch.command, launch.args, { env: launch.env ?? process.env, stdio: 'pipe' });
  const cleanup = (): void => {
    for (const path of [processFile, ...launch.cleanup]) void rm(path, { force: true });
  };
  child.once('close', cleanup);
  child.once('error', cleanup);
  return child;
}

interface ExecLaunch {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Whether the process gets a terminal (false when no way to give it one is installed). */
  tty?: boolean;
  /** Paths to remove when the session ends (the console socket, if the relay did not). */
  cleanup: string[];
}

function execArgs(runtime: OciCliOptions, id: string, processFile: string, extra: string[] = []): string[] {
  return [...globalArgs(runtime), 'exec', ...extra, '--process', processFile, id];
}

/** How an `exec -t` gets its terminal: the console relay (crun in the foreground, runc detached), script(1) without python3 (see the top). */
function terminalLaunch(runtime: OciCliOptions, socketDir: string, token: string, id: string, processFile: string, logger?: Pick<RuntimeLogger, 'warn'>): ExecLaunch {
  const python = findRelayPython();
  if (python !== undefined) {
    const socketPath = join(socketDir, `exec-${token}.sock`);
    if (takesForegroundConsoleSocket(runtime.name)) {
      const argv = [runtime.binary, ...execArgs(runtime, id, processFile, ['--console-socket', socketPath])];
      return { ...underConsoleRelay(python, socketPath, argv), tty: true, cleanup: [socketPath] };
    }
    const pidFile = `${processFile}.pid`;
    const argv = [runtime.binary, ...execArgs(runtime, id, processFile, ['--detach', '--pid-file', pidFile, '--console-socket', socketPath])];
    return { ...underConsoleRelay(python, socketPath, argv, pidFile), tty: true, cleanup: [socketPath, pidFile] };
  }
  const script = findScript(id, logger);
  const argv = [runtime.binary, ...execArgs(runtime, id, processFile)];
  if (script === undefined) return { command: argv[0]!, args: argv.slice(1), tty: false, cleanup: [] };
  return { ...underScript(script, argv, process.env as Record<string, string>), tty: true, cleanup: [] };
}
