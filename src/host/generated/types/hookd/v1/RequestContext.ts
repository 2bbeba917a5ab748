// Original file: proto/hookd/v1/plugin.proto


export interface RequestContext {
  'request_id'?: (string);
}

export interface RequestContext__Output {
  'request_id': (string);
}
