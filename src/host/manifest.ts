// Plugin manifests: one JSON file per plugin in a drop-in directory (docs/configuration.md is the
// user-facing reference, field by field). Parsing is strict: unknown fields, wrong types and
// out-of-range values are refused with ERR_MANIFEST_INVALID naming the file and the field, because
// a typo in a timeout or a policy must not silently fall back to a default.

import { open, readdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { compileAllowList } from './allow-list.ts';
import { HookdError } from './errors.ts';
import { isHookName, HOOKS, type FailurePolicy, type HookName } from './hooks.ts';
import { ManifestFields, type JsonObject } from './manifest-fields.ts';
import { assertTrustedDirectory, assertTrustedManifest } from './manifest-trust.ts';
import type {
  AttachSpec, HealthCheckSpec, HookOverride, LaunchSpec, PluginManifest, RestartPolicy, TlsSpec,
} from './types.ts';

/** Per-call timeout of every hook unless overridden. */
export const DEFAULT_CALL_TIMEOUT_MS = 2000;
/** The largest per-call timeout a manifest may ask for, overall or per hook. */
export const MAX_CALL_TIMEOUT_MS = 60_000;
/** How long the first successful Describe may take after launch or dial. */
export const DEFAULT_START_TIMEOUT_MS = 10_000;
export const MAX_START_TIMEOUT_MS = 600_000;
export const DEFAULT_ORDER = 0;
export const DEFAULT_MAX_IN_FLIGHT = 32;
export const MAX_IN_FLIGHT_LIMIT = 1024;
export const DEFAULT_RESTART_POLICY: Readonly<RestartPolicy> = Object.freeze({
  maxFailures: 5, initialBackoffMs: 200, maxBackoffMs: 30_000, resetAfterMs: 60_000,
});
export const DEFAULT_HEALTH_CHECK: Readonly<HealthCheckSpec> = Object.freeze({
  intervalMs: 5000, timeoutMs: 1000, failureThreshold: 3,
});
/** Plugin names: also used in socket file names and log fields, so kept to a safe alphabet. */
export const PLUGIN_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
export const MAX_PLUGIN_NAME_LENGTH = 64;

const FAILURE_POLICIES: readonly FailurePolicy[] = ['fail', 'ignore'];
const TOP_LEVEL_FIELDS = [
  'name', 'launch', 'attach', 'order', 'timeoutMs', 'startTimeoutMs', 'failurePolicy', 'required',
  'allowedPaths', 'config', 'restart', 'health', 'maxInFlight', 'hooks', 'enabled',
] as const;

/** Paths in a manifest are relative to the manifest's own directory. */
function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function parseLaunch(fields: ManifestFields, value: unknown, baseDir: string): LaunchSpec {
  const launch = fields.object('launch', value);
  fields.onlyKnownKeys(launch, ['command', 'args', 'env', 'cwd'], 'launch.');
  const env = launch.env === undefined ? {} : fields.stringMap('launch.env', launch.env);
  const reserved = Object.keys(env).find((key) => key.startsWith('HOOKD_'));
  if (reserved !== undefined) {
    throw fields.invalid(`launch.env.${reserved}`, 'is reserved: the host sets HOOKD_* variables itself');
  }
  return {
    command: fields.string('launch.command', launch.command, { nonEmpty: true }),
    args: launch.args === undefined ? [] : fields.stringArray('launch.args', launch.args),
    env,
    cwd: launch.cwd === undefined ? baseDir : resolveFrom(baseDir, fields.string('launch.cwd', launch.cwd, { nonEmpty: true })),
  };
}

/** `host:port` or `[v6]:port`; undefined when the text is not one. */
function parseTcpAddress(address: string): { host: string; port: number } | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(address);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { host: match[1] as string, port } : undefined;
}

