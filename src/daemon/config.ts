// The daemon's config file (docs/daemon.md "Configuration" is the user-facing reference). One JSON
// file; parsing is strict like the plugin manifests': unknown fields and bad values are errors
// naming the file and the field, because a typo in a socket path must not silently fall back to a
// default. Relative paths resolve against the config file's directory, so a config that ships in
// a repository works from any working directory.

import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, ConfigFields } from './config-fields.ts';
import { parseRegistryConfig, type RegistryConfig } from './registry/registry-config.ts';
import { parseSubnet } from './network/subnets.ts';
import { DEFAULT_STREAMING_ADDRESS, parseAddress } from './cri/streaming/address.ts';

/** "auto" (runc, else crun, else process), "runc", "crun", "process", or a name under "runtimes". */
export type RuntimeChoice = string;
const BUILTIN_RUNTIMES = ['auto', 'runc', 'crun', 'process'];
/** Handler names as Docker allows them in --add-runtime: what `docker run --runtime` can name. */
const RUNTIME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_SOCKET_NAME = 'hookd.sock';
export const DEFAULT_CRI_SOCKET_NAME = 'cri.sock';
export const DEFAULT_SOCKET_MODE = 0o660;
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
export const MAX_BODY_LIMIT_BYTES = 1024 * 1024 * 1024;
/** sockaddr_un.sun_path is 108 bytes on Linux, one of them the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

export interface TcpListenConfig {
  host: string;
  port: number;
  tls?: { certFile: string; keyFile: string; caFile?: string };
  /** Plain HTTP on TCP; refused unless said explicitly. */
  insecure: boolean;
}

/** The config with every default filled in and every path absolute: what `hookd config` prints. */
export interface EffectiveConfig {
  /** The file this came from (absolute). */
  file: string;
  dataRoot: string;
  listen: {
    /** false = no unix socket (TCP only). */
    socket: { path: string; mode: string } | false;
    tcp?: TcpListenConfig;
  };
  pluginsDir: string;
  runtime: RuntimeChoice;
  /** OCI runtimes by name, beside runc and crun (which are found on PATH): `docker run --runtime <name>`. */
  runtimes?: Record<string, { path: string; runtimeArgs?: string[] }>;
  /** Runtime state (<runRoot>/<handler>) and conmon's attach sockets (<runRoot>/conmon); default /run/hookd. */
  runRoot?: string;
  /** runc's --root (its state); default <runRoot>/runc. */
  runcRoot?: string;
  /** Where launched plugins' sockets live (a 0700 dir); default: a fresh dir under the system's temp dir. */
  runtimeDir?: string;
  logLevel: LogLevel;
  bodyLimitBytes: number;
  /** Registry mirrors, insecure hosts, credentials file, download concurrency (registry/registry-config.ts). */
  registries: RegistryConfig;
  /** How containers get a rootfs from an image: "auto" (overlayfs where a test mount works, else copy). */
  snapshotter: 'auto' | 'overlayfs' | 'copy';
  /** Container networking (docs/networking.md); only what the file sets, the daemon fills defaults. */
  network?: NetworkConfig;
  /** The Kubernetes CRI server (docs/cri.md). */
  cri: CriConfig;
}

export interface CriConfig {
  /** "auto": served when the runtime isolates (runc, crun, a configured OCI runtime); true: required (start fails otherwise). */
  enabled: boolean | 'auto';
  /** The CRI unix socket (default <dataRoot>/cri.sock) and its mode (default 0660). */
  socket: { path: string; mode: string };
  /** host:port of the Exec/Attach/PortForward streaming server (default 127.0.0.1:0, a free port). */
  streamingAddress: string;
}

export interface NetworkConfig {
  enabled?: boolean;
  bridgeName?: string;
  subnet?: string;
  pool?: string;
  cniPath?: string[];
  netnsDir?: string;
  cniDir?: string;
}

const TOP_LEVEL = ['dataRoot', 'listen', 'pluginsDir', 'runtime', 'runtimes', 'runRoot', 'runcRoot', 'runtimeDir', 'logLevel', 'bodyLimitBytes', 'registries', 'snapshotter', 'network', 'cri'] as const;

/** Reads and validates a config file. Errors are ConfigError (ERR_CONFIG_INVALID). */
export async function loadDaemonConfig(file: string): Promise<EffectiveConfig> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, undefined, `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, undefined, `is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseDaemonConfig(json, path);
}

