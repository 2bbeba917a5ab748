// Original file: proto/hookd/v1/plugin.proto

import type { JsonDocument as _hookd_v1_JsonDocument, JsonDocument__Output as _hookd_v1_JsonDocument__Output } from '../../hookd/v1/JsonDocument.ts';

export interface ContainerPreCreateResponse {
  'config'?: (_hookd_v1_JsonDocument | null);
}

export interface ContainerPreCreateResponse__Output {
  'config': (_hookd_v1_JsonDocument__Output | null);
}
