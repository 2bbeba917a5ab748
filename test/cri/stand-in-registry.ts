// The registry the CRI tests pull from: Debian's docker-registry on 127.0.0.1 (test/e2e/registry)
// filled by scripts/cri-images.sh with the stand-ins of every image critest pulls, under their
// upstream repository paths, and the daemon config that makes hookd reach it for the upstream
// registry names (a mirror per host: critest looks images up by their unprefixed names).

import { execa } from 'execa';
import { join } from 'node:path';
import { REPO } from '../e2e/daemon-process.ts';
import { registryMissingReason, startRegistry, type LocalRegistry } from '../e2e/registry/local-registry.ts';

/** The registry hosts critest's images name (and docker.io, for crictl walk-throughs). */
export const UPSTREAM_REGISTRIES = ['registry.k8s.io', 'gcr.io', 'k8s.gcr.io', 'docker.io'] as const;

export interface StandInRegistry {
  registry: LocalRegistry;
  /** The daemon config's "registries" block: every upstream host mirrored to the local registry. */
  registriesConfig: { mirrors: Record<string, string> };
  stop(): Promise<void>;
}

/** Why the stand-ins cannot be built and served here, or undefined. */
export async function standInsMissingReason(): Promise<string | undefined> {
  const registry = await registryMissingReason();
  if (registry) return registry;
  for (const [tool, pkg] of [['umoci', 'umoci'], ['go', 'Go (golang)'], ['catatonit', 'catatonit']] as const) {
    if ((await execa('sh', ['-c', `command -v ${tool}`], { reject: false })).exitCode !== 0) return `${tool} is not installed (${pkg}); scripts/cri-images.sh needs it`;
  }
  return undefined;
}

/** Starts a registry and pushes every stand-in (built once, cached: scripts/cri-images.sh). */
export async function startStandInRegistry(): Promise<StandInRegistry> {
  const registry = await startRegistry();
  try {
    await execa('bash', [join(REPO, 'scripts/cri-images.sh'), 'push', registry.host], { timeout: 600_000 });
  } catch (error) {
    await registry.stop();
    throw error;
  }
  const mirror = `http://${registry.host}`;
  return {
    registry,
    registriesConfig: { mirrors: Object.fromEntries(UPSTREAM_REGISTRIES.map((host) => [host, mirror])) },
    stop: () => registry.stop(),
  };
}
