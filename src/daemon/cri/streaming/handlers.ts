// Exec, Attach and PortForward: URLs of hookd's streaming server, as the kubelet expects. Owned by
// the cri-streaming work; until it lands the server answers UNIMPLEMENTED for these methods.

import type { CriHandlerModule } from '../handlers.ts';

export const streamingHandlers: CriHandlerModule = () => ({});