/** Validates a parsed config; `file` names it in errors and is the base of its relative paths. */
export function parseDaemonConfig(json: unknown, file: string): EffectiveConfig {
  const path = resolve(file);
  const fields = new ConfigFields(path, dirname(path));
  const raw = fields.object('', json, TOP_LEVEL);
  const dataRoot = fields.path('dataRoot', raw.dataRoot);
  const config: EffectiveConfig = {
    file: path,
    dataRoot,
    listen: parseListen(fields, raw.listen, dataRoot),
    pluginsDir: fields.path('pluginsDir', raw.pluginsDir),
    runtime: 'auto',
    logLevel: raw.logLevel === undefined ? 'info' : fields.oneOf('logLevel', raw.logLevel, LOG_LEVELS),
    bodyLimitBytes: raw.bodyLimitBytes === undefined ? DEFAULT_BODY_LIMIT_BYTES : fields.integer('bodyLimitBytes', raw.bodyLimitBytes, 1024, MAX_BODY_LIMIT_BYTES),
    registries: parseRegistryConfig(fields, raw.registries),
    snapshotter: raw.snapshotter === undefined ? 'auto' : fields.oneOf('snapshotter', raw.snapshotter, ['auto', 'overlayfs', 'copy'] as const),
    cri: parseCri(fields, raw.cri, dataRoot),
  };
  if (raw.runtimes !== undefined) config.runtimes = parseRuntimes(fields, raw.runtimes);
  if (raw.runtime !== undefined) {
    const known = [...BUILTIN_RUNTIMES, ...Object.keys(config.runtimes ?? {})];
    config.runtime = fields.oneOf('runtime', raw.runtime, known);
  }
  if (raw.runRoot !== undefined) config.runRoot = fields.path('runRoot', raw.runRoot);
  if (raw.runcRoot !== undefined) config.runcRoot = fields.path('runcRoot', raw.runcRoot);
  if (raw.runtimeDir !== undefined) config.runtimeDir = fields.path('runtimeDir', raw.runtimeDir);
  if (raw.network !== undefined) config.network = parseNetwork(fields, raw.network);
  return config;
}

function parseNetwork(fields: ConfigFields, value: unknown): NetworkConfig {
  const raw = fields.object('network', value, ['enabled', 'bridgeName', 'subnet', 'pool', 'cniPath', 'netnsDir', 'cniDir']);
  const out: NetworkConfig = {};
  if (raw.enabled !== undefined) out.enabled = fields.boolean('network.enabled', raw.enabled);
  if (raw.bridgeName !== undefined) {
    out.bridgeName = fields.string('network.bridgeName', raw.bridgeName);
    if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(out.bridgeName)) throw fields.invalid('network.bridgeName', 'must be a Linux interface name: 1-15 letters, digits, "_", "." or "-"');
  }
  for (const key of ['subnet', 'pool'] as const) {
    if (raw[key] === undefined) continue;
    const text = fields.string(`network.${key}`, raw[key]);
    const parsed = parseSubnet(text);
    if ('error' in parsed) throw fields.invalid(`network.${key}`, parsed.error);
    out[key] = text;
  }
  if (raw.cniPath !== undefined) {
    if (!Array.isArray(raw.cniPath) || raw.cniPath.length === 0) throw fields.invalid('network.cniPath', 'must be a non-empty array of directories');
    out.cniPath = raw.cniPath.map((dir, i) => fields.path(`network.cniPath[${i}]`, dir));
  }
  if (raw.netnsDir !== undefined) out.netnsDir = fields.path('network.netnsDir', raw.netnsDir);
  if (raw.cniDir !== undefined) out.cniDir = fields.path('network.cniDir', raw.cniDir);
  return out;
}

/** "runtimes": {"<name>": {"path": "/usr/local/bin/youki", "runtimeArgs": ["--debug"]}}, Docker's daemon.json shape. */
function parseRuntimes(fields: ConfigFields, value: unknown): NonNullable<EffectiveConfig['runtimes']> {
  const runtimes: NonNullable<EffectiveConfig['runtimes']> = {};
  if (!fields.isObject(value)) throw fields.invalid('runtimes', 'must be an object of runtime names to {"path", "runtimeArgs"}');
  for (const [name, entry] of Object.entries(value)) {
    const field = `runtimes.${name}`;
    if (!RUNTIME_NAME.test(name) || name === 'auto' || name === 'process') {
      throw fields.invalid(field, 'is not a usable runtime name (letters, digits, "_", "." and "-"; not "auto" or "process")');
    }
    const spec = fields.object(field, entry, ['path', 'runtimeArgs']);
    const path = fields.path(`${field}.path`, spec.path);
    if (spec.runtimeArgs !== undefined && !(Array.isArray(spec.runtimeArgs) && spec.runtimeArgs.every((arg) => typeof arg === 'string'))) {
      throw fields.invalid(`${field}.runtimeArgs`, 'must be an array of strings');
    }
    runtimes[name] = spec.runtimeArgs === undefined ? { path } : { path, runtimeArgs: spec.runtimeArgs as string[] };
  }
  return runtimes;
}

