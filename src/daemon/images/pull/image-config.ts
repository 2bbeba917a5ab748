// The image config blob (OCI image-spec config.md / Docker's image JSON): what the daemon keeps
// from it. rootfs.diff_ids are the uncompressed layers' digests, bottom first; the pull checks
// each unpacked layer against them.

import type { ImageConfig } from '../image-store.ts';
import { RegistryError } from '../../registry/registry-errors.ts';
import { DIGEST } from '../../registry/image-name.ts';

export interface ParsedImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  created: string;
  comment: string;
  config: ImageConfig;
  diffIds: string[];
}

export function parseImageConfig(bytes: Buffer, where: string): ParsedImageConfig {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new RegistryError('ERR_REGISTRY_BAD_MANIFEST', `${where} is not JSON: ${(error as Error).message}`);
  }
  const rootfs = (json.rootfs ?? {}) as { diff_ids?: unknown };
  const diffIds = Array.isArray(rootfs.diff_ids) ? rootfs.diff_ids : [];
  if (!diffIds.every((id): id is string => typeof id === 'string' && DIGEST.test(id))) {
    throw new RegistryError('ERR_REGISTRY_BAD_MANIFEST', `${where}: rootfs.diff_ids must be sha256 digests`);
  }
  const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);
  const config = typeof json.config === 'object' && json.config !== null ? json.config as ImageConfig : {};
  return {
    architecture: text(json.architecture, 'amd64'),
    os: text(json.os, 'linux'),
    ...(typeof json.variant === 'string' ? { variant: json.variant } : {}),
    created: text(json.created, new Date(0).toISOString()),
    comment: text(json.comment, ''),
    config,
    diffIds,
  };
}
