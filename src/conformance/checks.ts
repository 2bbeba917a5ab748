// The conformance checks, in the order they run. Order matters: start creates the session's
// process and clients; Configure runs before the hooks (with null first, so the hooks see the
// real config); Shutdown ends the main process, after which stdout is judged on its whole life;
// stdin-close launches a second copy, sigterm a third.

import { HOOK_CHECKS } from './hook-checks.ts';
import { LIFECYCLE_CHECKS } from './lifecycle-checks.ts';
import { PROTOCOL_CHECKS } from './protocol-checks.ts';
import { ROBUSTNESS_CHECKS } from './robustness-checks.ts';
import type { Check } from './types.ts';

export const CHECKS: readonly Check[] = [
  LIFECYCLE_CHECKS.runByHand,
  LIFECYCLE_CHECKS.start,
  PROTOCOL_CHECKS.describe,
  PROTOCOL_CHECKS.health,
  PROTOCOL_CHECKS.configureNull,
  PROTOCOL_CHECKS.configureManifest,
  HOOK_CHECKS.subscribedHooks,
  ROBUSTNESS_CHECKS.minimalInputs,
  ROBUSTNESS_CHECKS.unknownFields,
  HOOK_CHECKS.unsubscribedHooks,
  HOOK_CHECKS.concurrency,
  LIFECYCLE_CHECKS.shutdown,
  LIFECYCLE_CHECKS.stdout,
  LIFECYCLE_CHECKS.stdinClose,
  ROBUSTNESS_CHECKS.sigterm,
];
