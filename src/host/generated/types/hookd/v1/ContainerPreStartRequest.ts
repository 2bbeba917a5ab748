// Original file: proto/hookd/v1/plugin.proto

import type { RequestContext as _hookd_v1_RequestContext, RequestContext__Output as _hookd_v1_RequestContext__Output } from '../../hookd/v1/RequestContext.ts';

export interface ContainerPreStartRequest {
  'context'?: (_hookd_v1_RequestContext | null);
  'container_id'?: (string);
  'container_json'?: (Buffer | Uint8Array | string);
}

export interface ContainerPreStartRequest__Output {
  'context': (_hookd_v1_RequestContext__Output | null);
  'container_id': (string);
  'container_json': (Buffer);
}
