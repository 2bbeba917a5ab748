// Original file: proto/hookd/v1/plugin.proto

import type { HttpPhase as _hookd_v1_HttpPhase, HttpPhase__Output as _hookd_v1_HttpPhase__Output } from '../../hookd/v1/HttpPhase.ts';
import type { HttpRequest as _hookd_v1_HttpRequest, HttpRequest__Output as _hookd_v1_HttpRequest__Output } from '../../hookd/v1/HttpRequest.ts';
import type { HttpResponse as _hookd_v1_HttpResponse, HttpResponse__Output as _hookd_v1_HttpResponse__Output } from '../../hookd/v1/HttpResponse.ts';

export interface HandleHttpRequest {
  'phase'?: (_hookd_v1_HttpPhase);
  'request'?: (_hookd_v1_HttpRequest | null);
  'response'?: (_hookd_v1_HttpResponse | null);
}

export interface HandleHttpRequest__Output {
  'phase': (_hookd_v1_HttpPhase__Output);
  'request': (_hookd_v1_HttpRequest__Output | null);
  'response': (_hookd_v1_HttpResponse__Output | null);
}
