// `hookd`: the command users run (bin/hookd.js runs this file bundled, dist/cli/hookd.cjs; src/cli/bundle-loader.ts).
//
//   hookd daemon  [--config file]           run the daemon
//   hookd config  [--config file]           print the effective config (defaults filled, paths absolute)
//   hookd plugins [--host unix://...|--config file] [--json]   list a running daemon's plugins
//   hookd plugin test ...                   check a plugin against the protocol (see its --help)
//
// Exit status: 0 success, 1 failure, 2 usage or config error.

import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatEffectiveConfig, loadDaemonConfig } from '../daemon/config.ts';
import type { PluginListing } from '../daemon/plugin-routes.ts';
import type { ReloadReport } from '../daemon/reload.ts';
import { runDaemon, type DaemonStartup } from '../daemon/main.ts';
import { runPluginTestCommand } from './plugin-test.ts';

/** The config `npm start` uses, shipped in the repository. */
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../config/hookd.json', import.meta.url));

export const USAGE = `usage: hookd <command> [options]

commands:
  daemon  [--config <file>]                 run the daemon (default config: ${DEFAULT_CONFIG_FILE})
  config  [--config <file>]                 print the effective config: every default filled in, every path absolute
  plugins [--host <unix:///path.sock>] [--config <file>] [--json]
                                            list the running daemon's plugins: state, version, hooks, restarts, last error
  plugins restart NAME [--host ...] [--config <file>]
                                            stop plugin NAME and start it again (brings a parked plugin back now)
                                            (--host, else $HOOKD_HOST, else the socket in the config)
  plugin test ...                           check a plugin against the protocol; "hookd plugin test --help"

  -h, --help                                this text

The daemon reloads its plugin manifests on SIGHUP and when its plugin directory changes.
docs/daemon.md has the config reference.`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const STDIO: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

class UsageError extends Error {}

/** `startup`: what bin/hookd.js wants done during a daemon's start (src/cli/bundle-loader.ts). */
export async function runCli(argv: string[], io: CliIo = STDIO, startup: DaemonStartup = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      case 'daemon':
        return await runDaemon(configOption(rest, 'daemon'), undefined, startup);
      case 'config':
        return await printConfig(configOption(rest, 'config'), io);
      case 'plugins':
        if (rest[0] === 'restart') return await restartPlugin(rest.slice(1), io);
        return await listPlugins(rest, io);
      case 'plugin':
        if (rest[0] !== 'test') throw new UsageError(`unknown command "plugin ${rest[0] ?? ''}"; did you mean "hookd plugin test"?`);
        return await runPluginTestCommand(rest.slice(1));
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (error as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      io.err(`hookd: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if ((error as { code?: string }).code === 'ERR_CONFIG_INVALID') {
      io.err(`hookd: ${(error as Error).message}`);
      return 2;
    }
    io.err(`hookd: ${(error as Error).message}`);
    return 1;
  }
}

function configOption(argv: string[], command: string): string {
  const { values, positionals } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } }, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError(`"hookd ${command}" takes no arguments, got "${positionals.join(' ')}"`);
  return values.config ?? DEFAULT_CONFIG_FILE;
}

async function printConfig(file: string, io: CliIo): Promise<number> {
  io.out(formatEffectiveConfig(await loadDaemonConfig(file)));
  return 0;
}

async function listPlugins(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { host: { type: 'string', short: 'H' }, config: { type: 'string', short: 'c' }, json: { type: 'boolean' } },
  });
  if (positionals.length > 0) throw new UsageError(`"hookd plugins" takes no arguments, got "${positionals.join(' ')}"`);
  const socketPath = await resolveSocket(values.host ?? process.env.HOOKD_HOST, values.config);
  let body: { Plugins: PluginListing[]; LastReload: ReloadReport | null };
  try {
    body = JSON.parse(await getOverSocket(socketPath, '/hookd/plugins')) as typeof body;
  } catch (error) {
    io.err(`hookd: cannot reach the daemon at unix://${socketPath}: ${(error as Error).message}; is it running (hookd daemon), and is this its socket?`);
    return 1;
  }
  if (values.json) {
    io.out(JSON.stringify(body, null, 2));
    return 0;
  }
  io.out(formatPluginTable(body.Plugins));
  if (body.LastReload && !body.LastReload.ok) io.out(`\nlast reload (${body.LastReload.trigger}, ${body.LastReload.at}) was refused, the set above stays in force:\n  ${body.LastReload.error}`);
  return 0;
}

/** `hookd plugins restart NAME`: POST /hookd/plugins/NAME/restart, then print the plugin's new state. */
async function restartPlugin(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { host: { type: 'string', short: 'H' }, config: { type: 'string', short: 'c' } },
  });
  if (positionals.length !== 1) throw new UsageError(`"hookd plugins restart" takes one plugin name, got ${positionals.length}`);
  const name = positionals[0] as string;
  const socketPath = await resolveSocket(values.host ?? process.env.HOOKD_HOST, values.config);
  try {
    const status = JSON.parse(await requestOverSocket(socketPath, 'POST', `/hookd/plugins/${encodeURIComponent(name)}/restart`)) as { state: string; lastError?: { message: string } };
    io.out(`plugin ${name} is ${status.state}${status.state === 'ready' ? '' : status.lastError ? `: ${status.lastError.message}` : ''}`);
    return status.state === 'ready' ? 0 : 1;
  } catch (error) {
    io.err(`hookd: ${(error as Error).message}`);
    return 1;
  }
}

async function resolveSocket(host: string | undefined, configFile: string | undefined): Promise<string> {
  if (host !== undefined) {
    if (!host.startsWith('unix://')) throw new UsageError(`--host must be unix:///path/to/hookd.sock, got "${host}"`);
    return host.slice('unix://'.length);
  }
  const config = await loadDaemonConfig(configFile ?? DEFAULT_CONFIG_FILE);
  if (config.listen.socket === false) throw new UsageError(`the config ${config.file} has no unix socket; pass --host`);
  return config.listen.socket.path;
}

function getOverSocket(socketPath: string, path: string): Promise<string> {
  return requestOverSocket(socketPath, 'GET', path);
}

function requestOverSocket(socketPath: string, method: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method, headers: { Host: 'hookd' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`${method} ${path} answered ${res.statusCode}: ${text.trim()}`));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export function formatPluginTable(plugins: readonly PluginListing[]): string {
  if (plugins.length === 0) return 'no plugins (add manifests to the daemon\'s pluginsDir)';
  const rows = plugins.map((plugin) => [
    plugin.name, plugin.state, plugin.version ?? '-', String(plugin.order), String(plugin.restarts),
    plugin.hooks.length > 0 ? plugin.hooks.join(',') : '-',
    plugin.lastError ? `${plugin.lastError.code}: ${plugin.lastError.message}` : '-',
  ]);
  const header = ['NAME', 'STATE', 'VERSION', 'ORDER', 'RESTARTS', 'HOOKS', 'LAST ERROR'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

// Not a top-level await: this file is also bundled as CommonJS (dist/cli/hookd.cjs), which has none.
// runCliAndExit never settles (it exits), so there is nothing to wait for.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  void runCliAndExit(process.argv.slice(2));
}

/**
 * Runs the CLI and ends the process with its status. Exits explicitly: a stopped daemon may leave
 * nothing to wait for but a stray handle, and its status must be the one reported.
 */
export async function runCliAndExit(argv: string[], startup: DaemonStartup = {}): Promise<never> {
  process.exit(await runCli(argv, STDIO, startup));
}
