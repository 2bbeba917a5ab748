// POST /containers/create, step by step: decode + validate → container.preCreate (before any
// default, so what the plugins return is what is stored and used) → image resolution → name →
// image defaults → mounts → rootfs. Nothing is stored here; the manager stores the result.

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HookInvoker, ProvenanceEntry } from '../../host/index.ts';
import { badRequest, notFound } from '../errors.ts';
import type { ImageStore } from '../images/image-store.ts';
import type { VolumeManager } from '../volumes/volume-manager.ts';
import { initialState, type ContainerRecord, type CreateConfig } from './container-record.ts';
import { decodeCreateConfig, validateCreateConfig } from './create-config.ts';
import { emptyEndpointState, networkModeOf } from './endpoints.ts';
import { applyImageDefaults, commandOf } from './image-defaults.ts';
import { resolveMounts } from './mounts.ts';
import { generateContainerId, generateName, normalizeName } from './names.ts';

export interface CreateDeps {
  invoker: HookInvoker;
  images: ImageStore;
  volumes: VolumeManager;
  dataRoot: string;
  /** Whether a container has or is being created with `name`. */
  isNameTaken(name: string): boolean;
  /**
   * Claims `name` until the manager has stored the record (or the create failed), so that two
   * concurrent creates cannot both take it; throws 409 when it is taken.
   */
  claimName(name: string): void;
}

/**
 * A root filesystem the caller makes itself instead of taking an image's: a pod sandbox's infra
 * (catatonit bind-mounted into a few empty dirs) needs no image. The record's Image is then "" and
 * Config.Image the `name` given here, so ps and inspect say what it is; nothing in the image store
 * refers to it, and removing the container removes the dir like any other rootfs.
 */
export interface RootfsSource {
  name: string;
  prepare(targetDir: string): Promise<void>;
}

export function containerDirOf(dataRoot: string, id: string): string {
  return join(dataRoot, 'containers', id);
}

export async function createContainer(deps: CreateDeps, body: Record<string, unknown>, requestedName: string, rootfsSource?: RootfsSource): Promise<ContainerRecord> {
  const received = decodeCreateConfig(body);
  if (requestedName) normalizeName(requestedName); // a bad name is refused before any plugin runs

  const result = await deps.invoker.invoke('container.preCreate', { config: received, name: requestedName });
  const config = (result.document ?? received) as CreateConfig;
  validateCreateConfig(config, `container.preCreate returned an invalid create config${blame(result.provenance)}`);

  const { HostConfig: hostConfig = {}, NetworkingConfig: networking = {}, ...containerConfig } = config;
  if (rootfsSource) containerConfig.Image = rootfsSource.name;
  if (!containerConfig.Image) throw badRequest('invalid create config: Image is required');
  const image = rootfsSource ? undefined : deps.images.resolve(containerConfig.Image);
  if (!image && !rootfsSource) throw notFound(`No such image: ${containerConfig.Image}`);

  const name = requestedName ? normalizeName(requestedName) : generateName((n) => deps.isNameTaken(n));
  deps.claimName(name);
  if (hostConfig.AutoRemove && hostConfig.RestartPolicy?.Name && hostConfig.RestartPolicy.Name !== 'no') {
    throw badRequest('conflicting options: cannot specify both --restart and --rm');
  }

  const id = (typeof containerConfig.SpecificID === 'string' && /^[0-9a-f]{64}$/.test(containerConfig.SpecificID))
    ? containerConfig.SpecificID
    : generateContainerId();
  const finalConfig = applyImageDefaults(containerConfig, image?.Config ?? {}, id);
  const { mounts, anonymousVolumes } = await resolveMounts(finalConfig, hostConfig, deps.volumes);

  const containerDir = containerDirOf(deps.dataRoot, id);
  const rootfs = join(containerDir, 'rootfs');
  const stateDir = join(containerDir, 'runtime');
  try {
    await mkdir(stateDir, { recursive: true });
    await (image ? deps.images.prepareRootfs(image, rootfs) : rootfsSource!.prepare(rootfs));
  } catch (error) {
    await deps.images.releaseRootfs?.(rootfs);
    await rm(containerDir, { recursive: true, force: true });
    throw error;
  }

  const mode = networkModeOf({ HostConfig: hostConfig });
  // The CLI names the default network "default" in EndpointsConfig, as in NetworkMode: it is "bridge".
  const endpointsConfig = Object.fromEntries(Object.entries(networking.EndpointsConfig ?? {}).map(([network, config]) => [network === 'default' ? 'bridge' : network, config]));
  const networks = Object.keys(endpointsConfig);
  const [path = '', ...args] = commandOf(finalConfig);
  return {
    Id: id,
    Name: name,
    Created: new Date().toISOString(),
    Path: path,
    Args: args,
    State: initialState(),
    Image: image?.Id ?? '',
    RestartCount: 0,
    Driver: deps.images.snapshotterName ?? 'hookd-copy',
    Platform: 'linux',
    LogPath: join(containerDir, `${id}-json.log`),
    Config: finalConfig,
    HostConfig: { NetworkMode: hostConfig.NetworkMode || 'default', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, ...hostConfig },
    NetworkSettings: {
      Networks: Object.fromEntries((networks.length > 0 ? networks : [mode]).map((network) => [network, {
        ...emptyEndpointState(network),
        ...(endpointsConfig[network] ?? {}),
      }])),
    },
    Mounts: mounts,
    HookdProvenance: result.provenance,
    hookd: { rootfs, stateDir, exitPath: join(stateDir, 'exit.json'), anonymousVolumes },
  };
}

/** " (changed by plugin ...)" when provenance says who touched the config. */
function blame(provenance: ProvenanceEntry[]): string {
  const plugins = [...new Set(provenance.map((entry) => entry.plugin))];
  return plugins.length > 0 ? ` (changed by plugin${plugins.length > 1 ? 's' : ''} ${plugins.map((p) => `"${p}"`).join(', ')})` : '';
}
