// Pod sandboxes: RunPodSandbox, StopPodSandbox, RemovePodSandbox, PodSandboxStatus, ListPodSandbox.
// (Being built on the cri-server branch; until then the server answers UNIMPLEMENTED for them.)

import type { CriHandlerModule } from '../handlers.ts';

export const sandboxHandlers: CriHandlerModule = () => ({});
