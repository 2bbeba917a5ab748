// GET /images/{name}/json for one record, in Docker's field names. image.postPull sends the same
// JSON for the image it is about to store, so plugins see what clients will see.

import type { ImageRecord } from './image-store.ts';

export function toImageInspect(image: ImageRecord, graphDriver = 'hookd-copy'): Record<string, unknown> {
  const { rootfsDir: _rootfsDir, chainIds: _chainIds, layers, configDigest: _configDigest, manifestDigest: _manifestDigest, RepoDigests, ...visible } = image;
  return {
    ...visible, RepoDigests: RepoDigests ?? [], Parent: '', Container: '', DockerVersion: '', Author: '', VirtualSize: image.Size,
    GraphDriver: { Name: graphDriver, Data: null },
    RootFS: { Type: 'layers', Layers: (layers ?? []).map((layer) => layer.diffId) },
    Metadata: { LastTagTime: image.Created },
  };
}
