// Original file: proto/hookd/v1/plugin.proto

import type { HookSubscription as _hookd_v1_HookSubscription, HookSubscription__Output as _hookd_v1_HookSubscription__Output } from '../../hookd/v1/HookSubscription.ts';

export interface DescribeResponse {
  'name'?: (string);
  'version'?: (string);
  'protocol_versions'?: (string)[];
  'hooks'?: (_hookd_v1_HookSubscription)[];
}

export interface DescribeResponse__Output {
  'name': (string);
  'version': (string);
  'protocol_versions': (string)[];
  'hooks': (_hookd_v1_HookSubscription__Output)[];
}