function parseTls(fields: ManifestFields, value: unknown, baseDir: string): TlsSpec {
  const tls = fields.object('attach.tls', value);
  fields.onlyKnownKeys(tls, ['caFile', 'certFile', 'keyFile', 'serverName'], 'attach.tls.');
  const spec: TlsSpec = {};
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
    if (tls[key] !== undefined) spec[key] = resolveFrom(baseDir, fields.string(`attach.tls.${key}`, tls[key], { nonEmpty: true }));
  }
  if (tls.serverName !== undefined) spec.serverName = fields.string('attach.tls.serverName', tls.serverName, { nonEmpty: true });
  if ((spec.certFile === undefined) !== (spec.keyFile === undefined)) {
    throw fields.invalid(spec.certFile === undefined ? 'attach.tls.certFile' : 'attach.tls.keyFile', 'is required with the other half of the client key pair (certFile and keyFile go together)');
  }
  return spec;
}

function parseAttach(fields: ManifestFields, value: unknown, baseDir: string): AttachSpec {
  const attach = fields.object('attach', value);
  fields.onlyKnownKeys(attach, ['address', 'tls'], 'attach.');
  const address = fields.string('attach.address', attach.address, { nonEmpty: true });
  const tls = attach.tls === undefined ? undefined : parseTls(fields, attach.tls, baseDir);
  if (address.startsWith('unix:')) {
    if (!address.startsWith('unix:///')) {
      throw fields.invalid('attach.address', `must be "unix:///absolute/path.sock" or "host:port", got ${JSON.stringify(address)}`);
    }
    if (tls !== undefined) {
      // grpc-client.ts speaks plain gRPC on unix sockets; accepting tls here would promise what is not done.
      throw fields.invalid('attach.tls', 'applies only to TCP addresses; a unix socket is protected by its file permissions');
    }
  } else if (parseTcpAddress(address) === undefined) {
    throw fields.invalid('attach.address', `must be "unix:///absolute/path.sock" or "host:port", got ${JSON.stringify(address)}`);
  } else if (tls === undefined) {
    throw fields.invalid('attach.tls', `is required for the TCP address ${JSON.stringify(address)}: plugins are only reached over TCP with TLS (use a unix:/// socket for a local sidecar)`);
  }
  return tls === undefined ? { address } : { address, tls };
}

function parseRestart(fields: ManifestFields, value: unknown): RestartPolicy {
  const restart = value === undefined ? {} : fields.object('restart', value);
  fields.onlyKnownKeys(restart, Object.keys(DEFAULT_RESTART_POLICY), 'restart.');
  const policy: RestartPolicy = {
    maxFailures: fields.positiveInteger('restart.maxFailures', restart.maxFailures, DEFAULT_RESTART_POLICY.maxFailures),
    initialBackoffMs: fields.positiveInteger('restart.initialBackoffMs', restart.initialBackoffMs, DEFAULT_RESTART_POLICY.initialBackoffMs),
    maxBackoffMs: fields.positiveInteger('restart.maxBackoffMs', restart.maxBackoffMs, DEFAULT_RESTART_POLICY.maxBackoffMs),
    resetAfterMs: fields.positiveInteger('restart.resetAfterMs', restart.resetAfterMs, DEFAULT_RESTART_POLICY.resetAfterMs),
  };
  if (policy.maxBackoffMs < policy.initialBackoffMs) {
    throw fields.invalid('restart.maxBackoffMs', `must be at least restart.initialBackoffMs (${policy.initialBackoffMs}), got ${policy.maxBackoffMs}`);
  }
  return policy;
}

function parseHealth(fields: ManifestFields, value: unknown): HealthCheckSpec {
  const health = value === undefined ? {} : fields.object('health', value);
  fields.onlyKnownKeys(health, Object.keys(DEFAULT_HEALTH_CHECK), 'health.');
  return {
    intervalMs: fields.positiveInteger('health.intervalMs', health.intervalMs, DEFAULT_HEALTH_CHECK.intervalMs),
    timeoutMs: fields.positiveInteger('health.timeoutMs', health.timeoutMs, DEFAULT_HEALTH_CHECK.timeoutMs),
    failureThreshold: fields.positiveInteger('health.failureThreshold', health.failureThreshold, DEFAULT_HEALTH_CHECK.failureThreshold),
  };
}

