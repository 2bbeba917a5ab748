// Runs a plugin file as a real child process the way the host launches it: a private socket
// address in HOOKD_PLUGIN_ADDRESS, stdin as a pipe the plugin watches, stdout and stderr captured.
// For tests about the process itself (exit on Shutdown, on stdin close, nothing on stdout).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPlugin, type PluginConnection } from './client.ts';

export interface LaunchOptions {
  /** Extra environment (added to the test's own and the HOOKD_* variables). */
  env?: Record<string, string>;
  /** Name given in HOOKD_PLUGIN_NAME; defaults to "test-plugin". */
  name?: string;
  /** How long the plugin may take to say it is serving. Default 20 s (a .ts file compiles on start). */
  startTimeoutMs?: number;
}

export interface LaunchedPlugin extends PluginConnection {
  readonly child: ChildProcess;
  /** Everything the plugin wrote to stdout (a well-behaved plugin writes nothing). */
  stdout(): string;
  /** stderr so far, one entry per line, JSON lines parsed. */
  stderrLines(): Array<Record<string, unknown> | string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process if it still runs, closes the client and removes the socket directory. */
  stop(): Promise<void>;
}

/**
 * Spawns `node <file>` (a `.ts` file through tsx, which the caller then needs installed) and resolves
 * once it has logged that it is serving.
 */
export async function launchPlugin(file: string, options: LaunchOptions = {}): Promise<LaunchedPlugin> {
  const dir = mkdtempSync(join(tmpdir(), 'hookd-launch-'));
  const address = `unix://${join(dir, 'plugin.sock')}`;
  const child = spawn(process.execPath, [...(file.endsWith('.ts') ? ['--import', 'tsx'] : []), file], {
    env: {
      ...process.env,
      HOOKD_PLUGIN_ADDRESS: address,
      HOOKD_PLUGIN_NAME: options.name ?? 'test-plugin',
      HOOKD_PROTOCOL_VERSIONS: '1',
      // Readiness below is the "serving" line (info); debug also gives tests every line to assert on.
      HOOKD_LOG_LEVEL: 'debug',
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })));

  // Ready = the "serving" log line; fail as soon as the process exits or the timeout passes.
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`plugin ${file} did not start within ${options.startTimeoutMs ?? 20000} ms; stderr:\n${stderr}`)),
      options.startTimeoutMs ?? 20000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (/"msg":"serving"/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`plugin ${file} exited (code ${code}, signal ${signal}) before serving; stderr:\n${stderr}`));
    });
  });

  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    cleanup();
    throw error;
  }

  const connection = connectPlugin(address);
  return {
    ...connection,
    child,
    exited,
    stdout: () => stdout,
    stderrLines: () => stderr.split('\n').filter((line) => line !== '').map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return line; // not every stderr line is ours (tsx, node warnings)
      }
    }),
    stop: async () => {
      connection.close();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      cleanup();
    },
  };
}
