// Original file: proto/hookd/v1/plugin.proto

import type { Hook as _hookd_v1_Hook, Hook__Output as _hookd_v1_Hook__Output } from '../../hookd/v1/Hook.ts';
import type { Combine as _hookd_v1_Combine, Combine__Output as _hookd_v1_Combine__Output } from '../../hookd/v1/Combine.ts';
import type { FailurePolicy as _hookd_v1_FailurePolicy, FailurePolicy__Output as _hookd_v1_FailurePolicy__Output } from '../../hookd/v1/FailurePolicy.ts';

export interface HookContract {
  'name'?: (string);
  'hook'?: (_hookd_v1_Hook);
  'combine'?: (_hookd_v1_Combine);
  'default_failure_policy'?: (_hookd_v1_FailurePolicy);
  'default_timeout_ms'?: (number);
  'document_field'?: (string);
  'reply_field'?: (string);
  'raw_document'?: (boolean);
}

export interface HookContract__Output {
  'name': (string);
  'hook': (_hookd_v1_Hook__Output);
  'combine': (_hookd_v1_Combine__Output);
  'default_failure_policy': (_hookd_v1_FailurePolicy__Output);
  'default_timeout_ms': (number);
  'document_field': (string);
  'reply_field': (string);
  'raw_document': (boolean);
}
