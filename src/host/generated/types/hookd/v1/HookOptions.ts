// Original file: proto/hookd/v1/plugin.proto

import type { FailurePolicy as _hookd_v1_FailurePolicy, FailurePolicy__Output as _hookd_v1_FailurePolicy__Output } from '../../hookd/v1/FailurePolicy.ts';

export interface HookOptions {
  'timeout_ms'?: (number);
  'failure_policy'?: (_hookd_v1_FailurePolicy);
}

export interface HookOptions__Output {
  'timeout_ms': (number);
  'failure_policy': (_hookd_v1_FailurePolicy__Output);
}
