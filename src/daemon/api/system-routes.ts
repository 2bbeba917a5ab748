// System routes: ping, version, info, events, metrics.

import { cpus, hostname, release, totalmem } from 'node:os';
import { matchesEventFilter, type EventFilter } from '../events.ts';
import { parseFilters } from '../containers/inspect-view.ts';
import { API_VERSION, MIN_API_VERSION } from './api-version.ts';
import { badRequest, notFound } from './errors.ts';
import { type RouteDeps } from './route-deps.ts';
import { jsonResponse, textResponse, type RouteContext, type RouteSpec } from './route-table.ts';

/** Go's GOARCH names (/version) and uname's machine names (/info), as Docker reports them. */
const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', s390x: 's390x', ppc64: 'ppc64le' };
const MACHINE: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', ia32: 'i686', s390x: 's390x', ppc64: 'ppc64le' };

export function systemRoutes(deps: RouteDeps): RouteSpec[] {
  const ping = async (): Promise<ReturnType<typeof textResponse>> => {
    const answer = textResponse(200, 'OK');
    answer.headers['Cache-Control'] = 'no-cache, no-store, must-revalidate';
    answer.headers['Pragma'] = 'no-cache';
    return answer;
  };
  return [
    { method: 'GET', path: '/_ping', handler: ping },
    { method: 'HEAD', path: '/_ping', handler: ping },
    { method: 'GET', path: '/version', handler: async () => jsonResponse(200, versionOf(deps)) },
    { method: 'GET', path: '/info', handler: async () => jsonResponse(200, infoOf(deps)) },
    { method: 'GET', path: '/events', streaming: true, handler: (ctx) => streamEvents(deps, ctx) },
    {
      method: 'GET', path: '/metrics', handler: async () => {
        if (!deps.metrics) throw notFound('metrics are not enabled in this daemon');
        const { contentType, body } = await deps.metrics();
        return { status: 200, headers: { 'Content-Type': contentType }, body: Buffer.from(body) };
      },
    },
  ];
}

function versionOf(deps: RouteDeps): Record<string, unknown> {
  const details = {
    ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: ARCH[process.arch] ?? process.arch,
    KernelVersion: release(), Runtime: deps.runtime.name, NodeVersion: process.version,
  };
  return {
    Platform: { Name: 'hookd' },
    Components: [{ Name: 'Engine', Version: deps.daemon.version, Details: details }],
    Version: deps.daemon.version,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: '',
    GoVersion: process.version,
    Os: 'linux',
    Arch: details.Arch,
    KernelVersion: release(),
    BuildTime: '',
  };
}

function infoOf(deps: RouteDeps): Record<string, unknown> {
  const all = deps.containers.list({ all: true, filters: {} });
  const running = all.filter((record) => record.State.Running).length;
  const plugins = deps.daemon.plugins();
  const warnings = deps.runtime.isolated ? [] : [`WARNING: the "${deps.runtime.name}" runtime runs containers as plain processes on the host, without isolation`];
  return {
    ID: deps.daemon.id,
    Containers: all.length,
    ContainersRunning: running,
    ContainersPaused: 0,
    ContainersStopped: all.length - running,
    Images: deps.images.list().length,
    Driver: deps.images.snapshotterName ?? 'hookd-copy',
    DockerRootDir: deps.daemon.dataRoot,
    Name: hostname(),
    OperatingSystem: 'hookd',
    OSType: 'linux',
    Architecture: MACHINE[process.arch] ?? process.arch,
    KernelVersion: release(),
    NCPU: cpus().length,
    MemTotal: totalmem(),
    ServerVersion: deps.daemon.version,
    DefaultRuntime: deps.runtime.name,
    Runtimes: Object.fromEntries((deps.runtime.describe?.() ?? [{ name: deps.runtime.name, path: deps.runtime.name }]).map((handler) => [handler.name, { path: handler.path }])),
    LoggingDriver: 'json-file',
    CgroupDriver: 'none',
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Log: ['json-file'], Authorization: null },
    SecurityOptions: [],
    Swarm: { LocalNodeState: 'inactive', NodeID: '', NodeAddr: '', ControlAvailable: false, Error: '', RemoteManagers: null },
    Warnings: warnings,
    // hookd-specific: which runtime runs containers, whether they are isolated, and the plugins.
    Hookd: { Runtime: deps.runtime.name, Isolated: deps.runtime.isolated, Monitor: deps.runtime.isolated ? 'conmon' : 'shim', Plugins: plugins.total, PluginsReady: plugins.ready },
  };
}

/** Docker's events stream: JSON objects one after the other, until `until` or the client leaves. */
async function streamEvents(deps: RouteDeps, ctx: RouteContext): Promise<undefined> {
  const filters = parseFilters(ctx.query.get('filters')) as EventFilter;
  const since = parseTime(ctx.query.get('since'), 'since');
  const until = parseTime(ctx.query.get('until'), 'until');
  const res = ctx.res;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  const write = (event: Parameters<typeof matchesEventFilter>[0]): void => {
    if (matchesEventFilter(event, filters)) res.write(`${JSON.stringify(event)}\n`);
  };
  if (since !== undefined) for (const event of deps.events.since(since)) if (until === undefined || event.time <= until) write(event);
  const nowSeconds = Date.now() / 1000;
  if (until !== undefined && until <= nowSeconds) {
    res.end();
    return undefined;
  }
  await new Promise<void>((resolve) => {
    const unsubscribe = deps.events.subscribe(write);
    const timer = until === undefined ? undefined : setTimeout(finish, (until - nowSeconds) * 1000);
    function finish(): void {
      unsubscribe();
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', finish);
      if (!res.writableEnded) res.end();
      resolve();
    }
    ctx.signal.addEventListener('abort', finish, { once: true });
  });
  return undefined;
}

function parseTime(value: string | null, name: string): number | undefined {
  if (value === null || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw badRequest(`invalid ${name} parameter: ${JSON.stringify(value)} is neither unix seconds nor a date`);
  return parsed / 1000;
}
