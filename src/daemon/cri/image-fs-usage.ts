// ImageFsInfo's numbers: the disk the image store's directory uses, in bytes and inodes, measured
// by GNU du (each image's tree is unpacked once under <dataRoot>/images). Concurrent calls share
// one measurement, since the kubelet polls and du walks every file.

import { execa } from 'execa';
import type { FilesystemUsage } from './generated/types/runtime/v1/FilesystemUsage.ts';

async function duNumber(args: string[], dir: string): Promise<number> {
  const result = await execa('du', [...args, dir], { reject: false });
  if (result.exitCode !== 0 && result.stdout === '') throw new Error(`du ${args.join(' ')} ${dir} failed: ${result.stderr}`);
  return Number.parseInt(result.stdout, 10) || 0;
}

async function measure(dir: string): Promise<FilesystemUsage> {
  const [bytes, inodes] = await Promise.all([duNumber(['-s', '-B1'], dir), duNumber(['-s', '--inodes'], dir)]);
  return {
    timestamp: (BigInt(Date.now()) * 1_000_000n).toString(),
    fs_id: { mountpoint: dir },
    used_bytes: { value: bytes },
    inodes_used: { value: inodes },
  };
}

/** A meter for `dir`: each call measures, unless a measurement is already under way (then it shares it). */
export function imageFsUsageMeter(dir: string): () => Promise<FilesystemUsage> {
  let inFlight: Promise<FilesystemUsage> | undefined;
  return () => {
    inFlight ??= measure(dir).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
