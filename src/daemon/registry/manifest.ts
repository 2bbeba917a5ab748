// The manifests a pull meets, checked before anything is trusted: an index (OCI image index or
// Docker manifest list) names one manifest per platform, and this machine's is chosen; an image
// manifest (OCI or Docker schema 2) names the config blob and the layer blobs, bottom first.
// Schema 1 (signed, deprecated since 2017) is refused with a clear error.

import { RegistryError } from './registry-errors.ts';
import { DIGEST } from './image-name.ts';

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
} as const;

export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(', ');

/** Layer media types and how their bytes are compressed. */
const LAYER_COMPRESSION: Record<string, LayerCompression> = {
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
  'application/vnd.oci.image.layer.v1.tar': 'none',
  'application/vnd.docker.image.rootfs.diff.tar': 'none',
};

export type LayerCompression = 'gzip' | 'zstd' | 'none';

/** How a layer of this media type is compressed; undefined for a type hookd cannot unpack. */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  return LAYER_COMPRESSION[mediaType];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface LayerDescriptor extends Descriptor {
  compression: LayerCompression;
}

export interface ImageManifest {
  config: Descriptor;
  layers: LayerDescriptor[];
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCHITECTURES: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function hostPlatform(): Platform {
  const architecture = ARCHITECTURES[process.arch] ?? process.arch;
  return { os: 'linux', architecture, ...(architecture === 'arm64' ? { variant: 'v8' } : {}) };
}

/**
 * The `platform` parameter of a pull ("linux", "linux/arm64", "linux/arm64/v8"; the architecture
 * defaults to this machine's). Docker's aliases: x86_64 → amd64, aarch64 → arm64.
 */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/');
  const [os = '', architecture, variant] = parts;
  if (parts.length > 3 || !/^[a-z0-9]+$/.test(os) || (architecture !== undefined && !/^[a-z0-9_]+$/.test(architecture)) || (variant !== undefined && !/^[a-z0-9]+$/.test(variant))) {
    throw new RegistryError('ERR_REGISTRY_BAD_PLATFORM', `invalid platform "${text}": expected os[/architecture[/variant]], e.g. linux/arm64/v8`);
  }
  const aliases: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64' };
  const arch = architecture === undefined ? hostPlatform().architecture : aliases[architecture] ?? architecture;
  return { os, architecture: arch, ...(variant ? { variant } : {}) };
}

export function formatPlatform(platform: Platform): string {
  return `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`;
}

/** The media type a manifest says it is (its own field wins over the Content-Type header). */
export function manifestKind(bytes: Buffer, contentType: string, where: string): 'index' | 'manifest' {
  const json = parseJson(bytes, where);
  const mediaType = typeof json.mediaType === 'string' ? json.mediaType : contentType;
  if (mediaType === MEDIA.ociIndex || mediaType === MEDIA.dockerList) return 'index';
  if (mediaType === MEDIA.ociManifest || mediaType === MEDIA.dockerManifest) return 'manifest';
  if (json.schemaVersion === 1) throw bad(where, 'is a Docker schema 1 manifest, which hookd does not pull (re-push the image with a current client)');
  if (Array.isArray(json.manifests)) return 'index';
  if (typeof json.config === 'object' && Array.isArray(json.layers)) return 'manifest';
  throw bad(where, `has an unknown media type "${mediaType || 'none'}"`);
}

/** Picks this platform's manifest from an index: exact os/architecture, variant if both say one. */
export function selectPlatform(bytes: Buffer, where: string, platform: Platform = hostPlatform()): Descriptor {
  const json = parseJson(bytes, where);
  const manifests = Array.isArray(json.manifests) ? json.manifests as Array<Record<string, unknown>> : [];
  const offered: string[] = [];
  const candidates = manifests.filter((entry) => {
    const p = (entry.platform ?? {}) as Record<string, unknown>;
    offered.push(`${String(p.os)}/${String(p.architecture)}${p.variant ? `/${String(p.variant)}` : ''}`);
    if (p.os !== platform.os || p.architecture !== platform.architecture) return false;
    return p.variant === undefined || platform.variant === undefined || p.variant === platform.variant;
  });
  const chosen = candidates[0];
  if (!chosen) {
    throw new RegistryError('ERR_REGISTRY_NO_PLATFORM', `${where} has no manifest for ${formatPlatform(platform)} (it offers ${offered.join(', ') || 'nothing'})`);
  }
  return descriptor(chosen, `${where} entry for ${platform.os}/${platform.architecture}`);
}

export function parseImageManifest(bytes: Buffer, where: string): ImageManifest {
  const json = parseJson(bytes, where);
  const config = descriptor(json.config, `${where} config`);
  if (!Array.isArray(json.layers)) throw bad(where, 'has no "layers" list');
  const layers = json.layers.map((entry: unknown, index: number) => {
    const layer = descriptor(entry, `${where} layer ${index + 1}`);
    const compression = LAYER_COMPRESSION[layer.mediaType];
    if (!compression) throw bad(`${where} layer ${index + 1}`, `has the media type "${layer.mediaType}", which hookd cannot unpack`);
    return { ...layer, compression };
  });
  return { config, layers };
}

function descriptor(value: unknown, where: string): Descriptor {
  const entry = (value ?? {}) as Record<string, unknown>;
  if (typeof entry.digest !== 'string' || !DIGEST.test(entry.digest)) throw bad(where, `needs a sha256 "digest", got ${JSON.stringify(entry.digest)}`);
  if (typeof entry.size !== 'number' || !Number.isSafeInteger(entry.size) || entry.size < 0) throw bad(where, `needs a byte "size", got ${JSON.stringify(entry.size)}`);
  return { mediaType: typeof entry.mediaType === 'string' ? entry.mediaType : '', digest: entry.digest, size: entry.size };
}

function parseJson(bytes: Buffer, where: string): Record<string, unknown> {
  try {
    const json: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch {
    // Reported below with the culprit named.
  }
  throw bad(where, 'is not a JSON object');
}

function bad(where: string, reason: string): RegistryError {
  return new RegistryError('ERR_REGISTRY_BAD_MANIFEST', `${where} ${reason}`);
}
