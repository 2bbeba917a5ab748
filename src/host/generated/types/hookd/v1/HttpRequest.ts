// Original file: proto/hookd/v1/plugin.proto

import type { HttpHeader as _hookd_v1_HttpHeader, HttpHeader__Output as _hookd_v1_HttpHeader__Output } from '../../hookd/v1/HttpHeader.ts';

export interface HttpRequest {
  'method'?: (string);
  'path'?: (string);
  'query'?: (string);
  'headers'?: (_hookd_v1_HttpHeader)[];
  'body'?: (Buffer | Uint8Array | string);
  'route_path'?: (string);
  'path_params'?: ({[key: string]: string});
}

export interface HttpRequest__Output {
  'method': (string);
  'path': (string);
  'query': (string);
  'headers': (_hookd_v1_HttpHeader__Output)[];
  'body': (Buffer);
  'route_path': (string);
  'path_params': ({[key: string]: string});
}
