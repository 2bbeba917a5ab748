// Runs another language's test suite (go test, pytest) as a child process for node:test, with
// its output collected for the assertion message.

import { spawn } from 'node:child_process';

export interface SuiteRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/**
 * Runs `command args` in `cwd`, SIGKILLed after `timeoutMs`. The environment is ours plus `env`,
 * minus any HOOKD_* variable from a developer's shell, which would leak into the plugins the suite
 * starts and make them think a host launched them.
 */
export function runSuite(command: string, args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs: number }): Promise<SuiteRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...withoutHookdVariables(process.env), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => resolveRun({ code, signal, output }));
  });
}

function withoutHookdVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('HOOKD_')));
}
