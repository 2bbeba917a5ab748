// Builds OCI image layouts on disk from directories, for skopeo to push into a test registry:
// each layer is a directory tarred by GNU tar and compressed (gzip, or zstd by the zstd tool), the config lists the diff_ids,
// and index.json names one manifest per platform (several make a multi-platform index).

import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';

export interface PlatformImage {
  architecture: string;
  /** Directories, bottom layer first. */
  layerDirs: string[];
  cmd?: string[];
  /** Config labels; default {"org.hookd.test": <architecture>}. */
  labels?: Record<string, string>;
  /** More GNU tar flags for its layers, e.g. ['--xattrs', '--xattrs-include=*'] to keep xattrs. */
  tarFlags?: string[];
}

async function writeBlob(layout: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const hex = createHash('sha256').update(bytes).digest('hex');
  await writeFile(join(layout, 'blobs', 'sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

/** Writes an OCI layout at `layout` whose index.json tags the image (or index) as `tag`. */
export async function writeOciLayout(layout: string, tag: string, platforms: PlatformImage[], compression: 'gzip' | 'zstd' = 'gzip'): Promise<void> {
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const manifests = [];
  for (const platform of platforms) {
    const layers = [];
    const diffIds = [];
    for (const dir of platform.layerDirs) {
      const tar = (await execa('tar', ['--sort=name', '--numeric-owner', '--mtime=2024-01-01', ...(platform.tarFlags ?? []), '-C', dir, '-cf', '-', '.'], { encoding: 'buffer', maxBuffer: 1 << 30 })).stdout;
      diffIds.push(`sha256:${createHash('sha256').update(tar).digest('hex')}`);
      const compressed = compression === 'gzip' ? gzipSync(tar, { level: 1 }) : (await execa('zstd', ['-q', '-c', '-3'], { input: tar, encoding: 'buffer', maxBuffer: 1 << 30 })).stdout;
      layers.push({ mediaType: `application/vnd.oci.image.layer.v1.tar+${compression}`, ...(await writeBlob(layout, Buffer.from(compressed))) });
    }
    const config = {
      created: '2024-01-01T00:00:00Z', architecture: platform.architecture, os: 'linux',
      config: { Env: ['PATH=/bin'], Cmd: platform.cmd ?? ['/bin/sh'], Labels: platform.labels ?? { 'org.hookd.test': platform.architecture } },
      rootfs: { type: 'layers', diff_ids: diffIds },
    };
    const configBlob = await writeBlob(layout, Buffer.from(JSON.stringify(config)));
    const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob }, layers };
    const manifestBlob = await writeBlob(layout, Buffer.from(JSON.stringify(manifest)));
    manifests.push({ mediaType: manifest.mediaType, ...manifestBlob, platform: { os: 'linux', architecture: platform.architecture } });
  }
  let top = manifests[0]!;
  if (manifests.length > 1) {
    const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests };
    top = { mediaType: index.mediaType, ...(await writeBlob(layout, Buffer.from(JSON.stringify(index)))), platform: { os: '', architecture: '' } };
  }
  const { platform: _platform, ...descriptor } = top;
  await writeFile(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ ...descriptor, annotations: { 'org.opencontainers.image.ref.name': tag } }] }));
}

/** A busybox rootfs from the machine's busybox-static (as scripts/import-busybox.sh builds it). */
export async function writeBusyboxRootfs(dir: string): Promise<void> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  for (const sub of ['etc', 'tmp', 'proc', 'sys', 'dev', 'root']) await mkdir(join(dir, sub), { recursive: true });
  await writeFile(join(dir, 'bin', 'busybox'), await readFile('/bin/busybox'), { mode: 0o755 });
  const applets = (await execa(join(dir, 'bin', 'busybox'), ['--list'])).stdout.split('\n').filter((a) => a && a !== 'busybox');
  await execa('sh', ['-c', `cd ${JSON.stringify(join(dir, 'bin'))} && for a in ${applets.join(' ')}; do ln -sf busybox "$a"; done`]);
  await writeFile(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(join(dir, 'etc', 'group'), 'root:x:0:\n');
}

/** `skopeo copy` from a layout into the registry; extra flags choose the format and compression. */
export async function pushLayout(layout: string, tag: string, destination: string, flags: string[] = []): Promise<void> {
  const result = await execa('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', ...flags, `oci:${layout}:${tag}`, `docker://${destination}`], { reject: false });
  if (result.exitCode !== 0) throw new Error(`skopeo copy to ${destination} failed: ${result.stderr}`);
}
