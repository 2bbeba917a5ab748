// What the compose test asserts, one check per effect. Each check throws an Error that says what
// was expected and what came back, or returns a one-line account of what it saw.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DaemonApi } from './daemon-api.ts';

export const IMAGE = 'hookd-compose/rootfs:test';
/** A tag per run, so that reruns against the same data volume never collide on names. */
const RUN = Date.now().toString(36);
let sequence = 0;
/** The compose manifests redial at most a second apart, so a back-again sidecar is ready in seconds. */
const REDIAL_TIMEOUT_MS = 60_000;

export interface Check {
  title: string;
  run: (api: DaemonApi) => Promise<string>;
}

function uniqueName(stem: string): string {
  sequence += 1;
  return `${stem}-${RUN}-${sequence}`;
}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Imports a tiny rootfs as IMAGE. The process runtime runs the daemon container's own binaries
 * with their working directory in this rootfs, so it needs no binaries of its own. */
export async function importImage(api: DaemonApi): Promise<void> {
  const existing = await api.call('GET', `/images/${encodeURIComponent(IMAGE)}/json`);
  if (existing.status === 200) return;
  const dir = mkdtempSync(join(tmpdir(), 'hookd-rootfs-'));
  try {
    for (const sub of ['etc', 'tmp', 'root']) mkdirSync(join(dir, 'rootfs', sub), { recursive: true });
    const tarball = execFileSync('tar', ['-c', '-f', '-', '-C', join(dir, 'rootfs'), '.'], { maxBuffer: 16 * 1024 * 1024 });
    const [repo, tag] = IMAGE.split(':') as [string, string];
    await api.ok('POST', `/images/create?fromSrc=-&repo=${encodeURIComponent(repo)}&tag=${tag}`, tarball);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function createContainer(api: DaemonApi, stem: string, config: Record<string, unknown>): Promise<string> {
  const name = uniqueName(stem);
  await api.ok('POST', `/containers/create?name=${name}`, { Image: IMAGE, Cmd: ['true'], ...config });
  return name;
}

async function inspect(api: DaemonApi, name: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- Docker's inspect document
  return (await api.ok('GET', `/containers/${name}/json`)).json;
}

async function remove(api: DaemonApi, name: string): Promise<void> {
  await api.call('DELETE', `/containers/${name}?force=true`);
}

/** The endpoints of a container: NetworkSettings.Networks' values. */
function endpointsOf(document: any): Array<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- Docker's inspect document
  return Object.values(document?.NetworkSettings?.Networks ?? {});
}

export function pluginsReady(names: string[]): Check {
  return {
    title: `GET /hookd/plugins lists ${names.join(', ')} as attached and ready`,
    run: async (api) => {
      const listing = await api.plugins();
      for (const name of names) {
        const plugin = listing.find((entry) => entry.name === name);
        expect(plugin, `${name} is not listed; listed: ${listing.map((entry) => entry.name).join(', ')}`);
        expect(plugin.state === 'ready', `${name} is ${plugin.state}${plugin.lastError ? `: ${plugin.lastError.message}` : ''}`);
        expect(plugin.kind === 'attached', `${name} is ${plugin.kind}, not attached`);
      }
      return names.map((name) => `${name}=ready`).join(', ');
    },
  };
}

/** A sidecar that compose stopped or restarted was redialled: the host counts it as a restart. */
export function pluginRedialled(name: string): Check {
  return {
    title: `${name} was redialled after compose stopped or restarted it`,
    run: async (api) => {
      // Polled: right after `docker-compose restart` the host may not have seen the old connection drop yet.
      const listing = await api.waitForPlugins([name], (entry) => entry.state === 'ready' && entry.restarts >= 1, 'ready after a redial', REDIAL_TIMEOUT_MS);
      return `ready, ${listing.find((entry) => entry.name === name)?.restarts} redial(s)`;
    },
  };
}

/** Node sidecar (unix socket), container.preCreate. */
export const legacyEnvConverts: Check = {
  title: 'legacy-env (Node, unix socket) converts legacy env and labels on create',
  run: async (api) => {
    const name = await createContainer(api, 'legacy', { Env: ['ali_memory=256m'], Labels: { 'pouch.SupportCgroup': 'true' } });
    try {
      const document = await inspect(api, name);
      expect(document.HostConfig.Memory === 256 * 1024 * 1024, `HostConfig.Memory is ${document.HostConfig.Memory}, want 268435456 from ali_memory=256m`);
      expect(document.Config.Env.includes('pouchSupportCgroup=true'), `Env ${JSON.stringify(document.Config.Env)} lacks pouchSupportCgroup=true`);
      const claims = (document.HookdProvenance ?? []).filter((entry: { plugin: string }) => entry.plugin === 'legacy-env');
      expect(claims.length > 0, `provenance does not name legacy-env: ${JSON.stringify(document.HookdProvenance)}`);
      return `Memory=${document.HostConfig.Memory}, pouchSupportCgroup=true, ${claims.length} provenance entries`;
    } finally {
      await remove(api, name);
    }
  },
};

const ENDPOINT_ENV = ['alinet_vlan=42', 'RequestedIP=10.1.2.3'];
const WANT_MAC = '02:42:0a:01:02:03';

/** Go sidecar (TCP + mutual TLS), container.preCreateEndpoint: true = expect its params, false = expect none. */
export function endpointParams(isExpected: boolean): Check {
  return {
    title: isExpected
      ? 'go-endpoint-params (Go, TCP + mutual TLS) puts env-derived params on the endpoint'
      : 'with go-endpoint-params away, a container still starts (failurePolicy ignore), its endpoint unchanged',
    run: async (api) => {
      const name = await createContainer(api, 'endpoint', { Env: ENDPOINT_ENV });
      try {
        await api.ok('POST', `/containers/${name}/start`);
        const endpoints = endpointsOf(await inspect(api, name));
        expect(endpoints.length > 0, 'the container has no endpoint in NetworkSettings.Networks');
        const params = endpoints.map((endpoint) => endpoint.GenericParams ?? {});
        const isSet = params.some((entry) => entry.alinet_vlan === '42' && entry['com.docker.network.endpoint.macaddress'] === WANT_MAC);
        if (isExpected) {
          expect(isSet, `no endpoint has GenericParams alinet_vlan=42 and macaddress ${WANT_MAC}: ${JSON.stringify(endpoints)}`);
          return `GenericParams ${JSON.stringify(params[0])}`;
        }
        expect(!isSet, `the endpoint has the plugin's params although the plugin is stopped: ${JSON.stringify(endpoints)}`);
        return 'started; endpoint without the plugin\'s params';
      } finally {
        await remove(api, name);
      }
    },
  };
}

/** Go sidecar (unix socket) sharing the data volume, container.postUpdate. */
export const envFilesWritten: Check = {
  title: 'go-env-files (Go, unix socket) writes /etc/instanceInfo into the rootfs on an env update',
  run: async (api) => {
    const name = await createContainer(api, 'envfiles', { Cmd: ['sleep', '300'] });
    try {
      await api.ok('POST', `/containers/${name}/start`);
      await api.ok('POST', `/containers/${name}/update`, { Env: ['GREETING=hi there'] });
      const rootfs = (await inspect(api, name)).GraphDriver?.Data?.RootDir as string | undefined;
      expect(rootfs, 'inspect has no GraphDriver.Data.RootDir');
      const file = join(rootfs, 'etc/instanceInfo');
      let text = '';
      try { text = readFileSync(file, 'utf8'); } catch (error) { throw new Error(`${file}: ${(error as Error).message}`, { cause: error }); }
      expect(/^GREETING=hi there$/m.test(text), `${file} lacks GREETING=hi there:\n${text}`);
      return `${file} has GREETING=hi there`;
    } finally {
      await remove(api, name);
    }
  },
};

/** Python sidecar (TCP + mutual TLS), volume.preVolumeCreate. */
export const volumeDefaultsApplied: Check = {
  title: 'volume-defaults (Python, TCP + mutual TLS) fills in volume defaults on create',
  run: async (api) => {
    const name = uniqueName('defaults');
    await api.ok('POST', '/volumes/create', { Name: name });
    try {
      const volume = (await api.ok('GET', `/volumes/${name}`)).json;
      expect(volume.Options?.size === '10G', `Options ${JSON.stringify(volume.Options)} lacks size=10G`);
      expect(volume.Labels?.['io.hookd.volume.owner'] === 'platform', `Labels ${JSON.stringify(volume.Labels)} lack io.hookd.volume.owner=platform`);
      return `Options.size=10G, Labels io.hookd.volume.owner=platform`;
    } finally {
      await api.call('DELETE', `/volumes/${name}`);
    }
  },
};

/** A required plugin that is away makes creates fail closed, with an error that names it. */
export function requiredFailsClosed(plugin: string): Check {
  return {
    title: `with ${plugin} away (required), a create fails closed naming it`,
    run: async (api) => {
      const name = uniqueName('closed');
      const answer = await api.call('POST', `/containers/create?name=${name}`, { Image: IMAGE, Cmd: ['true'] });
      await remove(api, name);
      expect(answer.status >= 400, `the create answered ${answer.status}; a required plugin that is down must fail it`);
      const message = String(answer.json?.message ?? answer.body);
      expect(message.includes(plugin), `the error does not name ${plugin}: ${message}`);
      return `${answer.status}: ${message}`;
    },
  };
}
