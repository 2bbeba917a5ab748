// A stored image as the CRI's Image message. The store keeps Docker's familiar names
// ("busybox:latest", "busybox@sha256:..."); the kubelet compares fully qualified ones
// ("docker.io/library/busybox:latest"), as containerd reports them.

import { parseImageName } from '../registry/image-name.ts';
import type { ImageRecord } from '../images/image-store.ts';
import type { Image } from './generated/types/runtime/v1/Image.ts';

/** "busybox:latest" → "docker.io/library/busybox:latest"; a name the parser refuses stays as stored. */
export function qualifiedName(stored: string): string {
  try {
    const name = parseImageName(stored);
    const repository = `${name.domain}/${name.repository}`;
    return name.digest !== undefined ? `${repository}@${name.digest}` : `${repository}:${name.tag ?? 'latest'}`;
  } catch {
    return stored;
  }
}

/**
 * The image's user as the CRI splits it: "1002" or "1002:1004" is a uid, "www-data" or
 * "www-data:1004" a user name; no user is neither (the runtime's default, root).
 */
export function imageUser(user: string | undefined): { uid?: number; username: string } {
  const name = (user ?? '').split(':')[0]!.trim();
  if (name === '') return { username: '' };
  if (/^\d+$/.test(name)) return { uid: Number(name), username: '' };
  return { username: name };
}

export function toCriImage(image: ImageRecord): Image {
  const user = imageUser(image.Config.User);
  return {
    id: image.Id,
    repo_tags: image.RepoTags.map(qualifiedName),
    repo_digests: (image.RepoDigests ?? []).map(qualifiedName),
    size: image.Size,
    ...(user.uid !== undefined ? { uid: { value: user.uid } } : {}),
    username: user.username,
    spec: { image: image.Id },
    pinned: false,
  };
}

/** ImageStatus's verbose info: the image's config as its one "info" entry (JSON), as containerd gives it. */
export function toImageInfo(image: ImageRecord): Record<string, string> {
  const imageSpec = { created: image.Created, architecture: image.Architecture, os: image.Os, config: image.Config };
  const digests = { ...(image.configDigest ? { configDigest: image.configDigest } : {}), ...(image.manifestDigest ? { manifestDigest: image.manifestDigest } : {}) };
  return { info: JSON.stringify({ imageSpec, ...digests }) };
}
