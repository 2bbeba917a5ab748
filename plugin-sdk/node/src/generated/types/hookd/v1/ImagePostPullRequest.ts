// Original file: proto/hookd/v1/plugin.proto

import type { RequestContext as _hookd_v1_RequestContext, RequestContext__Output as _hookd_v1_RequestContext__Output } from '../../hookd/v1/RequestContext.ts';

export interface ImagePostPullRequest {
  'context'?: (_hookd_v1_RequestContext | null);
  'image_ref'?: (string);
  'image_id'?: (string);
  'snapshotter'?: (string);
  'image_json'?: (Buffer | Uint8Array | string);
}

export interface ImagePostPullRequest__Output {
  'context': (_hookd_v1_RequestContext__Output | null);
  'image_ref': (string);
  'image_id': (string);
  'snapshotter': (string);
  'image_json': (Buffer);
}
