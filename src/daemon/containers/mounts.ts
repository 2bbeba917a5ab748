// A container's mounts from HostConfig.Binds ("src:/dst[:ro]"), HostConfig.Mounts and the
// config's Volumes (anonymous volumes). A Binds/Mounts source that is not an absolute path names
// a volume, which is created on first use.

import { randomBytes } from 'node:crypto';
import { badRequest } from '../errors.ts';
import type { RuntimeMount } from '../runtime/runtime.ts';
import type { VolumeManager } from '../volumes/volume-manager.ts';
import type { ContainerConfig, HostConfig, MountPoint } from './container-record.ts';

export async function resolveMounts(
  config: ContainerConfig, hostConfig: HostConfig, volumes: VolumeManager,
): Promise<{ mounts: MountPoint[]; anonymousVolumes: string[] }> {
  const mounts: MountPoint[] = [];
  const anonymousVolumes: string[] = [];
  const add = async (source: string, destination: string, readOnly: boolean, type?: string, propagation = 'rprivate'): Promise<void> => {
    if (mounts.some((mount) => mount.Destination === destination)) {
      throw badRequest(`Duplicate mount point: ${destination}`);
    }
    if (type === 'bind' || (type === undefined && source.startsWith('/'))) {
      mounts.push({ Type: 'bind', Source: source, Destination: destination, Mode: readOnly ? 'ro' : '', RW: !readOnly, Propagation: propagation });
      return;
    }
    const volume = await volumes.ensure(source, { anonymous: anonymousVolumes.includes(source) });
    mounts.push({ Type: 'volume', Name: volume.Name, Source: volume.Mountpoint, Destination: destination, Driver: volume.Driver, Mode: readOnly ? 'ro' : 'z', RW: !readOnly, Propagation: '' });
  };
  for (const bind of hostConfig.Binds ?? []) {
    const [source = '', destination = '', mode = ''] = bind.split(':');
    await add(source, destination, mode.split(',').includes('ro'));
  }
  for (const [i, mount] of (hostConfig.Mounts ?? []).entries()) {
    if (!mount.Target?.startsWith('/')) throw badRequest(`invalid create config: HostConfig.Mounts[${i}].Target must be an absolute path`);
    if (mount.Type === 'tmpfs') throw badRequest(`invalid create config: HostConfig.Mounts[${i}].Type "tmpfs" is not supported by hookd`);
    if (!mount.Source) {
      const name = randomBytes(32).toString('hex');
      anonymousVolumes.push(name);
      await add(name, mount.Target, mount.ReadOnly === true, 'volume');
    } else {
      const propagation = mount.BindOptions?.Propagation;
      if (propagation !== undefined && propagation !== '' && (mount.Type !== 'bind' || !PROPAGATIONS.includes(propagation))) {
        throw badRequest(`invalid create config: HostConfig.Mounts[${i}].BindOptions.Propagation must be one of ${PROPAGATIONS.join(', ')} on a bind mount, got ${JSON.stringify(propagation)}`);
      }
      await add(mount.Source, mount.Target, mount.ReadOnly === true, mount.Type ?? 'volume', propagation || undefined);
    }
  }
  for (const destination of Object.keys(config.Volumes ?? {})) {
    if (mounts.some((mount) => mount.Destination === destination)) continue;
    const name = randomBytes(32).toString('hex');
    anonymousVolumes.push(name);
    await add(name, destination, false, 'volume');
  }
  return { mounts, anonymousVolumes };
}

const PROPAGATIONS = ['private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared'];

export function toRuntimeMounts(mounts: MountPoint[]): RuntimeMount[] {
  return mounts.map((mount) => ({
    source: mount.Source, destination: mount.Destination, readOnly: !mount.RW,
    ...(mount.Type === 'bind' && PROPAGATIONS.includes(mount.Propagation) && mount.Propagation !== 'rprivate'
      ? { propagation: mount.Propagation as NonNullable<RuntimeMount['propagation']> } : {}),
  }));
}

/** Volume names a container refers to. */
export function volumeNamesOf(mounts: MountPoint[]): string[] {
  return mounts.filter((mount) => mount.Type === 'volume' && mount.Name).map((mount) => mount.Name as string);
}
