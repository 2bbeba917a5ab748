// The HOOKD_* variables a plugin reads, turned into where and how to serve. docs/protocol.md lists
// them for every language; this is the Node reading of that table.
//
//   HOOKD_PLUGIN_ADDRESS     set by the host when it launches the plugin: serve here (launched mode)
//   HOOKD_PLUGIN_NAME        set by the host: the manifest's name for this plugin
//   HOOKD_PROTOCOL_VERSIONS  set by the host: the versions it speaks, comma-separated ("1")
//   HOOKD_LISTEN             set by the operator of a sidecar: serve here, no parent host
//   HOOKD_TLS_CERT_FILE      PEM certificate chain served on a TCP address
//   HOOKD_TLS_KEY_FILE       PEM private key of that certificate
//   HOOKD_TLS_CLIENT_CA_FILE PEM CA bundle; when set, clients must present a certificate it signed
//   HOOKD_LOG_LEVEL          debug | info | warn | error (default info)

export type ServeMode = 'launched' | 'sidecar';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  clientCaFile?: string;
}

export interface ServeSettings {
  mode: ServeMode;
  /** A grpc-js bind target: "unix:///abs/path.sock" or "host:port". */
  address: string;
  tls?: TlsFiles;
  /** HOOKD_PLUGIN_NAME, when the host set it. */
  manifestName?: string;
  /** HOOKD_PROTOCOL_VERSIONS, when the host set it. */
  hostProtocolVersions?: string[];
}

export class ServeSettingsError extends Error {
  override name = 'ServeSettingsError';
}

/** undefined when neither HOOKD_PLUGIN_ADDRESS nor HOOKD_LISTEN is set: the plugin was run by hand. */
export function readServeSettings(env: NodeJS.ProcessEnv): ServeSettings | undefined {
  const launchedAt = nonEmpty(env.HOOKD_PLUGIN_ADDRESS);
  const listenAt = nonEmpty(env.HOOKD_LISTEN);
  if (launchedAt === undefined && listenAt === undefined) return undefined;

  // A host-launched plugin always serves where the host said, even if HOOKD_LISTEN leaked into
  // the daemon's environment.
  const mode: ServeMode = launchedAt !== undefined ? 'launched' : 'sidecar';
  const variable = mode === 'launched' ? 'HOOKD_PLUGIN_ADDRESS' : 'HOOKD_LISTEN';
  const address = normalizeAddress((launchedAt ?? listenAt) as string);
  const tls = readTlsFiles(env);

  if (isTcpAddress(address) && !tls) {
    // Sidecars are reached over the network: TCP without TLS is refused (DESIGN §2). A launched
    // plugin on TCP is reachable by anyone on the host, so only loopback is tolerated there.
    if (mode === 'sidecar' || !isLoopback(address)) {
      throw new ServeSettingsError(
        `${variable}=${address} is a TCP address, which needs TLS: set HOOKD_TLS_CERT_FILE and HOOKD_TLS_KEY_FILE ` +
          '(and HOOKD_TLS_CLIENT_CA_FILE to require client certificates), or use a unix:///path socket',
      );
    }
  }
  if (!isTcpAddress(address) && tls) {
    throw new ServeSettingsError(`${variable}=${address} is a unix socket; HOOKD_TLS_* apply to TCP addresses only`);
  }

  return {
    mode,
    address,
    ...(tls ? { tls } : {}),
    ...(nonEmpty(env.HOOKD_PLUGIN_NAME) ? { manifestName: env.HOOKD_PLUGIN_NAME } : {}),
    ...(nonEmpty(env.HOOKD_PROTOCOL_VERSIONS)
      ? { hostProtocolVersions: parseVersionList(env.HOOKD_PROTOCOL_VERSIONS as string) }
      : {}),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function readTlsFiles(env: NodeJS.ProcessEnv): TlsFiles | undefined {
  const certFile = nonEmpty(env.HOOKD_TLS_CERT_FILE);
  const keyFile = nonEmpty(env.HOOKD_TLS_KEY_FILE);
  const clientCaFile = nonEmpty(env.HOOKD_TLS_CLIENT_CA_FILE);
  if (!certFile && !keyFile && !clientCaFile) return undefined;
  if (!certFile || !keyFile) {
    throw new ServeSettingsError('HOOKD_TLS_CERT_FILE and HOOKD_TLS_KEY_FILE must be set together');
  }
  return { certFile, keyFile, ...(clientCaFile ? { clientCaFile } : {}) };
}

/** "unix:///p", "unix:/p" and a bare absolute path are unix sockets; "tcp://h:p" and "h:p" are TCP. */
export function normalizeAddress(value: string): string {
  if (value.startsWith('unix:')) return value;
  if (value.startsWith('/')) return `unix://${value}`;
  if (value.startsWith('tcp://')) return value.slice('tcp://'.length);
  return value;
}

export function isTcpAddress(address: string): boolean {
  return !address.startsWith('unix:');
}

/** The filesystem path of a unix: address. */
export function socketPathOf(address: string): string {
  return address.replace(/^unix:(\/\/)?/, '');
}

function isLoopback(address: string): boolean {
  const host = address.slice(0, address.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** "1", "1,2", "1 2" or a JSON array such as ["1","2"]. */
export function parseVersionList(value: string): string[] {
  return value.replace(/[[\]"]/g, ' ').split(/[\s,]+/).filter((version) => version !== '');
}
