// Realistic hook inputs: what the daemon really sends, field names and all, so that a plugin that
// only works on toy documents shows it here rather than in production. Shapes follow the Docker
// Engine / PouchContainer API (docs/protocol.md §7); paths that a plugin may write to (rootfs,
// BaseFS) point into the kit's scratch directory.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const CONTAINER_ID = '4f2b7d0c9a1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d';

/** The container's root filesystem (PostUpdate's rootfs, PreStart's BaseFS), with the /etc a real one has. */
export function rootfsPath(scratchDir: string): string {
  return join(scratchDir, 'rootfs');
}

/** The daemon's data directory, as DaemonPreStart sends it. */
export function dataRootPath(scratchDir: string): string {
  return join(scratchDir, 'data-root');
}

/** Creates the directories the inputs point to, so a plugin that writes there finds them as it would. */
export async function prepareScratch(scratchDir: string): Promise<void> {
  await mkdir(join(rootfsPath(scratchDir), 'etc'), { recursive: true });
  await mkdir(join(rootfsPath(scratchDir), 'tmp'), { recursive: true });
  await mkdir(dataRootPath(scratchDir), { recursive: true });
}

/** A ContainerCreateConfig as POST /containers/create carries it (docker run -m 512m -e ... busybox). */
export function containerCreateConfig(): Record<string, unknown> {
  return {
    Hostname: '',
    Domainname: '',
    User: '',
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'APP_ENV=production', 'TZ=UTC'],
    Cmd: ['sh', '-c', 'echo hello && sleep 3600'],
    Image: 'busybox:latest',
    Volumes: {},
    WorkingDir: '/srv',
    Entrypoint: null,
    Labels: { 'com.example.team': 'platform', 'com.example.service': 'web' },
    SpecAnnotation: {},
    HostConfig: {
      Binds: ['/var/lib/app-data:/data:rw'],
      NetworkMode: 'bridge',
      PortBindings: {},
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      AutoRemove: false,
      CapAdd: null,
      CapDrop: null,
      Dns: [],
      Privileged: false,
      ReadonlyRootfs: false,
      Memory: 536870912,
      MemorySwap: -1,
      CpuShares: 512,
      CpusetCpus: '',
      PidsLimit: null,
      LogConfig: { Type: 'json-file', Config: {} },
    },
    NetworkingConfig: { EndpointsConfig: {} },
  };
}

/** GET /containers/{id}/json of that container, plus BaseFS, as ContainerPreStart sends it. */
export function containerInspect(scratchDir: string): Record<string, unknown> {
  const config = containerCreateConfig();
  const { HostConfig: hostConfig, NetworkingConfig: _networking, ...containerConfig } = config;
  return {
    Id: CONTAINER_ID,
    Created: '2026-01-01T12:00:00.000000000Z',
    Path: 'sh',
    Args: ['-c', 'echo hello && sleep 3600'],
    State: {
      Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
      Pid: 0, ExitCode: 0, Error: '', StartedAt: '0001-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z',
    },
    Image: 'sha256:6fd955f66c231c1a946653170d096a28ac2b2052a02080c0b84ec082a07f7d12',
    Name: '/web-1',
    RestartCount: 0,
    Driver: 'overlay2',
    Config: containerConfig,
    HostConfig: hostConfig,
    NetworkSettings: { Networks: { bridge: { IPAddress: '', Gateway: '', MacAddress: '' } } },
    Mounts: [{ Type: 'bind', Source: '/var/lib/app-data', Destination: '/data', Mode: 'rw', RW: true }],
    BaseFS: rootfsPath(scratchDir),
  };
}

/** The endpoint of a container on the bridge network, as PreCreateEndpoint sends it. */
export function endpoint(): Record<string, unknown> {
  return {
    Name: 'bridge',
    ID: '',
    Priority: 0,
    DisableResolver: false,
    GenericParams: {},
    EndpointConfig: { IPAMConfig: null, Links: null, Aliases: null, NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', MacAddress: '' },
  };
}

/** The container's env on the endpoint request: what endpoint plugins read their settings from. */
export function endpointEnv(): string[] {
  return ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'APP_ENV=production', 'RequestedIP=10.88.0.17'];
}

/** The raw body of `docker update --memory 1g --env A=1 web-1`, bytes as the client sent them. */
export function updateBody(): Buffer {
  return Buffer.from(JSON.stringify({
    Memory: 1073741824,
    MemorySwap: -1,
    CpuShares: 0,
    RestartPolicy: { Name: '', MaximumRetryCount: 0 },
    Env: ['APP_ENV=staging'],
    Label: [],
  }));
}

/** The full merged env after that update, as PostUpdate sends it. */
export function updatedEnv(): string[] {
  return ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'APP_ENV=staging', 'TZ=UTC', 'HOME=/root'];
}

/** POST /volumes/create from `docker volume create --label owner=web data` (the driver left to the daemon). */
export function volumeCreateConfig(): Record<string, unknown> {
  return { Name: 'data', Driver: '', DriverOpts: {}, Labels: { owner: 'web' } };
}

