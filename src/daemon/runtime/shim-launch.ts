// Daemon side of the shim: prepares the state dir, launches the shim detached (its own session,
// so it survives the daemon and the daemon's terminal), and waits for the one report it writes on
// fd 3. The wait is the pipe itself: a report, or EOF when the shim died first.

import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { RuntimeError } from './errors.ts';
import { shimPaths, type ShimConfig, type ShimReport } from './shim-files.ts';

// The shim runs the way this module runs: compiled (dist/daemon/runtime/shim.js, the shipped daemon)
// or, when this file is the TypeScript source (tests import src/ through tsx), as shim.ts through
// tsx, resolved here rather than by name at the shim's cwd because the daemon may run from anywhere.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const SHIM_ENTRY = fileURLToPath(new URL(FROM_SOURCE ? './shim.ts' : './shim.js', import.meta.url));
const SHIM_NODE_ARGS = FROM_SOURCE ? ['--import', import.meta.resolve('tsx'), SHIM_ENTRY] : [SHIM_ENTRY];
const SHIM_LOG_TAIL_CHARS = 2000;

/** Clears what a previous run of this container left, so old pids and exit files are not read as new. */
export async function resetShimState(stateDir: string, exitPath: string): Promise<void> {
  const paths = shimPaths(stateDir);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await Promise.all([exitPath, paths.shimPid, paths.containerPid, paths.alive, paths.stdin, paths.runcLog].map((path) => rm(path, { force: true })));
}

export async function launchShim(stateDir: string, config: ShimConfig): Promise<{ pid: number }> {
  const paths = shimPaths(stateDir);
  await writeFileAtomic(paths.config, `${JSON.stringify(config, null, 2)}\n`);
  await execa('mkfifo', ['-m', '0600', paths.alive, ...(config.openStdin ? [paths.stdin] : [])]);
  const shimLog = await open(paths.shimLog, 'a', 0o600);
  let report: string;
  try {
    const child = spawn(process.execPath, [...SHIM_NODE_ARGS, stateDir], {
      cwd: stateDir,
      detached: true,
      stdio: ['ignore', shimLog.fd, shimLog.fd, 'pipe'],
    });
    child.on('error', () => undefined); // surfaces below as EOF without a report
    const ready = child.stdio[3] as Readable;
    report = await new Promise<string>((resolve) => {
      let text = '';
      ready.setEncoding('utf8');
      ready.on('data', (chunk: string) => (text += chunk));
      ready.once('close', () => resolve(text));
      ready.once('error', () => resolve(text));
    });
    ready.destroy();
    child.unref();
  } finally {
    await shimLog.close();
  }
  let message: ShimReport;
  try {
    message = JSON.parse(report) as ShimReport;
  } catch {
    const tail = (await readFile(paths.shimLog, 'utf8').catch(() => '')).slice(-SHIM_LOG_TAIL_CHARS).trim();
    throw new RuntimeError('ERR_RUNTIME_SHIM_FAILED', `the shim for container ${config.id} exited before it started the process${tail ? `: ${tail}` : ''}`, config.id);
  }
  if ('error' in message) throw new RuntimeError(message.code, message.error, config.id);
  return { pid: message.pid };
}
