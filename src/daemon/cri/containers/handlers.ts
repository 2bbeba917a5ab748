// CRI containers: CreateContainer (with cri.preCreateContainer), Start/Stop/Remove, status, lists,
// updates, ExecSync, stats. Owned by the cri-containers work; until it lands the server answers
// UNIMPLEMENTED for these methods.

import type { CriHandlerModule } from '../handlers.ts';

export const containerHandlers: CriHandlerModule = () => ({});