function parseHooks(fields: ManifestFields, value: unknown): Partial<Record<HookName, HookOverride>> {
  if (value === undefined) return {};
  const hooks = fields.object('hooks', value);
  const out: Partial<Record<HookName, HookOverride>> = {};
  for (const [name, raw] of Object.entries(hooks)) {
    if (!isHookName(name)) {
      throw fields.invalid(`hooks.${name}`, `is not a hook (hooks are: ${HOOKS.map((spec) => spec.name).join(', ')})`);
    }
    const entry = fields.object(`hooks.${name}`, raw);
    fields.onlyKnownKeys(entry, ['timeoutMs', 'failurePolicy'], `hooks.${name}.`);
    const override: HookOverride = {};
    if (entry.timeoutMs !== undefined) {
      override.timeoutMs = fields.positiveInteger(`hooks.${name}.timeoutMs`, entry.timeoutMs, DEFAULT_CALL_TIMEOUT_MS, MAX_CALL_TIMEOUT_MS);
    }
    if (entry.failurePolicy !== undefined) {
      override.failurePolicy = fields.oneOf(`hooks.${name}.failurePolicy`, entry.failurePolicy, FAILURE_POLICIES);
    }
    out[name] = override;
  }
  return out;
}

function parseAllowedPaths(fields: ManifestFields, value: unknown): string[] {
  const patterns = fields.stringArray('allowedPaths', value);
  patterns.forEach((pattern, i) => {
    try {
      compileAllowList([pattern]);
    } catch (error) {
      throw fields.invalid(`allowedPaths[${i}]`, `is not a path pattern: ${(error as Error).message}`, error);
    }
  });
  return patterns;
}

function parseName(fields: ManifestFields, value: unknown): string {
  const name = fields.string('name', value, { nonEmpty: true });
  if (!PLUGIN_NAME_PATTERN.test(name) || name.length > MAX_PLUGIN_NAME_LENGTH) {
    throw fields.invalid('name', `must match ${PLUGIN_NAME_PATTERN.source} and have at most ${MAX_PLUGIN_NAME_LENGTH} characters, got ${JSON.stringify(name)}`);
  }
  return name;
}

/**
 * Validates one manifest and fills in every default. `file` names the manifest in errors and is
 * the base for its relative paths (launch.cwd, TLS files); pass "<inline>" for manifests built in
 * code, whose relative paths then resolve against the process's working directory.
 */
