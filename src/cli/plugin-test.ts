// `hookd plugin test`: checks one plugin against the protocol and prints a report.
//
//   hookd plugin test [--manifest file.json] [--config JSON] [--timeout-ms N] [--strict] -- <command> [args...]
//   hookd plugin test --address unix:///x.sock|host:port [--ca F --cert F --key F] [--config JSON]
//   hookd plugin test --manifest file.json          (launch or attach, as the manifest says)
//
// Exit status: 0 when every check passed (warnings allowed unless --strict), 1 on a violation,
// 2 on a usage or manifest error. The main `hookd` CLI delegates here; bin/hookd-plugin-test.js
// runs it standalone.

import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_START_TIMEOUT_MS, PLUGIN_NAME_PATTERN, parseManifest } from '../host/manifest.ts';
import type { PluginManifest, TlsSpec } from '../host/types.ts';
import { formatHeader, formatResult, formatSummary } from '../conformance/reporter.ts';
import { exitCodeOf, runConformance } from '../conformance/runner.ts';
import type { ConformanceOptions, Target } from '../conformance/types.ts';

export const USAGE = `usage:
  hookd plugin test [options] -- <command> [args...]      launch the plugin as the daemon does
  hookd plugin test [options] --address <address>        check a running sidecar
  hookd plugin test --manifest <file.json>               launch or attach as the manifest says

options:
  --manifest <file>       plugin manifest: name, config, launch env and cwd, timeouts, attach address and TLS
  --config <json>         the config to send in Configure (overrides the manifest's)
  --name <name>           the plugin's name (HOOKD_PLUGIN_NAME); default: the manifest's
  --timeout-ms <n>        start timeout: how long the first Describe may take (default ${DEFAULT_START_TIMEOUT_MS})
  --call-timeout-ms <n>   per-call timeout of hook calls (default: the manifest's timeoutMs, or ${DEFAULT_CALL_TIMEOUT_MS})
  --grace-ms <n>          how long the plugin may take to exit after Shutdown or stdin close (default 3000)
  --concurrency <n>       parallel calls in the concurrency check (default 16)
  --address <address>     unix:///path.sock or host:port (attached mode)
  --ca, --cert, --key     PEM files for TLS on a TCP address (--cert/--key: mutual TLS)
  --server-name <name>    the name to verify in the plugin's certificate
  --strict                warnings fail the run too
  -h, --help              this text

exit status: 0 conformant, 1 violations (or warnings with --strict), 2 usage error`;

const DEFAULT_GRACE_MS = 3000;
const DEFAULT_CONCURRENCY = 16;

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const STDIO: CommandIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

class UsageError extends Error {}

