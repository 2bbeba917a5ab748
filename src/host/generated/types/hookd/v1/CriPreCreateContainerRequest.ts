// Original file: proto/hookd/v1/plugin.proto

import type { RequestContext as _hookd_v1_RequestContext, RequestContext__Output as _hookd_v1_RequestContext__Output } from '../../hookd/v1/RequestContext.ts';

export interface CriPreCreateContainerRequest {
  'context'?: (_hookd_v1_RequestContext | null);
  'config_json'?: (Buffer | Uint8Array | string);
  'sandbox_json'?: (Buffer | Uint8Array | string);
}

export interface CriPreCreateContainerRequest__Output {
  'context': (_hookd_v1_RequestContext__Output | null);
  'config_json': (Buffer);
  'sandbox_json': (Buffer);
}
