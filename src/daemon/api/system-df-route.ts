// GET /system/df (`docker system df`): images with the containers using each, containers, and
// volumes with their reference counts. LayersSize is the unpacked layers, each once however many
// images share it (what containers' snapshots share; an image's SharedSize is the part of it other
// images have too), plus the content store's compressed blobs (which garbage collection frees);
// container SizeRw and volume sizes are not measured (reported as 0 / -1, which
// the CLI shows as such) because walking every upper dir would make the call as slow as du.

import { toListEntry } from '../containers/inspect-view.ts';
import type { RouteDeps } from './route-deps.ts';
import { jsonResponse, type RouteSpec } from './route-table.ts';
import { toVolumeJson } from './volume-routes.ts';

export function systemDfRoutes(deps: RouteDeps): RouteSpec[] {
  return [{
    method: 'GET', path: '/system/df', handler: async () => {
      const containers = deps.containers.list({ all: true, filters: {} });
      const images = deps.images.list().map((image) => ({
        Id: image.Id, ParentId: '', RepoTags: image.RepoTags, RepoDigests: image.RepoDigests ?? [],
        Created: Math.floor(Date.parse(image.Created) / 1000), Size: image.Size, SharedSize: deps.images.sharedSize?.(image) ?? 0, VirtualSize: image.Size,
        Labels: image.Config.Labels ?? {}, Containers: containers.filter((container) => container.Image === image.Id).length,
      }));
      const volumes = deps.volumes.list({}).map((volume) => ({
        ...toVolumeJson(volume), UsageData: { Size: -1, RefCount: deps.containers.usersOfVolume(volume.Name).length },
      }));
      return jsonResponse(200, {
        LayersSize: (deps.images.unpackedSize?.() ?? images.reduce((sum, image) => sum + image.Size, 0)) + (await deps.images.contentSize?.() ?? 0),
        Images: images,
        Containers: containers.map((record) => ({ ...toListEntry(record), SizeRw: 0, SizeRootFs: 0 })),
        Volumes: volumes,
        BuildCache: [],
      });
    },
  }];
}
