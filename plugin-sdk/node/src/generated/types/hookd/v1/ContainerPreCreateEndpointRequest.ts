// Original file: proto/hookd/v1/plugin.proto

import type { RequestContext as _hookd_v1_RequestContext, RequestContext__Output as _hookd_v1_RequestContext__Output } from '../../hookd/v1/RequestContext.ts';
import type { EndpointPhase as _hookd_v1_EndpointPhase, EndpointPhase__Output as _hookd_v1_EndpointPhase__Output } from '../../hookd/v1/EndpointPhase.ts';

export interface ContainerPreCreateEndpointRequest {
  'context'?: (_hookd_v1_RequestContext | null);
  'container_id'?: (string);
  'env'?: (string)[];
  'endpoint_json'?: (Buffer | Uint8Array | string);
  'phase'?: (_hookd_v1_EndpointPhase);
}

export interface ContainerPreCreateEndpointRequest__Output {
  'context': (_hookd_v1_RequestContext__Output | null);
  'container_id': (string);
  'env': (string)[];
  'endpoint_json': (Buffer);
  'phase': (_hookd_v1_EndpointPhase__Output);
}
