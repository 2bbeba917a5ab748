// ImageService: ListImages, ImageStatus, PullImage, RemoveImage, ImageFsInfo over the daemon's image
// store and puller. Owned by the cri-conformance work; until it lands the server answers
// UNIMPLEMENTED for these methods.

import type { CriHandlerModule } from './handlers.ts';

export const imageHandlers: CriHandlerModule = () => ({});
