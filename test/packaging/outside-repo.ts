// What the packaging tests share: a scratch folder outside the repository (so nothing resolves
// through the workspace's node_modules, venv or go.work), commands run there with their output
// kept for the assertion message, and `hookd plugin test` as a plugin author runs it.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface Run { code: number | null; output: string }

/** A fresh folder under the system temp dir, removed after the test. */
export async function scratchDir(t: TestContext, label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `hookd-${label}-`));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Runs a command to its end (SIGKILL after timeoutMs). The environment is ours minus HOOKD_* (a
 * developer's shell must not make a plugin think a host launched it) and minus npm's per-run
 * variables (npm_config_* of the `npm test` that started us would redirect a nested npm).
 */
export function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) =>
      !name.startsWith('HOOKD_') && !name.toLowerCase().startsWith('npm_')));
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 300_000,
      killSignal: 'SIGKILL',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, output }));
  });
}

/** Like run, but a non-zero exit throws with the command and its output. */
export async function runOk(command: string, args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited ${result.code}:\n${result.output}`);
  return result.output;
}

/** `hookd plugin test -- <command>` from the plugin's folder, with this checkout's compiled CLI. */
export function pluginTest(cwd: string, command: string[], env?: Record<string, string>): Promise<Run> {
  return run(process.execPath, [join(ROOT, 'bin/hookd.js'), 'plugin', 'test', '--', ...command], { cwd, env, timeoutMs: 180_000 });
}

/** `npm pack` of the package in packageDir into destination; returns the tarball's path. */
export async function npmPack(packageDir: string, destination: string): Promise<string> {
  const output = await runOk('npm', ['pack', '--pack-destination', destination], { cwd: packageDir, timeoutMs: 300_000 });
  const tarballs = (await readdir(destination)).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`npm pack in ${packageDir} left ${tarballs.length} tarballs in ${destination}:\n${output}`);
  return join(destination, tarballs[0] as string);
}
