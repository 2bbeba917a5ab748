// Original file: proto/hookd/v1/plugin.proto

import type { JsonDocument as _hookd_v1_JsonDocument, JsonDocument__Output as _hookd_v1_JsonDocument__Output } from '../../hookd/v1/JsonDocument.ts';

export interface ContainerPreUpdateResponse {
  'body'?: (_hookd_v1_JsonDocument | null);
}

export interface ContainerPreUpdateResponse__Output {
  'body': (_hookd_v1_JsonDocument__Output | null);
}
