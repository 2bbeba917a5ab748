// Original file: proto/hookd/v1/plugin.proto

import type { RequestContext as _hookd_v1_RequestContext, RequestContext__Output as _hookd_v1_RequestContext__Output } from '../../hookd/v1/RequestContext.ts';

export interface ContainerPostUpdateRequest {
  'context'?: (_hookd_v1_RequestContext | null);
  'container_id'?: (string);
  'rootfs'?: (string);
  'env'?: (string)[];
}

export interface ContainerPostUpdateRequest__Output {
  'context': (_hookd_v1_RequestContext__Output | null);
  'container_id': (string);
  'rootfs': (string);
  'env': (string)[];
}