function parseCri(fields: ConfigFields, value: unknown, dataRoot: string): CriConfig {
  const cri = value === undefined ? {} : fields.object('cri', value, ['enabled', 'socket', 'socketMode', 'streamingAddress']);
  if (cri.enabled !== undefined && cri.enabled !== 'auto' && typeof cri.enabled !== 'boolean') throw fields.invalid('cri.enabled', 'must be true, false or "auto"');
  const enabled = (cri.enabled ?? 'auto') as boolean | 'auto';
  const path = cri.socket === undefined ? join(dataRoot, DEFAULT_CRI_SOCKET_NAME) : fields.path('cri.socket', cri.socket);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw fields.invalid(cri.socket === undefined ? 'dataRoot' : 'cri.socket', `gives the CRI socket path ${path}, which is longer than the ${MAX_SOCKET_PATH_BYTES} bytes a unix socket path may have; choose a shorter path`);
  }
  const mode = cri.socketMode === undefined ? DEFAULT_SOCKET_MODE : fields.fileMode('cri.socketMode', cri.socketMode);
  const streamingAddress = cri.streamingAddress === undefined ? DEFAULT_STREAMING_ADDRESS : fields.string('cri.streamingAddress', cri.streamingAddress);
  try {
    parseAddress(streamingAddress);
  } catch (error) {
    throw fields.invalid('cri.streamingAddress', (error as Error).message.replace(/^cri\.streamingAddress \S+: /, ''));
  }
  return { enabled, socket: { path, mode: `0${mode.toString(8)}` }, streamingAddress };
}

function parseListen(fields: ConfigFields, value: unknown, dataRoot: string): EffectiveConfig['listen'] {
  const listen = value === undefined ? {} : fields.object('listen', value, ['socket', 'tcp']);
  const socket = parseSocket(fields, listen.socket, dataRoot);
  const tcp = listen.tcp === undefined ? undefined : parseTcp(fields, listen.tcp);
  if (socket === false && tcp === undefined) throw fields.invalid('listen', 'must listen somewhere: "socket" is false and there is no "tcp"');
  return tcp === undefined ? { socket } : { socket, tcp };
}

function parseSocket(fields: ConfigFields, value: unknown, dataRoot: string): EffectiveConfig['listen']['socket'] {
  if (value === false) return false;
  const socket = value === undefined ? {} : fields.object('listen.socket', value, ['path', 'mode']);
  const path = socket.path === undefined ? join(dataRoot, DEFAULT_SOCKET_NAME) : fields.path('listen.socket.path', socket.path);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw fields.invalid(socket.path === undefined ? 'dataRoot' : 'listen.socket.path', `gives the socket path ${path}, which is longer than the ${MAX_SOCKET_PATH_BYTES} bytes a unix socket path may have; choose a shorter path`);
  }
  const mode = socket.mode === undefined ? DEFAULT_SOCKET_MODE : fields.fileMode('listen.socket.mode', socket.mode);
  return { path, mode: `0${mode.toString(8)}` };
}

function parseTcp(fields: ConfigFields, value: unknown): TcpListenConfig {
  const tcp = fields.object('listen.tcp', value, ['host', 'port', 'tls', 'insecure']);
  const out: TcpListenConfig = {
    host: tcp.host === undefined ? '127.0.0.1' : fields.string('listen.tcp.host', tcp.host),
    port: fields.integer('listen.tcp.port', tcp.port, 0, 65535),
    insecure: tcp.insecure === undefined ? false : fields.boolean('listen.tcp.insecure', tcp.insecure),
  };
  if (tcp.tls !== undefined) {
    const tls = fields.object('listen.tcp.tls', tcp.tls, ['certFile', 'keyFile', 'caFile']);
    out.tls = { certFile: fields.path('listen.tcp.tls.certFile', tls.certFile), keyFile: fields.path('listen.tcp.tls.keyFile', tls.keyFile) };
    if (tls.caFile !== undefined) out.tls.caFile = fields.path('listen.tcp.tls.caFile', tls.caFile);
  }
  if (out.tls === undefined && !out.insecure) {
    throw fields.invalid('listen.tcp.tls', 'is required: the API controls containers as root, so TCP needs TLS (set "insecure": true only on a trusted network)');
  }
  if (out.tls !== undefined && out.insecure) throw fields.invalid('listen.tcp.insecure', 'cannot be true together with "tls"');
  return out;
}

/** The effective config as the JSON `hookd config` prints. */
export function formatEffectiveConfig(config: EffectiveConfig): string {
  return JSON.stringify(config, null, 2);
}