export function parseManifest(json: unknown, file: string): PluginManifest {
  const isInline = file.startsWith('<');
  const path = isInline ? file : resolve(file);
  const baseDir = isInline ? process.cwd() : dirname(path);
  const fields = new ManifestFields(path);
  if (!fields.isObject(json)) throw fields.invalid(undefined, `must be a JSON object, got ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}`);
  const raw: JsonObject = json;
  fields.onlyKnownKeys(raw, TOP_LEVEL_FIELDS, '');

  const name = parseName(fields, raw.name);
  if ((raw.launch === undefined) === (raw.attach === undefined)) {
    throw fields.invalid(raw.launch === undefined ? 'launch' : 'attach', 'exactly one of "launch" (the host starts the plugin) or "attach" (the host dials a running sidecar) is required');
  }
  const manifest: PluginManifest = {
    name,
    file: path,
    order: fields.integer('order', raw.order, DEFAULT_ORDER, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    timeoutMs: fields.positiveInteger('timeoutMs', raw.timeoutMs, DEFAULT_CALL_TIMEOUT_MS, MAX_CALL_TIMEOUT_MS),
    startTimeoutMs: fields.positiveInteger('startTimeoutMs', raw.startTimeoutMs, DEFAULT_START_TIMEOUT_MS, MAX_START_TIMEOUT_MS),
    required: fields.boolean('required', raw.required, false),
    config: raw.config === undefined ? null : raw.config,
    restart: parseRestart(fields, raw.restart),
    health: parseHealth(fields, raw.health),
    maxInFlight: fields.integer('maxInFlight', raw.maxInFlight, DEFAULT_MAX_IN_FLIGHT, 1, MAX_IN_FLIGHT_LIMIT),
    hooks: parseHooks(fields, raw.hooks),
    enabled: fields.boolean('enabled', raw.enabled, true),
  };
  if (raw.launch !== undefined) manifest.launch = parseLaunch(fields, raw.launch, baseDir);
  if (raw.attach !== undefined) manifest.attach = parseAttach(fields, raw.attach, baseDir);
  if (raw.failurePolicy !== undefined) manifest.failurePolicy = fields.oneOf('failurePolicy', raw.failurePolicy, FAILURE_POLICIES);
  if (raw.allowedPaths !== undefined) manifest.allowedPaths = parseAllowedPaths(fields, raw.allowedPaths);
  return manifest;
}

export interface LoadManifestsOptions {
  /**
   * Called for a manifest refused as untrusted (ERR_MANIFEST_UNTRUSTED), which is then skipped;
   * without it the refusal fails the whole load. An untrusted directory always fails the load.
   */
  onUntrusted?: (error: HookdError, file: string) => void;
}

/**
 * Loads every `*.json` file of a drop-in directory, in file-name order (so `10-quota.json` sorts
 * before `20-netprio.json`), skipping dotfiles and anything that is neither a regular file nor a
 * symlink (followed, see manifest-trust.ts). The directory and each manifest must be trusted
 * (owned by root or the daemon's user, not group/other writable: ERR_MANIFEST_UNTRUSTED). The
 * first bad file fails the load (ERR_MANIFEST_INVALID); two files declaring one plugin name fail
 * it with ERR_MANIFEST_DUPLICATE naming both. A directory that cannot be read is ERR_MANIFEST_INVALID.
 */
export async function loadManifests(dir: string, options: LoadManifestsOptions = {}): Promise<PluginManifest[]> {
  const root = resolve(dir);
  let entries;
  try {
    await assertTrustedDirectory(root);
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if (error instanceof HookdError) throw error;
    throw new HookdError('ERR_MANIFEST_INVALID', { file: root, reason: `the manifest directory cannot be read: ${(error as Error).message}` }, { cause: error });
  }
  const files = entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.json') && !entry.name.startsWith('.'))
    .map((entry) => ({ name: entry.name, isSymlink: entry.isSymbolicLink() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const manifests: PluginManifest[] = [];
  const byName = new Map<string, string>();
  for (const { name, isSymlink } of files) {
    const file = join(root, name);
    let text: string;
    try {
      text = await readTrustedManifest(file, isSymlink);
    } catch (error) {
      if (error instanceof HookdError && error.code === 'ERR_MANIFEST_UNTRUSTED' && options.onUntrusted) {
        options.onUntrusted(error, file);
        continue;
      }
      if (error instanceof HookdError) throw error;
      throw new HookdError('ERR_MANIFEST_INVALID', { file, reason: `cannot be read: ${(error as Error).message}` }, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new HookdError('ERR_MANIFEST_INVALID', { file, reason: `is not JSON: ${(error as Error).message}` }, { cause: error });
    }
    const manifest = parseManifest(json, file);
    const earlier = byName.get(manifest.name);
    if (earlier !== undefined) {
      throw new HookdError('ERR_MANIFEST_DUPLICATE', { file: earlier, other: file, plugin: manifest.name });
    }
    byName.set(manifest.name, file);
    manifests.push(manifest);
  }
  return manifests;
}

/** Reads a manifest from the descriptor whose owner and mode were checked (O_NONBLOCK: a FIFO must not hang the load). */
async function readTrustedManifest(file: string, isSymlink: boolean): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    await assertTrustedManifest(file, await handle.stat(), isSymlink);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
