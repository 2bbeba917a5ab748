// The daemon's pull service: one blob store, one download limit and the registry config shared by
// every pull, whichever front door asks (the Docker API today, CRI PullImage later), with
// image.postPull wired in: the plugins see the image as it will be stored and may name extra
// snapshotters, which are prepared before the reference is stored. A plugin failure, or a
// snapshotter nobody can prepare, fails the pull; what was fetched and unpacked stays.

import type { HookInvoker } from '../../../host/index.ts';
import type { BlobStore } from '../../content/blob-store.ts';
import type { RegistryConfig } from '../../registry/registry-config.ts';
import type { RegistryCredentials } from '../../registry/registry-auth.ts';
import { RegistryClient } from '../../registry/registry-client.ts';
import type { ImageStore, PulledImageStore } from '../image-store.ts';
import { toImageInspect } from '../image-inspect.ts';
import { DownloadLimit } from './download-limit.ts';
import { completePull, resolvePull, type PostPullInput, type PullDeps, type PullRequest, type ResolvedPull } from './pull-image.ts';
import type { ProgressSink } from './pull-progress.ts';

export interface ImagePullerOptions {
  blobs: BlobStore;
  images: ImageStore & PulledImageStore;
  registries: RegistryConfig;
  invoker: HookInvoker;
  /** The snapshotter containers use (reported to image.postPull). */
  snapshotter: string;
  /** Makes the image usable by the snapshotter `name`; throws for a name hookd does not have. */
  prepareSnapshotter: (name: string, image: PostPullInput['image']) => Promise<void>;
}

export class ImagePuller {
  readonly #deps: PullDeps;

  constructor(options: ImagePullerOptions) {
    this.#deps = {
      blobs: options.blobs,
      images: options.images,
      registries: options.registries,
      limit: new DownloadLimit(options.registries.maxConcurrentDownloads),
      snapshotter: options.snapshotter,
      postPull: async (input) => {
        const result = await options.invoker.invoke('image.postPull', {
          imageRef: input.reference,
          imageId: input.image.Id,
          snapshotter: input.snapshotter,
          image: toImageInspect(input.image, input.snapshotter),
        });
        for (const name of result.snapshotters) await options.prepareSnapshotter(name, input.image);
      },
    };
  }

  get blobs(): BlobStore {
    return this.#deps.blobs;
  }

  /**
   * POST /auth (`docker login`): checks the credentials against the registry at `serverAddress`
   * ("127.0.0.1:5000", "https://index.docker.io/v1/"); nothing is stored (the client keeps them).
   */
  async login(serverAddress: string, credentials: RegistryCredentials, signal?: AbortSignal): Promise<void> {
    const host = serverAddress.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    const domain = host === '' || host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
    await new RegistryClient({ config: this.#deps.registries, domain, repository: '', credentials }).checkLogin(signal);
  }

  /** Manifest and config: fails before any progress is written (the API answers with a status). */
  resolve(request: PullRequest): Promise<ResolvedPull> {
    return resolvePull(this.#deps, request);
  }

  complete(resolved: ResolvedPull, progress: ProgressSink, signal?: AbortSignal): ReturnType<typeof completePull> {
    return completePull(this.#deps, resolved, progress, signal);
  }
}
