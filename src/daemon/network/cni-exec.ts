// Runs one CNI plugin binary as the CNI spec says: the command and its parameters in environment
// variables (CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS, CNI_PATH), the
// network configuration as JSON on stdin, a result (ADD) or nothing (DEL, CHECK) on stdout, and
// on failure a non-zero exit with an error object {code, msg, details} on stdout.
// The binary is looked up on the configured plugin path, first directory first (libcni's rule).

import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

export interface CniInvocation {
  command: CniCommand;
  containerId: string;
  /** Path of the network namespace file; may be empty for DEL (the namespace is gone). */
  netns: string;
  ifName: string;
  /** CNI_ARGS as key/value pairs ("IgnoreUnknown=1;IP=10.0.0.5"). */
  args: Array<[string, string]>;
  /** Directories searched for plugin binaries, also passed as CNI_PATH. */
  pluginPath: string[];
}

/** A CNI plugin failed; `cniCode` is the spec's error code (7 = invalid network config, 11 = try again...). */
export class CniError extends Error {
  readonly code = 'ERR_CNI_PLUGIN';
  readonly plugin: string;
  readonly cniCode: number;
  readonly details: string;

  constructor(plugin: string, cniCode: number, msg: string, details: string) {
    super(`CNI plugin "${plugin}" failed: ${msg}${details ? ` (${details})` : ''}`);
    this.name = 'CniError';
    this.plugin = plugin;
    this.cniCode = cniCode;
    this.details = details;
  }
}

export async function findPlugin(type: string, pluginPath: string[]): Promise<string> {
  if (!/^[A-Za-z0-9._-]+$/.test(type)) throw new CniError(type, 7, `"${type}" is not a valid plugin type name`, '');
  for (const dir of pluginPath) {
    const file = join(dir, type);
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory: try the next one (libcni's FindInPath does the same)
    }
  }
  throw new CniError(type, 7, `no executable "${type}" on the CNI plugin path ${pluginPath.join(':')}`, 'install containernetworking-plugins or set network.cniPath');
}

/** Runs the plugin; resolves with its parsed stdout (undefined when it printed nothing). */
export async function execPlugin(type: string, config: Record<string, unknown>, invocation: CniInvocation): Promise<Record<string, unknown> | undefined> {
  const binary = await findPlugin(type, invocation.pluginPath);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    CNI_COMMAND: invocation.command,
    CNI_CONTAINERID: invocation.containerId,
    CNI_NETNS: invocation.netns,
    CNI_IFNAME: invocation.ifName,
    CNI_ARGS: invocation.args.map(([key, value]) => `${key}=${value}`).join(';'),
    CNI_PATH: invocation.pluginPath.join(':'),
  };
  const { code, stdout, stderr } = await run(binary, env, JSON.stringify(config));
  let parsed: Record<string, unknown> | undefined;
  if (stdout.trim() !== '') {
    try {
      parsed = JSON.parse(stdout) as Record<string, unknown>;
    } catch {
      throw new CniError(type, 999, `printed something that is not JSON (exit ${code})`, `${stdout.slice(0, 200)} ${stderr.slice(0, 200)}`.trim());
    }
  }
  if (code !== 0) {
    const msg = typeof parsed?.msg === 'string' ? parsed.msg : `exited with status ${code}`;
    const details = typeof parsed?.details === 'string' ? parsed.details : stderr.trim().slice(0, 400);
    throw new CniError(type, typeof parsed?.code === 'number' ? parsed.code : 999, msg, details);
  }
  return parsed;
}

function run(binary: string, env: NodeJS.ProcessEnv, input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.on('error', () => undefined); // a plugin that exits without reading stdin: its exit says why
    child.stdin.end(input);
  });
}
