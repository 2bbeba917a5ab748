// Original file: proto/hookd/v1/plugin.proto

import type { OciHook as _hookd_v1_OciHook, OciHook__Output as _hookd_v1_OciHook__Output } from '../../hookd/v1/OciHook.ts';

export interface ContainerPreStartResponse {
  'hooks'?: (_hookd_v1_OciHook)[];
}

export interface ContainerPreStartResponse__Output {
  'hooks': (_hookd_v1_OciHook__Output)[];
}
