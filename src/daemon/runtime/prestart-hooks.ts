// Runs OCI prestart hooks the way runc does, for the process runtime (runc runs its own): in the
// given order, each with exactly its own env (nothing inherited), the container's OCI state JSON
// on stdin, and its timeout. The first failure stops the start; later hooks do not run.

import { spawn } from 'node:child_process';
import type { RuntimeHook } from './runtime.ts';
import { envListToRecord } from './env-list.ts';

export interface OciState {
  ociVersion: string;
  id: string;
  status: 'creating' | 'created' | 'running' | 'stopped';
  pid?: number;
  bundle: string;
  annotations?: Record<string, string>;
}

const STDERR_TAIL_CHARS = 2048;

export class PrestartHookError extends Error {
  readonly code = 'ERR_RUNTIME_HOOK_FAILED';
}

export async function runPrestartHooks(hooks: RuntimeHook[], state: OciState): Promise<void> {
  for (const [index, hook] of hooks.entries()) {
    await runHook(hook, index, JSON.stringify(state));
  }
}

function runHook(hook: RuntimeHook, index: number, stateJson: string): Promise<void> {
  const label = `prestart hook #${index} (${hook.path})`;
  return new Promise((resolve, reject) => {
    const child = spawn(hook.path, hook.args.slice(1), {
      argv0: hook.args[0] ?? hook.path,
      env: envListToRecord(hook.env), // exactly the hook's env, as runc does: nothing inherited
      stdio: ['pipe', 'ignore', 'pipe'],
      timeout: hook.timeoutSeconds ? hook.timeoutSeconds * 1000 : undefined,
      killSignal: 'SIGKILL',
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    // A hook may exit without reading its state: the EPIPE that follows is not its failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(stateJson);
    child.once('error', (error) => reject(new PrestartHookError(`${label} could not run: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const how = signal === 'SIGKILL' && hook.timeoutSeconds
        ? `timed out after ${hook.timeoutSeconds}s`
        : signal ? `was killed by ${signal}` : `exited with status ${code}`;
      const tail = stderr.trim();
      reject(new PrestartHookError(`${label} ${how}${tail ? `: ${tail}` : ''}`));
    });
  });
}