/** Runs `hookd plugin test` with the arguments after `plugin test`; resolves with the exit status. */
export async function runPluginTestCommand(argv: string[], io: CommandIo = STDIO): Promise<number> {
  let parsed: { options: ConformanceOptions; strict: boolean } | 'help';
  try {
    parsed = await parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError) && !isManifestError(error)) throw error;
    io.err(`hookd plugin test: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    io.out(USAGE);
    return 0;
  }
  const { options, strict } = parsed;
  io.out(`${formatHeader(options.target)}\n`);
  const run = await runConformance(options, undefined, (result) => io.out(formatResult(result)));
  const exitCode = exitCodeOf(run.results, strict);
  io.out(`\n${formatSummary(options.target, run.results, run.plugin, exitCode)}`);
  return exitCode;
}

function isManifestError(error: unknown): boolean {
  return (error as { code?: string }).code === 'ERR_MANIFEST_INVALID';
}

async function parseCommand(argv: string[]): Promise<{ options: ConformanceOptions; strict: boolean } | 'help'> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        manifest: { type: 'string' }, config: { type: 'string' }, name: { type: 'string' },
        'timeout-ms': { type: 'string' }, 'call-timeout-ms': { type: 'string' }, 'grace-ms': { type: 'string' },
        concurrency: { type: 'string' }, address: { type: 'string' },
        ca: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, 'server-name': { type: 'string' },
        strict: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const manifest = values.manifest ? await loadManifestFile(values.manifest) : undefined;
  const config = values.config !== undefined ? parseJsonOption('--config', values.config) : manifest?.config ?? null;
  const target = buildTarget(values, positionals, manifest);
  return {
    strict: values.strict === true,
    options: {
      target,
      config,
      startTimeoutMs: positiveInteger('--timeout-ms', values['timeout-ms']) ?? manifest?.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      callTimeoutMs: positiveInteger('--call-timeout-ms', values['call-timeout-ms']) ?? manifest?.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      exitGraceMs: positiveInteger('--grace-ms', values['grace-ms']) ?? DEFAULT_GRACE_MS,
      concurrency: positiveInteger('--concurrency', values.concurrency) ?? DEFAULT_CONCURRENCY,
    },
  };
}

interface TargetValues {
  name?: string;
  address?: string;
  ca?: string;
  cert?: string;
  key?: string;
  'server-name'?: string;
}

function buildTarget(values: TargetValues, command: string[], manifest: PluginManifest | undefined): Target {
  const givenName = values.name ?? manifest?.name;
  if (givenName !== undefined && !PLUGIN_NAME_PATTERN.test(givenName)) throw new UsageError(`--name must match ${PLUGIN_NAME_PATTERN.source}, got ${JSON.stringify(givenName)}`);
  if (values.address !== undefined || (command.length === 0 && manifest?.attach)) {
    if (command.length > 0) throw new UsageError('give either --address (attached mode) or -- <command> (launch mode), not both');
    const address = values.address ?? manifest!.attach!.address;
    const tls = tlsFrom(values) ?? (values.address === undefined ? manifest?.attach?.tls : undefined);
    if (!address.startsWith('unix:') && !tls) throw new UsageError(`${address} is a TCP address: TLS is required, pass --ca (and --cert/--key for mutual TLS)`);
    return { mode: 'attach', address, ...(tls ? { tls } : {}), name: givenName ?? 'sidecar', isNameGiven: givenName !== undefined };
  }
  const launch = manifest?.launch;
  // A command typed after `--` is relative to where the user is, unlike the manifest's
  // launch.command, which is relative to launch.cwd (docs/configuration.md).
  const typed = command.length > 0 ? [command[0]!.includes('/') ? resolve(command[0]!) : command[0]!, ...command.slice(1)] : undefined;
  const [commandName, ...args] = typed ?? (launch ? [launch.command, ...launch.args] : []);
  if (commandName === undefined) throw new UsageError('nothing to test: give -- <command> [args...], --address, or a --manifest with launch or attach');
  return {
    mode: 'launch',
    command: commandName,
    args,
    env: launch?.env ?? {},
    cwd: launch?.cwd ?? process.cwd(),
    name: givenName ?? nameFromCommand(commandName, args),
    isNameGiven: givenName !== undefined,
  };
}

const INTERPRETERS = /^(node|nodejs|bun|deno|python[0-9.]*|ruby|perl|java|dotnet|php|tsx)$/;

/**
 * A socket-safe stand-in name when neither --name nor a manifest gives one: the binary's name, or
 * for an interpreter the script or module it runs (`python -m disk_quota` → "disk-quota").
 */
function nameFromCommand(command: string, args: readonly string[]): string {
  let source = basename(command);
  if (INTERPRETERS.test(source)) {
    const script = args.filter((arg, i) => !arg.startsWith('-') && args[i - 1] !== '--import' && args[i - 1] !== '-r').at(-1);
    if (script) source = basename(script).replace(/\.[a-z]+$/, '');
  }
  const name = source.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+/, '');
  return name.length > 0 ? name.slice(0, 64) : 'plugin';
}

function tlsFrom(values: TargetValues): TlsSpec | undefined {
  if (!values.ca && !values.cert && !values.key && !values['server-name']) return undefined;
  if (Boolean(values.cert) !== Boolean(values.key)) throw new UsageError('--cert and --key go together');
  return {
    ...(values.ca ? { caFile: resolve(values.ca) } : {}),
    ...(values.cert ? { certFile: resolve(values.cert) } : {}),
    ...(values.key ? { keyFile: resolve(values.key) } : {}),
    ...(values['server-name'] ? { serverName: values['server-name'] } : {}),
  };
}

async function loadManifestFile(file: string): Promise<PluginManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--manifest ${file} cannot be read: ${(error as Error).message}`);
  }
  return parseManifest(parseJsonOption(`--manifest ${file}`, text), file);
}

function parseJsonOption(option: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${option} is not JSON: ${(error as Error).message}`);
  }
}

function positiveInteger(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${option} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}
