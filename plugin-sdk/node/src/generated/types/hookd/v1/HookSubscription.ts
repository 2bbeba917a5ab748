// Original file: proto/hookd/v1/plugin.proto

import type { Hook as _hookd_v1_Hook, Hook__Output as _hookd_v1_Hook__Output } from '../../hookd/v1/Hook.ts';
import type { HookOptions as _hookd_v1_HookOptions, HookOptions__Output as _hookd_v1_HookOptions__Output } from '../../hookd/v1/HookOptions.ts';

export interface HookSubscription {
  'hook'?: (_hookd_v1_Hook);
  'options'?: (_hookd_v1_HookOptions | null);
}

export interface HookSubscription__Output {
  'hook': (_hookd_v1_Hook__Output);
  'options': (_hookd_v1_HookOptions__Output | null);
}
