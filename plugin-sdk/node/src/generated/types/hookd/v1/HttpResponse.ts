// Original file: proto/hookd/v1/plugin.proto

import type { HttpHeader as _hookd_v1_HttpHeader, HttpHeader__Output as _hookd_v1_HttpHeader__Output } from '../../hookd/v1/HttpHeader.ts';

export interface HttpResponse {
  'status'?: (number);
  'headers'?: (_hookd_v1_HttpHeader)[];
  'body'?: (Buffer | Uint8Array | string);
}

export interface HttpResponse__Output {
  'status': (number);
  'headers': (_hookd_v1_HttpHeader__Output)[];
  'body': (Buffer);
}