/** CRI sandbox metadata (read-only) beside a CRI create. */
export function criSandbox(): Record<string, unknown> {
  return {
    ID: '8c1e5a3b7d9f2c4e6a8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c',
    Config: {
      Metadata: { Name: 'web-7d9f', Uid: '5f0c2d9e-1b3a-4c5d-8e7f-9a0b1c2d3e4f', Namespace: 'default', Attempt: 0 },
      Hostname: 'web-7d9f',
      LogDirectory: '/var/log/pods/default_web-7d9f_5f0c2d9e',
      Labels: { app: 'web' },
      Annotations: {},
    },
    Runtime: 'runc',
    NetNS: '/var/run/netns/cni-5f0c2d9e',
    LxcfsEnabled: false,
  };
}

/**
 * The route table `hookd daemon` sends in ApiUpdateHandler: the defaults of
 * src/daemon/api/default-routes.ts, then the daemon's own src/daemon/plugin-routes.ts. A copy, so the kit needs no daemon; test/integration/conformance/inputs.test.ts fails when
 * the two drift apart.
 */
export const DEFAULT_ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  { method: 'GET', path: '/_ping' }, { method: 'HEAD', path: '/_ping' }, { method: 'GET', path: '/version' },
  { method: 'GET', path: '/info' }, { method: 'GET', path: '/events' }, { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/system/df' }, { method: 'POST', path: '/containers/create' },
  { method: 'GET', path: '/containers/json' }, { method: 'GET', path: '/containers/{name}/json' },
  { method: 'GET', path: '/containers/{name}/hookd/provenance' },
  { method: 'POST', path: '/containers/{name}/start' }, { method: 'POST', path: '/containers/{name}/stop' },
  { method: 'POST', path: '/containers/{name}/restart' },
  { method: 'POST', path: '/containers/{name}/kill' }, { method: 'POST', path: '/containers/{name}/update' },
  { method: 'POST', path: '/containers/{name}/rename' }, { method: 'DELETE', path: '/containers/{name}' },
  { method: 'POST', path: '/containers/prune' }, { method: 'POST', path: '/containers/{name}/resize' },
  { method: 'POST', path: '/containers/{name}/wait' }, { method: 'GET', path: '/containers/{name}/logs' },
  { method: 'POST', path: '/containers/{name}/attach' }, { method: 'POST', path: '/containers/{name}/exec' },
  { method: 'POST', path: '/exec/{id}/start' }, { method: 'GET', path: '/exec/{id}/json' },
  { method: 'POST', path: '/exec/{id}/resize' }, { method: 'GET', path: '/volumes' },
  { method: 'POST', path: '/volumes/create' }, { method: 'POST', path: '/volumes/prune' },
  { method: 'GET', path: '/volumes/{name}' }, { method: 'DELETE', path: '/volumes/{name}' },
  { method: 'GET', path: '/networks' }, { method: 'POST', path: '/networks/create' },
  { method: 'POST', path: '/networks/prune' }, { method: 'GET', path: '/networks/{id}' },
  { method: 'DELETE', path: '/networks/{id}' }, { method: 'POST', path: '/networks/{id}/connect' },
  { method: 'POST', path: '/networks/{id}/disconnect' }, { method: 'POST', path: '/images/create' },
  { method: 'POST', path: '/images/load' }, { method: 'GET', path: '/images/json' },
  { method: 'GET', path: '/images/get' }, { method: 'GET', path: '/images/{name}/get' },
  { method: 'GET', path: '/images/{name}/json' }, { method: 'POST', path: '/images/{name}/tag' },
  { method: 'POST', path: '/images/prune' }, { method: 'DELETE', path: '/images/{name}' }, { method: 'POST', path: '/auth' },
  // Appended by `hookd daemon` (src/daemon/plugin-routes.ts) before API plugins see the table.
  { method: 'GET', path: '/hookd/plugins' }, { method: 'POST', path: '/hookd/plugins/{name}/restart' },
];

/** GET /images/busybox:latest/json, as ImagePostPull sends it. */
export function imageInspect(): Record<string, unknown> {
  return {
    Id: 'sha256:6fd955f66c231c1a946653170d096a28ac2b2052a02080c0b84ec082a07f7d12',
    RepoTags: ['busybox:latest'],
    RepoDigests: ['busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7'],
    Created: '2024-09-26T21:31:42Z',
    Architecture: 'amd64',
    Os: 'linux',
    Size: 4261550,
    Config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'], Labels: null },
    RootFS: { Type: 'layers', Layers: ['sha256:65014c70e84b6817fac42bb201ec5c4a4ba4d1e1b9b5ba3e1e5b0c4e9a0b1c2d'] },
  };
}

/** A request to a route the plugin added, as HandleHttp carries it. Placeholders get sample values. */
export function httpRequestFor(method: string, routePath: string): Record<string, unknown> {
  const params: Record<string, string> = {};
  const path = routePath.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    params[name] = name === 'id' ? CONTAINER_ID.slice(0, 12) : 'web-1';
    return params[name] as string;
  });
  const hasBody = method !== 'GET' && method !== 'HEAD' && method !== 'DELETE';
  return {
    method,
    path,
    query: '',
    headers: [{ name: 'Host', value: 'docker' }, { name: 'User-Agent', value: 'Docker-Client/27.3.1 (linux)' }, ...(hasBody ? [{ name: 'Content-Type', value: 'application/json' }] : [])],
    body: hasBody ? Buffer.from('{}') : Buffer.alloc(0),
    route_path: routePath,
    path_params: params,
  };
}
